"""ledger's data: accounts, immutable entries, lots, rules, rewards, redemptions.

- ``accounts``: one per worker: balance, seq (entries so far), lifetime
  ``earned``, and a local copy of identity's facts (name, district,
  occupation) for the leaderboard.
- ``entries``: the statement. Only ever inserted (services/ledger/posting.py);
  ``source`` is unique, so the same event, request or reversal is posted once.
- ``lots``: what each credit still has unspent, for expiry oldest first.
- ``rule_sets``: one document per version (``_id`` = version number).
- ``rewards`` / ``redemptions``: stock is taken with a conditional write, and
  a redemption's (worker, Idempotency-Key) is unique.
- ``firsts``: every (earning type, worker, quiz / lesson / class / ...) seen,
  so "first pass only" holds even when the first pass earned nothing.
- ``classes``: class titles from courses' events, for statement lines.

Every verb is told the time (``now``, or ``at`` for when a fact happened) and
never reads the clock. A write an entrypoint answers with returns (document,
events): adjust, reverse, redeem. A write nobody sees returns just its events:
earn (an event handler's) and expire_due (the timer's). Rules, rewards and the
facts kept from other services never cause an event and return the document
(or nothing). The reports are verbs here too (services/ledger/reports.py), so
the service never reaches into the database.
"""
from datetime import timedelta

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from services.ledger import exceptions, reports
from services.ledger import lots as lot_rules
from services.ledger.earning import EarningFacts, awards
from services.ledger.posting import Books, points_event
from services.ledger.rewards import RewardsMixin
from shared.store import BaseStore, found, one_page
from shared.worker_facts import remember_worker

EXPIRING_SOON = timedelta(days=30)
REVERSIBLE = ("award", "adjustment", "redemption")
NEW_ACCOUNT = {"balance": 0, "seq": 0, "earned": 0}
# An account opened by a credit: the amounts come from the credit itself.
UNKNOWN_FACTS = {"facts_at": None}


