"""Earning events posted in batches, inside the inbox's transaction.

Whatever the batch's size, the facts the rules need are read once each (the
rule set, class titles, which quiz / class / ... each worker had before, what
capped earnings made today), every event is decided in memory in delivery
order, each decision updating those facts for the events after it, and the
awards are written with one command per collection (Books.credit_all). A
batch of one is the same code: one event's earning is never decided two ways.
"""
from collections import Counter

from services.ledger import rules
from services.ledger.schemas import EARNINGS
from shared.domain import china_day


def first_key(code, data):
    """One (earning type, worker, quiz / class / ...): "first pass only"."""
    return "{}:{}:{}".format(code, data["worker_id"], data[EARNINGS[code].subject])


class EarningFacts:
    """What the batch's events need to know, read in a few queries, and kept
    up to date as the batch's own events are decided."""

    def __init__(self, db, session, rule_set, earnings):
        self.db, self.session = db, session
        self.rules = {rule["code"]: rule for rule in rule_set["rules"]}
        self.titles = self._class_titles(earnings)
        self.seen = self._seen_before(earnings)
        self.new_firsts = []
        self.earned = self._earned_today(earnings)

    def rule(self, code):
        return self.rules.get(code)

    def with_title(self, code, data):
        """A class attended is explained with its title, if the ledger knows it."""
        if code != "class_attended":
            return data
        return dict(data, title=self.titles.get(data["class_id"]))

    def facts_for(self, code, data):
        """The rules' Facts for this event; the event is then seen."""
        key = first_key(code, data)
        done_before = key in self.seen
        if not done_before:
            self.seen.add(key)
            self.new_firsts.append(key)
        return rules.Facts(earned_today=self.earned[self._day_key(code, data)],
                           done_before=done_before)

    def count(self, award, worker_id):
        self.earned[(worker_id, award.code, award.day)] += award.points

    @staticmethod
    def _day_key(code, data):
        return data["worker_id"], code, china_day(data[EARNINGS[code].time])

    def _class_titles(self, earnings):
        class_ids = {data["class_id"] for code, data, _ in earnings if code == "class_attended"}
        if not class_ids:
            return {}
        return {known["_id"]: known["title"] for known in self.db.classes.find(
            {"_id": {"$in": list(class_ids)}}, session=self.session)}

    def _seen_before(self, earnings):
        keys = list({first_key(code, data) for code, data, _ in earnings})
        return {first["_id"] for first in self.db.firsts.find(
            {"_id": {"$in": keys}}, {"_id": 1}, session=self.session)}

    def _earned_today(self, earnings):
        """Points each (worker, capped earning, China day) of the batch made
        before it: only rules with a daily cap need them."""
        wanted = {self._day_key(code, data) for code, data, _ in earnings
                  if (self.rule(code) or {}).get("daily_cap")}
        earned = Counter()
        if not wanted:
            return earned
        workers, codes, days = (list({key[i] for key in wanted}) for i in range(3))
        for entry in self.db.entries.find(
                {"worker_id": {"$in": workers}, "reason_code": {"$in": codes},
                 "day": {"$in": days}, "kind": "award"},
                {"worker_id": 1, "reason_code": 1, "day": 1, "amount": 1},
                session=self.session):
            earned[(entry["worker_id"], entry["reason_code"], entry["day"])] += entry["amount"]
        return earned

    def remember_firsts(self, now):
        """Every (earning type, worker, subject) first seen in this batch."""
        if self.new_firsts:
            self.db.firsts.insert_many([{"_id": key, "at": now} for key in self.new_firsts],
                                       session=self.session)


def awards(earnings, facts, rule_version):
    """[(worker id, entry fields)] of the earnings that earn, in order."""
    credits = []
    for code, data, event_source in earnings:
        data = facts.with_title(code, data)
        rule = facts.rule(code)
        award = rules.decide(code, rule, data, facts.facts_for(code, data))
        if award is None:
            continue
        facts.count(award, data["worker_id"])
        credits.append((data["worker_id"], {
            "kind": "award", "reason_code": code, "reason": award.reason,
            "source": event_source, "rule": {"code": code, "version": rule_version},
            "at": award.at, "day": award.day, "subject": award.subject,
            "expires_at": award.expires_at, "earned": award.points, "actor": None,
            "amount": award.points}))
    return credits
