"""Posting one entry to a worker's account, inside the caller's transaction.

An entry, its account's new balance and the lots it opens or uses are written
together, so they cannot disagree:

- the account is updated first, with one conditional write: a debit only
  matches while ``balance >= amount``, so no interleaving of requests (or
  processes) can take the balance below zero; two transactions on the same
  account conflict and one is retried (BaseStore.in_transaction);
- the entry gets the account's new ``seq`` and ``balance_after``, and is only
  ever inserted: a unique ``source`` makes the same cause (event, request,
  reversal) impossible to post twice, and a unique (worker_id, seq) makes a
  lost update visible as an error instead of a wrong balance.
"""
from collections import Counter

from pymongo import ReturnDocument, UpdateOne

from services.ledger import lots as lot_rules
from shared.events import new_event
from shared.ids import new_id

SOURCE = "ledger"


def points_event(event_type, entry):
    data = {key: entry[key] for key in ("worker_id", "amount", "reason_code", "reason",
                                        "source", "balance_after", "at")}
    data["entry_id"] = entry["_id"]
    if event_type == "points_reversed":
        data["reverses"] = entry["reverses"]
    return new_event(SOURCE, event_type, data, now=entry["recorded_at"])


def lot_of(entry):
    """What a credit leaves to spend, until it expires."""
    return {"_id": entry["_id"], "worker_id": entry["worker_id"], "amount": entry["amount"],
            "remaining": entry["amount"], "earned_at": entry["at"], "seq": entry["seq"],
            "expires_at": entry.get("expires_at"), "expiries": 0}


class Books:
    """One worker's books inside a transaction, written as of ``now``."""

    def __init__(self, db, session, now):
        self.db = db
        self.session = session
        self.now = now

    def account(self, worker_id):
        return self.db.accounts.find_one({"_id": worker_id}, session=self.session)

    def post(self, worker_id, amount, entry, take_first=None, restore=None, opening=None):
        """Insert ``entry`` (its descriptive fields) moving the balance by
        ``amount``. A credit opens a lot, or gives back ``restore`` (the lots
        a reversed debit took); a debit uses lots oldest first, ``take_first``
        before the others. Given ``opening`` (the new account's other fields),
        a credit opens the account if there is none. Returns the entry, or
        None when a debit finds the balance too low (nothing is written then)."""
        account = self._move(worker_id, amount, entry.get("earned", 0), opening)
        if account is None:
            return None
        entry = self._entry(worker_id, amount, entry, account)
        if amount < 0:
            entry["lots"] = self._use_lots(worker_id, -amount, take_first)
        elif restore:
            self._restore_lots(restore)
        else:
            self.db.lots.insert_one(lot_of(entry), session=self.session)
        self.db.entries.insert_one(entry, session=self.session)
        return entry

    def credit_all(self, credits, opening):
        """Post ``credits`` ([(worker id, entry fields with its amount)], in
        order; each opens a lot) with one command per collection, whatever
        their number: each account read once and moved once. An account not
        there is opened with ``opening``. Returns the entries."""
        if not credits:
            return []
        accounts = {account["_id"]: dict(account, opened=True)
                    for account in self.db.accounts.find(
                        {"_id": {"$in": list({worker_id for worker_id, _ in credits})}},
                        {"balance": 1, "seq": 1}, session=self.session)}
        entries = []
        for worker_id, fields in credits:
            account = accounts.setdefault(worker_id, {"balance": 0, "seq": 0, "opened": False})
            account["balance"] += fields["amount"]
            account["seq"] += 1
            entries.append(self._entry(worker_id, fields["amount"], fields, account))
        self._move_all(accounts, entries, opening)
        self.db.entries.insert_many(entries, session=self.session)
        self.db.lots.insert_many([lot_of(entry) for entry in entries], session=self.session)
        return entries

    def _entry(self, worker_id, amount, fields, account):
        """The entry of ``fields`` with its account's new seq and balance."""
        entry = dict(fields, _id=fields.get("_id") or new_id(), worker_id=worker_id,
                     amount=amount, seq=account["seq"], balance_after=account["balance"],
                     recorded_at=self.now)
        entry.setdefault("earned", 0)
        return entry

    def _move_all(self, accounts, entries, opening):
        """One update per account, by its entries' sum, found by ``_id`` alone
        (the embedded server's fast path). The transaction makes a concurrent
        change to an account read here a conflict, and the unique (worker_id,
        seq) of entries would refuse a lost one: never a wrong balance."""
        moved = {}
        for entry in entries:
            total = moved.setdefault(entry["worker_id"], Counter())
            total.update(balance=entry["amount"], seq=1, earned=entry["earned"])
        updates = [self._account_update(worker_id, accounts[worker_id]["opened"], dict(total),
                                        opening) for worker_id, total in moved.items()]
        result = self.db.accounts.bulk_write(updates, ordered=True, session=self.session)
        if result.matched_count + result.upserted_count != len(updates):
            raise RuntimeError("an account read by the batch that posts to it is gone")

    def _account_update(self, worker_id, opened, inc, opening):
        change = {"$inc": inc, "$set": {"updated_at": self.now}}
        if opened:
            return UpdateOne({"_id": worker_id}, change)
        change["$setOnInsert"] = dict(opening, opened_at=self.now)
        return UpdateOne({"_id": worker_id}, change, upsert=True)

    def _move(self, worker_id, amount, earned, opening=None):
        criteria = {"_id": worker_id}
        change = {"$inc": {"balance": amount, "seq": 1, "earned": earned},
                  "$set": {"updated_at": self.now}}
        if amount < 0:
            criteria["balance"] = {"$gte": -amount}
        elif opening is not None:
            change["$setOnInsert"] = dict(opening, opened_at=self.now)
        return self.db.accounts.find_one_and_update(
            criteria, change, upsert="$setOnInsert" in change,
            return_document=ReturnDocument.AFTER, session=self.session)

    def _use_lots(self, worker_id, amount, take_first):
        open_lots = list(self.db.lots.find({"worker_id": worker_id, "remaining": {"$gt": 0}},
                                           session=self.session))
        taken = lot_rules.take(open_lots, amount, first=take_first)
        for lot_id, part in taken:
            self.db.lots.update_one({"_id": lot_id}, {"$inc": {"remaining": -part}},
                                    session=self.session)
        return [{"lot": lot_id, "amount": part} for lot_id, part in taken]

    def _restore_lots(self, taken):
        for part in taken:
            self.db.lots.update_one({"_id": part["lot"]}, {"$inc": {"remaining": part["amount"]}},
                                    session=self.session)
