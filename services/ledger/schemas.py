"""ledger's request and response schemas (gateway and service load the same).

Unknown fields are refused and numbers must be integers (``strict``): a
points amount of "10" or 10.5 is a mistake to report, not to guess at.

A leaf module: the gateway imports it, so it imports no ledger logic; the
ledger's domain imports its vocabulary from here (the earning table, the
periods), never the reverse.
"""
from dataclasses import dataclass

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.domain import DISTRICTS, OCCUPATIONS
from shared.schemas import (
    FileDownload, IdempotencyKey, Name, Paging, PartialUpdate, Text, count, refuse_repeats)

# ---- the earning table ---------------------------------------------------------
# Every event the ledger awards points for, one entry each. Adding an earning
# event is one entry here (its data schema is the producer's contract in
# shared/event_schemas/): the ledger's handler of it, and so its subscription
# queue, are made from this table (service.py), staff may write a rule for its
# code (Rule below), and its statement line is ``line`` filled in by
# rules.reason.
PER_EVENT, PER_HOUR = "event", "hour"


@dataclass(frozen=True)
class Earning:
    """What an earning event type means to the ledger."""
    source: str         # the service that publishes it
    subject: str        # the field naming the thing done (first-time checks)
    time: str           # the field with when it happened
    line: str           # the statement line: the event's fields, and the words
                        # rules.line_words adds ({label}, {passed}, ...)
    has_hours: bool = False


EARNINGS = {
    "quiz_passed": Earning("learning", "quiz_id", "passed_at",
                           line="{label} {quiz_title} {passed}"),
    "lesson_completed": Earning("learning", "lesson_id", "completed_at",
                                line="{column_name}「{lesson_title}」学习完成"),
    "class_attended": Earning("courses", "class_id", "attended_at", has_hours=True,
                              line="{label}「{class_title}」签到"),
    "volunteer_hours_confirmed": Earning("volunteering", "activity_id", "confirmed_at",
                                         has_hours=True,
                                         line="{label} {hours:g} 小时({activity_title})"),
    "station_visited": Earning("stations", "station_id", "visited_at",
                               line="{label}「{station_name}」打卡"),
}


MAX_POINTS = 100000
# Leaderboard periods, in China time (services/ledger/periods.py).
PERIODS = ("day", "week", "month", "year", "all")


# ---- rules -----------------------------------------------------------------

class Rule(Schema):
    code = Text(required=True, validate=validate.OneOf(tuple(EARNINGS)))
    label = Name(1, 20, required=True, metadata={"example": "红色知识答题"})
    points = count(0, 1000, required=True)
    unit = Text(load_default=PER_EVENT, validate=validate.OneOf((PER_EVENT, PER_HOUR)),
                         metadata={"description": "points per event, or per hour"})
    first_only = fields.Boolean(load_default=False, metadata={
        "description": "only the first time of each quiz / lesson / class / ..."})
    daily_cap = count(1, MAX_POINTS, load_default=None, allow_none=True, metadata={
        "description": "most points of this kind per worker per day (China time)"})
    expire_days = count(1, 3650, load_default=None, allow_none=True, metadata={
        "description": "points expire this many days after they were earned"})
    enabled = fields.Boolean(load_default=True)

    @validates_schema
    def hours_only_where_reported(self, data, **kwargs):
        """a rule's unit is "hour" only for an activity that lasts hours"""
        if data.get("unit") == PER_HOUR and not EARNINGS[data["code"]].has_hours:
            raise ValidationError({"unit": ["该类活动没有时长,不能按小时计分"]})


class RuleSetRequest(Schema):
    rules = fields.List(fields.Nested(Rule), required=True,
                        validate=validate.Length(min=1, max=len(EARNINGS)))
    based_on_version = fields.Integer(strict=True, validate=validate.Range(min=0), metadata={
        "description": "the version edited; refused if someone saved since"})

    @validates_schema
    def one_rule_per_code(self, data, **kwargs):
        """at most one rule per code"""
        refuse_repeats(data, "rules", "code", "每类活动只能有一条规则")


class RuleSet(Schema):
    version = fields.Integer()
    rules = fields.List(fields.Nested(Rule))
    created_at = fields.AwareDateTime(allow_none=True)
    created_by = fields.String(allow_none=True)


# ---- statements ------------------------------------------------------------

class StatementQuery(Paging):
    pass


class RuleRef(Schema):
    code = fields.String()
    version = fields.Integer()


class EntryView(Schema):
    id = fields.String(attribute="_id")
    worker_id = fields.String()
    amount = fields.Integer()
    line = fields.Function(lambda e: "{} {:+d}".format(e["reason"], e["amount"]),
                           metadata={"example": "红色知识答题 第3期 首次通过 +10"})
    reason = fields.String()
    reason_code = fields.String()
    kind = fields.String(metadata={"description": "award, adjustment, redemption, "
                                                  "expiry or reversal"})
    source = fields.String()
    rule = fields.Nested(RuleRef, allow_none=True)
    at = fields.AwareDateTime(metadata={"description": "when what earned or spent happened"})
    recorded_at = fields.AwareDateTime()
    balance_after = fields.Integer()
    expires_at = fields.AwareDateTime(allow_none=True)
    reverses = fields.String(allow_none=True)
    reversed_by = fields.String(allow_none=True)
    actor = fields.String(allow_none=True, metadata={"description": "staff who did it"})


