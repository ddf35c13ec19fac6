"""insight's request and response schemas, and the vocabulary they validate
with: the facts a tag rule may name, the operators, the kinds of push (a
leaf: the gateway imports it, so it imports nothing of the service)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.domain import DISTRICTS, OCCUPATIONS
from shared.schemas import CONTROL, IdempotencyKey, Name, Paging, StrictBoolean, Text

# ---- the facts kept per worker ------------------------------------------------------

COUNT, TIME = "count", "time"

# Every fact a tag rule may name: (kind, label). Counts start at 0; times are
# the last time it happened (UTC), or none. "Night": 22:00-06:00 China time.
FACTS = {
    "classes_booked": (COUNT, "预约课程次数"),
    "classes_attended": (COUNT, "上课次数"),
    "lessons_read": (COUNT, "学习课程篇数"),
    "quiz_passes": (COUNT, "答题闯关通过次数"),
    "volunteer_hours": (COUNT, "志愿服务时长(小时)"),
    "volunteer_services": (COUNT, "志愿服务次数"),
    "station_visits": (COUNT, "驿站打卡次数"),
    "night_station_visits": (COUNT, "夜间(22时至6时)驿站打卡次数"),
    "applications": (COUNT, "投递岗位次数"),
    "applications_hired": (COUNT, "被录用次数"),
    "applications_rejected": (COUNT, "未通过次数"),
    "applications_unanswered": (COUNT, "投递后无回复次数"),
    "registered_at": (TIME, "注册时间"),
    "last_class_booked_at": (TIME, "最近预约课程"),
    "last_class_attended_at": (TIME, "最近上课"),
    "last_lesson_at": (TIME, "最近学习"),
    "last_quiz_passed_at": (TIME, "最近答题通过"),
    "last_volunteered_at": (TIME, "最近志愿服务"),
    "last_station_visit_at": (TIME, "最近驿站打卡"),
    "last_night_visit_at": (TIME, "最近夜间驿站打卡"),
    "last_application_at": (TIME, "最近投递岗位"),
    "last_hired_at": (TIME, "最近被录用"),
}
COUNT_FACTS = tuple(name for name, (kind, _) in FACTS.items() if kind == COUNT)
TIME_FACTS = tuple(name for name, (kind, _) in FACTS.items() if kind == TIME)

# Operators: (the kind of fact they compare, label). Each is defined, with
# its MongoDB filter and its Python test side by side, in tags.py.
OPS = {
    "gte": (COUNT, "不少于"),
    "lte": (COUNT, "不多于"),
    "eq": (COUNT, "等于"),
    "within_days": (TIME, "在最近N天内"),
    "not_within_days": (TIME, "从未,或超过N天"),
}
MAX_COUNT_VALUE = 100000
MAX_DAYS = 3650

TAG_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"
MAX_CONDITIONS = 8
MAX_TAGS_IN_FILTER = 8
MAX_RULES = 100

# ---- pushes ---------------------------------------------------------------------------

# What a push offers; all but a notice point at one thing of another service.
PUSH_KINDS = {"class": "课程", "job": "岗位", "lesson": "学习内容", "activity": "志愿活动",
              "notice": "通知"}
KINDS_WITH_TARGET = ("class", "job", "lesson", "activity")
QUEUED, SENDING, SENT = "queued", "sending", "sent"

# A link is https, or a path inside the app (/classes/…). Not "//host" or
# "/\host", which browsers open as another site.
PUSH_LINK = (r"^(?:https://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
             r"(?::\d{1,5})?(?:[/?#][^\\\s" + CONTROL + r"]*)?"
             r"|/(?:[^/\\\s" + CONTROL + r"][^\\\s" + CONTROL + r"]*)?)$")


def tag_field(**kwargs):
    return Text(validate=validate.Regexp(TAG_PATTERN, error="标签代码须为小写字母开头的2到40位"
                                                            "小写字母、数字或下划线"), **kwargs)


# ---- tag rules ---------------------------------------------------------------------------

class Condition(Schema):
    fact = Text(required=True, validate=validate.OneOf(
        tuple(FACTS), error="未知的事实:{input}。可用的事实:" + "、".join(FACTS)))
    op = Text(required=True, validate=validate.OneOf(
        tuple(OPS), error="未知的比较方式:{input}。可用的比较方式:" + "、".join(OPS)))
    value = fields.Float(required=True, allow_nan=False, validate=validate.Range(
        min=0, max=MAX_COUNT_VALUE), metadata={
            "description": "a number (counts), or N days (within_days, not_within_days)"})

    @validates_schema
    def check_op_fits_fact(self, data, **kwargs):
        """A condition's op fits its fact: gte, lte and eq compare a count;
        within_days and not_within_days a time, with 1 to 3650 whole days."""
        if "fact" not in data or "op" not in data:
            return
        if FACTS[data["fact"]][0] != OPS[data["op"]][0]:
            raise ValidationError({"op": ["「{}」不能用于「{}」".format(
                OPS[data["op"]][1], FACTS[data["fact"]][1])]})
        if OPS[data["op"]][0] == TIME and not (
                data["value"] == int(data["value"]) and 1 <= data["value"] <= MAX_DAYS):
            raise ValidationError({"value": ["天数须为1到{}的整数".format(MAX_DAYS)]})


class TagRuleRequest(Schema):
    label = Name(1, 20, required=True, metadata={"example": "夜间骑手"})
    description = Text(0, 200, multiline=True, load_default="")
    conditions = fields.List(fields.Nested(Condition), required=True,
                             validate=validate.Length(min=1, max=MAX_CONDITIONS))


class TagPath(Schema):
    tag = tag_field(required=True)


class ConditionView(Schema):
    fact = fields.String()
    fact_label = fields.String()
    op = fields.String()
    op_label = fields.String()
    value = fields.Float()


class TagRuleView(Schema):
    tag = fields.String()
    label = fields.String()
    description = fields.String()
    conditions = fields.List(fields.Nested(ConditionView))
    updated_at = fields.AwareDateTime()
    updated_by = fields.String(allow_none=True)


class TagRuleList(Schema):
    items = fields.List(fields.Nested(TagRuleView))
    facts = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "every fact a condition may name, with its label"})
    ops = fields.Dict(keys=fields.String(), values=fields.String())


# ---- segments ---------------------------------------------------------------------------

class SegmentFilters(Schema):
    """Who is in a segment: every filter given must hold (none: everyone)."""
    district = Text(validate=validate.OneOf(DISTRICTS))
    occupation = Text(validate=validate.OneOf(OCCUPATIONS))
    platform = Name(1, 20)
    member = StrictBoolean()
    tags = fields.List(tag_field(), validate=validate.Length(max=MAX_TAGS_IN_FILTER))


class SegmentCreateRequest(Schema):
    name = Name(1, 40, required=True, metadata={"example": "武原街道夜间骑手"})
    filters = fields.Nested(SegmentFilters, required=True)


class SegmentSize(Schema):
    size = fields.Integer()


class SegmentFiltersView(Schema):
    district = fields.String()
    occupation = fields.String()
    platform = fields.String()
    member = fields.Boolean()
    tags = fields.List(fields.String())


class SegmentView(Schema):
    segment_id = fields.String()
    name = fields.String()
    filters = fields.Nested(SegmentFiltersView)
    size = fields.Integer(metadata={"description": "now"})
    created_by = fields.String()
    created_at = fields.AwareDateTime()


class SegmentList(Schema):
    items = fields.List(fields.Nested(SegmentView))


# ---- pushes ------------------------------------------------------------------------------

class PushRequest(Schema):
    segment_id = Text(1, 40, load_default=None, allow_none=True)
    filters = fields.Nested(SegmentFilters, load_default=None, allow_none=True)
    kind = Text(required=True, validate=validate.OneOf(tuple(PUSH_KINDS)))
    target_id = Text(1, 40, load_default=None, allow_none=True, metadata={
        "description": "the class, job, lesson or activity (not for a notice)"})
    title = Name(1, 40, required=True, metadata={"example": "夜间骑手专场:电动车安全课"})
    body = Text(1, 500, multiline=True, required=True)
    link = Text(1, 500, load_default=None, allow_none=True, validate=validate.Regexp(
        PUSH_LINK, error="链接须为 https:// 网址或以 / 开头的应用内路径"))

    @validates_schema
    def check_audience_and_target(self, data, **kwargs):
        """Exactly one of segment_id and filters; target_id for a class, job,
        lesson or activity, and none for a notice."""
        if (data.get("segment_id") is None) == (data.get("filters") is None):
            raise ValidationError({"segment_id": ["请选择已保存的人群或填写筛选条件(二选一)"]})
        if data.get("kind") in KINDS_WITH_TARGET and data.get("target_id") is None:
            raise ValidationError({"target_id": ["请填写推送的对象编号"]})
        if data.get("kind") == "notice" and data.get("target_id") is not None:
            raise ValidationError({"target_id": ["通知不指向具体对象,请勿填写"]})


class PushKey(Schema):
    idempotency_key = IdempotencyKey(required=True, metadata={
        "description": "the same key again answers the push it made, sent once"})


class PushView(Schema):
    push_id = fields.String()
    kind = fields.String()
    target_id = fields.String(allow_none=True)
    title = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    segment_id = fields.String(allow_none=True)
    filters = fields.Nested(SegmentFiltersView)
    status = fields.String(metadata={"description": "queued, sending or sent"})
    audience = fields.Integer(allow_none=True, metadata={
        "description": "workers in the segment when it was sent, less those who opted out"})
    reach = fields.Integer(metadata={"description": "notifications delivered"})
    reads = fields.Integer()
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)


class PushList(Paging):
    items = fields.List(fields.Nested(PushView))
    total = fields.Integer()


# ---- a worker's own side ------------------------------------------------------------------

class NotificationView(Schema):
    notification_id = fields.String()
    kind = fields.String()
    target_id = fields.String(allow_none=True)
    title = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True)


class NotificationPage(Paging):
    items = fields.List(fields.Nested(NotificationView))
    total = fields.Integer()
    unread = fields.Integer()


class FactView(Schema):
    fact = fields.String()
    label = fields.String()
    value = fields.Raw(allow_none=True, metadata={"description": "a number, or a time"})


class GroundedCondition(ConditionView):
    actual = fields.Raw(allow_none=True, metadata={"description": "the fact's value now"})


class TagView(Schema):
    tag = fields.String()
    label = fields.String()
    description = fields.String()
    conditions = fields.List(fields.Nested(GroundedCondition))


class AccessView(Schema):
    staff_id = fields.String()
    staff_name = fields.String(allow_none=True)
    worker_id = fields.String()
    reason = fields.String()
    at = fields.AwareDateTime()


class Picture(Schema):
    worker_id = fields.String()
    name = fields.String(allow_none=True, metadata={"description": "staff's named view only"})
    district = fields.String(allow_none=True)
    occupation = fields.String(allow_none=True)
    platform = fields.String(allow_none=True)
    member = fields.Boolean()
    personalised_pushes = fields.Boolean()
    facts = fields.List(fields.Nested(FactView))
    visits_by_hour = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "station check-ins by hour of the day, China time"})
    tags = fields.List(fields.Nested(TagView))
    looked_at = fields.List(fields.Nested(AccessView), metadata={
        "description": "which staff looked at this picture, why and when"})


class Preferences(Schema):
    personalised_pushes = StrictBoolean(required=True)


class ReasonQuery(Schema):
    reason = Name(5, 200, required=True, metadata={"example": "核实困难帮扶申请"})


class AccessLogQuery(Paging):
    worker_id = Text(1, 64)


class AccessLog(Paging):
    items = fields.List(fields.Nested(AccessView))
    total = fields.Integer()


class NotificationsQuery(Paging):
    unread_only = fields.Boolean(load_default=False)


class Counted(Schema):
    value = fields.String()
    count = fields.Integer()


class TagCount(Schema):
    tag = fields.String()
    label = fields.String()
    count = fields.Integer()


class Overview(Schema):
    workers = fields.Integer()
    members = fields.Integer()
    opted_out = fields.Integer(metadata={"description": "turned personalised pushes off"})
    by_district = fields.List(fields.Nested(Counted))
    by_occupation = fields.List(fields.Nested(Counted))
    by_platform = fields.List(fields.Nested(Counted))
    by_tag = fields.List(fields.Nested(TagCount))

