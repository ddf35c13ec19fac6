"""Earning rules: given the rule, the event and what the worker already earned,
how many points (if any) and why. Pure functions, no I/O, so the whole policy
is unit-tested (tests/unit/test_ledger_rules.py) and the store only supplies
the facts and writes the answer.

A rule set is data staff edit (GET|PUT /api/v1/points/rules); every save is a
new version, and each entry names the rule and version it was awarded under,
so a statement line stays explainable after the rules change.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from services.ledger.schemas import EARNINGS, PER_HOUR
from shared.domain import china_day
from shared.event_schemas.learning import COLUMNS


# Chinese names of class categories, for a class whose title the ledger has
# not learnt (class_published not seen yet).
CLASS_CATEGORIES = {"tea_art": "茶艺", "incense": "制香", "law": "法律小讲堂",
                    "fitness": "健身", "cooking": "美食", "skills": "技能", "other": "培训"}


@dataclass(frozen=True)
class Facts:
    """What the worker already has, read by the store in the same transaction."""
    earned_today: int = 0     # points of this source type on the event's China day
    done_before: bool = False  # this quiz / lesson / class / ... was seen before


@dataclass(frozen=True)
class Award:
    code: str
    points: int
    reason: str
    at: datetime
    day: str
    subject: str
    expires_at: datetime = None


def base_points(rule, data):
    """Points before caps: per event, or per hour (rounded down to a point)."""
    if rule["unit"] == PER_HOUR:
        hours = Decimal(str(data.get("hours", 0)))
        return int((hours * rule["points"]).to_integral_value(rounding=ROUND_FLOOR))
    return rule["points"]


def capped(points, rule, earned_today):
    """(points within the daily cap, True if the cap cut them)."""
    cap = rule.get("daily_cap")
    if cap is None or points <= cap - earned_today:
        return points, False
    return max(0, cap - earned_today), True


def decide(code, rule, data, facts):
    """The Award for one earning event, or None when it earns nothing: no
    rule, rule disabled, not the first time (first_only), or the cap reached."""
    if rule is None or not rule.get("enabled", True):
        return None
    if rule.get("first_only") and facts.done_before:
        return None
    points, was_capped = capped(base_points(rule, data), rule, facts.earned_today)
    if points <= 0:
        return None
    at = data[EARNINGS[code].time]
    expire_days = rule.get("expire_days")
    return Award(code=code, points=points, at=at, day=china_day(at),
                 subject=data[EARNINGS[code].subject],
                 reason=reason(code, rule, data, was_capped),
                 expires_at=at + timedelta(days=expire_days) if expire_days else None)


def reason(code, rule, data, was_capped=False):
    """The line a worker reads, e.g. "红色知识答题 第3期 首次通过": the
    earning's ``line`` (services/ledger/schemas.py) filled in."""
    text = EARNINGS[code].line.format_map(line_words(rule, data))
    return text + "(已达每日上限)" if was_capped else text


def line_words(rule, data):
    """What a line may name: the event's fields, and these."""
    label = rule["label"]
    return dict(data, label=label,
                passed="首次通过" if rule.get("first_only") else "通过",
                class_title=class_title(data),
                # A lesson_completed from before events carried the column
                # says what it said then: the rule's label.
                column_name=COLUMNS.get(data.get("column"), label))


def class_title(data):
    return data.get("title") or CLASS_CATEGORIES.get(data.get("category"), "培训") + "课"