class LedgerStore(RewardsMixin, BaseStore):
    @staticmethod
    def create_indexes(db):
        db.entries.create_index("source", unique=True)
        db.entries.create_index([("worker_id", ASCENDING), ("seq", ASCENDING)], unique=True)
        db.entries.create_index([("worker_id", ASCENDING), ("reason_code", ASCENDING),
                                 ("day", ASCENDING)])
        db.entries.create_index([("at", ASCENDING)])
        db.lots.create_index([("worker_id", ASCENDING), ("remaining", ASCENDING)])
        db.lots.create_index([("expires_at", ASCENDING), ("remaining", ASCENDING)])
        db.accounts.create_index([("earned", DESCENDING)])
        db.rewards.create_index([("status", ASCENDING), ("created_at", ASCENDING)])
        db.redemptions.create_index([("worker_id", ASCENDING), ("key", ASCENDING)], unique=True)
        db.redemptions.create_index("entry_id")
        db.redemptions.create_index([("worker_id", ASCENDING), ("at", DESCENDING)])

    # A transaction that kept conflicting (BaseStore.in_transaction).
    busy = staticmethod(exceptions.ledger_busy)

    @staticmethod
    def _replayed(earlier):
        """The twin's answer; if it is not there the clash was something else
        (a concurrent write), and the client may retry with the same key."""
        if earlier is None:
            raise exceptions.ledger_busy()
        return earlier

    # ---- what the ledger keeps from identity and courses -----------------

    def remember_worker(self, data, at, session):
        """Open the account if needed (as of ``at``, when the fact was true)
        and keep the worker's newest facts."""
        remember_worker(self.db.accounts, data, at, session,
                        dict(NEW_ACCOUNT, opened_at=at))

    def remember_class(self, data, session):
        self.db.classes.update_one({"_id": data["class_id"]},
                                   {"$set": {"title": data["title"]}},
                                   upsert=True, session=session)

    # ---- rules -----------------------------------------------------------

    def current_rules(self, session=None):
        latest = self.db.rule_sets.find_one({}, sort=[("_id", DESCENDING)], session=session)
        return latest or {"_id": 0, "rules": [], "created_at": None, "created_by": None}

    def save_rules(self, rule_list, staff_id, based_on, now):
        current = self.current_rules()["_id"]
        if based_on is not None and based_on != current:
            raise exceptions.rules_changed(current)
        rule_set = {"_id": current + 1, "rules": rule_list, "created_at": now,
                    "created_by": staff_id}
        try:  # two staff saving at once: the second gets a clear conflict
            self.db.rule_sets.insert_one(rule_set)
        except DuplicateKeyError:
            raise exceptions.rules_changed(self.current_rules()["_id"])
        return rule_set

    # ---- earning (inside the inbox's transaction) --------------------------

    def earn(self, code, data, event_source, session, now):
        """Post what one earning event is worth under the current rules;
        returns the events recorded (none when it earns nothing)."""
        return self.earn_all([(code, data, event_source)], session, now)

    def earn_all(self, earnings, session, now):
        """Post what each earning event ([(code, data, source)], in the order
        delivered) is worth under the current rules, in one pass
        (services/ledger/earning.py); returns the events recorded."""
        rule_set = self.current_rules(session)
        facts = EarningFacts(self.db, session, rule_set, earnings)
        credits = awards(earnings, facts, rule_set["_id"])
        facts.remember_firsts(now)
        # An earning event can overtake worker_registered (another queue):
        # the credit opens the account then.
        entries = Books(self.db, session, now).credit_all(credits, opening=UNKNOWN_FACTS)
        return self.record_events([points_event("points_awarded", entry) for entry in entries],
                                  session, one_entry=True)

    # ---- staff adjustments and reversals -----------------------------------

    def adjust(self, staff_id, fields, key, now):
        """A manual credit or debit with its reason and who made it. Returns
        (entry, events); the same Idempotency-Key returns the first entry, so
        a double click or a retry after a lost answer never posts twice."""
        source = "adjustment:{}:{}".format(staff_id, key)
        earlier = self._replay_adjustment(source, fields)
        if earlier is not None:
            return earlier, []
        worker_id, amount = fields["worker_id"], fields["amount"]

        def work(session):
            books = Books(self.db, session, now)
            if books.account(worker_id) is None:
                raise exceptions.account_not_found()
            entry = books.post(worker_id, amount, {
                "kind": "adjustment", "reason_code": "adjustment",
                "reason": "人工调整:" + fields["reason"], "source": source, "rule": None,
                "at": now, "earned": amount, "actor": staff_id})
            if entry is None:
                raise exceptions.insufficient_points(books.account(worker_id)["balance"], -amount)
            event_type = "points_awarded" if amount > 0 else "points_spent"
            return entry, self.record_events([points_event(event_type, entry)], session)
        try:
            return self.in_transaction(work)
        except DuplicateKeyError:  # a twin request with the same key won
            return self._replayed(self._replay_adjustment(source, fields)), []

    def _replay_adjustment(self, source, fields):
        earlier = self.db.entries.find_one({"source": source})
        if earlier is None:
            return None
        if (earlier["worker_id"], earlier["amount"]) != (fields["worker_id"], fields["amount"]):
            raise exceptions.idempotency_key_reused()
        return earlier

    def reverse(self, entry_id, staff_id, why, now):
        """Undo an entry with a new one that points at it, at most once.
        Refused when taking the points back would make the balance negative.
        Returns (entry, events); the same request again (same staff, same
        reason: a retry after a lost answer) gets the reversal it made."""
        original = self.get_entry(entry_id)
        if original["kind"] not in REVERSIBLE:
            raise exceptions.not_reversible(original["reason_code"])
        source = "reversal:" + entry_id
        reason = "撤销「{}」:{}".format(original["reason"], why)

        def work(session):
            # Read in the transaction: a retry after a conflict with a
            # concurrent reversal must see it and say so, not "overdraw".
            earlier = self.db.entries.find_one({"source": source}, session=session)
            if earlier is not None:
                return self._replay_reversal(earlier, staff_id, reason), []
            books = Books(self.db, session, now)
            entry = books.post(original["worker_id"], -original["amount"], {
                "kind": "reversal", "reason_code": "reversal", "reverses": entry_id,
                "reason": reason, "source": source,
                "rule": original.get("rule"), "at": now,
                "earned": -original.get("earned", 0), "actor": staff_id},
                take_first=entry_id, restore=original.get("lots"))
            if entry is None:
                raise exceptions.reversal_would_overdraw(
                    books.account(original["worker_id"])["balance"], original["amount"])
            if original["kind"] == "redemption":
                self._cancel_redemption(original, staff_id, now, session)
            return entry, self.record_events([points_event("points_reversed", entry)], session)
        try:
            return self.in_transaction(work)
        except DuplicateKeyError:  # a concurrent reversal of the same entry won
            return self._replay_reversal(self.db.entries.find_one({"source": source}),
                                         staff_id, reason), []

    @staticmethod
    def _replay_reversal(earlier, staff_id, reason):
        if earlier is None or (earlier["actor"], earlier["reason"]) != (staff_id, reason):
            raise exceptions.already_reversed()
        return earlier

    # ---- expiry ------------------------------------------------------------

    def expire_due(self, now, limit=100):
        """Expire what is due, one transaction per worker; returns the events
        to publish. The index finds whose lots may be due (up to ``limit``
        lots); lots.due_to_expire decides which are, oldest first."""
        candidates = self.db.lots.find({"expires_at": {"$lte": now}, "remaining": {"$gt": 0}},
                                       {"worker_id": 1}, sort=[("expires_at", ASCENDING)],
                                       limit=limit)
        events = []
        for worker_id in dict.fromkeys(lot["worker_id"] for lot in candidates):
            events += self.in_transaction(lambda session, worker_id=worker_id: self._expire(
                worker_id, now, session))
        return events

    def _expire(self, worker_id, now, session):
        # Read in the transaction: a lot spent or expired by a concurrent run
        # meanwhile is no longer due.
        open_lots = list(self.db.lots.find({"worker_id": worker_id, "remaining": {"$gt": 0}},
                                           session=session))
        books = Books(self.db, session, now)
        return self.record_events([points_event("points_spent", self._expire_lot(
            books, lot, session)) for lot in lot_rules.due_to_expire(open_lots, now)], session)

    def _expire_lot(self, books, lot, session):
        earned_by = self.db.entries.find_one({"_id": lot["_id"]}, {"reason": 1}, session=session)
        entry = books.post(lot["worker_id"], -lot["remaining"], {
            "kind": "expiry", "reason_code": "expired",
            "reason": "积分过期:" + earned_by["reason"], "rule": None, "actor": None,
            # A lot given back by a reversal may expire again: count its expiries.
            "source": "expiry:{}:{}".format(lot["_id"], lot["expiries"]),
            "at": lot["expires_at"]}, take_first=lot["_id"])
        if entry is None:
            raise RuntimeError("lots and balance disagree for " + lot["worker_id"])
        self.db.lots.update_one({"_id": lot["_id"]}, {"$inc": {"expiries": 1}}, session=session)
        return entry

    # ---- reading -----------------------------------------------------------

    def get_account(self, worker_id):
        return found(self.db.accounts.find_one({"_id": worker_id}), exceptions.account_not_found)

    def balance(self, worker_id, now):
        """What a worker sees: a worker the ledger has not heard of yet has 0."""
        account = self.db.accounts.find_one({"_id": worker_id}) or dict(NEW_ACCOUNT)
        soon = list(self.db.lots.find({
            "worker_id": worker_id, "remaining": {"$gt": 0},
            "expires_at": {"$ne": None, "$lte": now + EXPIRING_SOON}}))
        return {"worker_id": worker_id, "balance": account["balance"],
                "earned": account["earned"],
                "expiring_soon": sum(lot["remaining"] for lot in soon),
                "next_expiry_at": min((lot["expires_at"] for lot in soon), default=None)}

    def get_entry(self, entry_id):
        return found(self.db.entries.find_one({"_id": entry_id}), exceptions.entry_not_found)

    def statement(self, worker_id, page, per_page):
        """(entries newest first, each with the reversal that undid it, total)."""
        query = {"worker_id": worker_id}
        entries = list(one_page(self.db.entries.find(query).sort("seq", DESCENDING),
                                page, per_page))
        reversals = self.db.entries.find(
            {"source": {"$in": ["reversal:" + e["_id"] for e in entries]}},
            {"reverses": 1})
        undone = {r["reverses"]: r["_id"] for r in reversals}
        items = [dict(e, reversed_by=undone.get(e["_id"])) for e in entries]
        return items, self.db.entries.count_documents(query)

    # ---- reports (services/ledger/reports.py) -------------------------------

    def leaderboard(self, query, now):
        return reports.leaderboard(self.db, query, now)

    def export(self, query, max_rows):
        return reports.export(self.db, query, max_rows)

    def reconcile(self, worker_id=None):
        """At one point in time: a busy ledger shows no drift that is not there."""
        return reports.reconcile_at_one_time(self.db, worker_id)