class EntryPage(Paging):
    items = fields.List(fields.Nested(EntryView))
    total = fields.Integer()


class Balance(Schema):
    worker_id = fields.String()
    balance = fields.Integer()
    earned = fields.Integer(metadata={"description": "all points ever earned, less reversals"})
    expiring_soon = fields.Integer(metadata={"description": "points expiring within 30 days"})
    next_expiry_at = fields.AwareDateTime(allow_none=True)


# ---- staff: adjustments, reversals, reports ---------------------------------

class AdjustmentRequest(Schema):
    worker_id = Text(1, 64, required=True)
    amount = fields.Integer(strict=True, required=True,
                            validate=[validate.Range(min=-MAX_POINTS, max=MAX_POINTS),
                                      validate.NoneOf((0,), error="调整分值不能为0")])
    reason = Name(2, 200, required=True, metadata={
        "description": "the statement line the worker reads"})


class RequiredKey(Schema):
    idempotency_key = IdempotencyKey(required=True, allow_none=False,
                                     error_messages={"null": "须提供 Idempotency-Key 请求头"})


class ReversalRequest(Schema):
    reason = Name(2, 200, required=True)


class LeaderboardQuery(Schema):
    period = Text(load_default="month", validate=validate.OneOf(PERIODS))
    district = Text(validate=validate.OneOf(DISTRICTS))
    occupation = Text(validate=validate.OneOf(OCCUPATIONS))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class LeaderboardRow(Schema):
    rank = fields.Integer()
    worker_id = fields.String()
    name = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    occupation = fields.String(allow_none=True)
    points = fields.Integer()


class Leaderboard(Schema):
    period = fields.String()
    since = fields.AwareDateTime(allow_none=True)
    district = fields.String(allow_none=True)
    occupation = fields.String(allow_none=True)
    items = fields.List(fields.Nested(LeaderboardRow))


class ExportQuery(Schema):
    worker_id = Text(1, 64)
    since = fields.Date(metadata={"description": "first China day included"})
    until = fields.Date(metadata={"description": "last China day included"})

    @validates_schema
    def in_order(self, data, **kwargs):
        """until not before since"""
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError({"until": ["结束日期不能早于开始日期"]})


class CsvExport(FileDownload):
    """The statement lines as a text/csv download; truncated: more lines than
    EXPORT_MAX_ROWS."""
    rows = fields.Integer()


class Mismatch(Schema):
    worker_id = fields.String()
    problem = fields.String()
    expected = fields.Integer()
    found = fields.Integer()


class Reconciliation(Schema):
    ok = fields.Boolean()
    accounts = fields.Integer()
    entries = fields.Integer()
    mismatches = fields.List(fields.Nested(Mismatch))


# ---- rewards ---------------------------------------------------------------

class RewardCreateRequest(Schema):
    name = Name(1, 50, required=True)
    description = Text(0, 500, multiline=True, load_default="")
    cost = count(1, MAX_POINTS, required=True)
    stock = count(0, MAX_POINTS, required=True)


class RewardUpdateRequest(PartialUpdate, Schema):
    """Edit, withdraw or restock a reward. Stock moves by ``add_stock`` rather
    than being set, so items redeemed meanwhile are not counted back in."""
    name = Name(1, 50)
    description = Text(0, 500, multiline=True)
    cost = count(1, MAX_POINTS, metadata={"description": "applies to later redemptions"})
    status = Text(validate=validate.OneOf(("active", "withdrawn")), metadata={
        "description": "withdrawn: no longer offered (redemptions made stay valid)"})
    add_stock = fields.Integer(strict=True, validate=[
        validate.Range(min=-MAX_POINTS, max=MAX_POINTS),
        validate.NoneOf((0,), error="库存变动不能为0")], metadata={
        "description": "items added (or, negative, written off)"})


class RewardView(Schema):
    id = fields.String(attribute="_id")
    name = fields.String()
    description = fields.String()
    cost = fields.Integer()
    stock = fields.Integer()
    redeemed = fields.Integer()
    status = fields.String()
    created_at = fields.AwareDateTime()


class RewardList(Schema):
    items = fields.List(fields.Nested(RewardView))


class RedemptionView(Schema):
    id = fields.String(attribute="_id")
    reward_id = fields.String()
    reward_name = fields.String()
    cost = fields.Integer()
    entry_id = fields.String()
    balance_after = fields.Integer()
    status = fields.String(metadata={"description": "redeemed or cancelled"})
    at = fields.AwareDateTime()


class RedemptionPage(Paging):
    items = fields.List(fields.Nested(RedemptionView))
    total = fields.Integer()


class ReconcileQuery(Schema):
    worker_id = Text(1, 64, metadata={
        "description": "one account, also checked entry by entry; default: all accounts"})
