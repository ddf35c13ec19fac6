"""Tag rules: what each operator means, once, as a MongoDB filter and as a
Python test side by side, so a segment counted by the database and a
worker's own tags evaluated here cannot disagree (tests/unit/
test_insight_tags.py checks them against the real database too).

A rule holds when all its conditions hold. Tags are evaluated when asked
(never stored), so they are never stale. No I/O here, and no clock: the
time is an argument.
"""
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from services.insight.schemas import FACTS, OPS, TIME


@dataclass(frozen=True)
class Op:
    # (field, value, now) -> the filter of the profiles it holds for
    query: Callable
    # (the profile's value or None, value, now) -> whether it holds
    holds: Callable


def count_of(actual):
    """A count a profile does not have yet is 0."""
    return 0 if actual is None else actual


def on_count(operator, test):
    """An op on a count: ``{field: {operator: value}}``, and, where the op
    holds for 0, the profiles that have no such count yet (``{field:
    None}`` matches a missing field), as ``count_of`` reads them."""
    def query(field, value, now):
        compared = {field: {operator: value}}
        return {"$or": [compared, {field: None}]} if test(0, value) else compared
    return Op(query=query, holds=lambda actual, value, now: test(count_of(actual), value))


def cutoff(days, now):
    return now - timedelta(days=days)


OPERATORS = {
    "gte": on_count("$gte", lambda actual, value: actual >= value),
    "lte": on_count("$lte", lambda actual, value: actual <= value),
    "eq": on_count("$eq", lambda actual, value: actual == value),
    "within_days": Op(
        query=lambda field, days, now: {field: {"$gte": cutoff(days, now)}},
        holds=lambda actual, days, now: actual is not None and actual >= cutoff(days, now)),
    "not_within_days": Op(
        query=lambda field, days, now: {"$or": [{field: None},
                                                {field: {"$lt": cutoff(days, now)}}]},
        holds=lambda actual, days, now: actual is None or actual < cutoff(days, now)),
}
assert set(OPERATORS) == set(OPS)


def condition_query(condition, now):
    return OPERATORS[condition["op"]].query(condition["fact"], condition["value"], now)


def condition_holds(condition, profile, now):
    return OPERATORS[condition["op"]].holds(profile.get(condition["fact"]),
                                            condition["value"], now)


def rule_query(rule, now):
    return {"$and": [condition_query(condition, now) for condition in rule["conditions"]]}


def rule_holds(rule, profile, now):
    return all(condition_holds(condition, profile, now) for condition in rule["conditions"])


def tags_of(profile, rules, now):
    """The rules that hold for ``profile``, in the rules' order."""
    return [rule for rule in rules if rule_holds(rule, profile, now)]


def fact_value(profile, fact):
    """A fact as shown: a count (0 when none yet), or a time (None: never)."""
    actual = profile.get(fact)
    return actual if FACTS[fact][0] == TIME else count_of(actual)


# ---- the rules a new system starts with ------------------------------------------------

def condition(fact, op, value):
    return {"fact": fact, "op": op, "value": value}


DEFAULT_RULES = (
    {"tag": "night_rider", "label": "夜间骑手",
     "description": "夜间(22时至次日6时)在驿站打卡至少3次,且最近30天内有过一次",
     "conditions": [condition("night_station_visits", "gte", 3),
                    condition("last_night_visit_at", "within_days", 30)]},
    {"tag": "looking_for_work", "label": "正在找工作",
     "description": "最近14天内投递过岗位",
     "conditions": [condition("last_application_at", "within_days", 14)]},
    {"tag": "never_attended", "label": "从未上课",
     "description": "还没有参加过一次盐工学堂的课程",
     "conditions": [condition("classes_attended", "eq", 0)]},
    {"tag": "volunteer_core", "label": "志愿骨干",
     "description": "志愿服务累计不少于20小时,且最近90天内参加过",
     "conditions": [condition("volunteer_hours", "gte", 20),
                    condition("last_volunteered_at", "within_days", 90)]},
    {"tag": "active_learner", "label": "学习积极分子",
     "description": "学习课程不少于10篇,且答题闯关通过不少于3次",
     "conditions": [condition("lessons_read", "gte", 10),
                    condition("quiz_passes", "gte", 3)]},
    {"tag": "unanswered_applicant", "label": "求职未获回复",
     "description": "投递后无回复至少2次,且从未被录用:可能需要就业指导",
     "conditions": [condition("applications_unanswered", "gte", 2),
                    condition("applications_hired", "eq", 0)]},
    {"tag": "drifted_away", "label": "久未打卡",
     "description": "打卡过驿站,但超过60天没有再来",
     "conditions": [condition("station_visits", "gte", 1),
                    condition("last_station_visit_at", "not_within_days", 60)]},
)
