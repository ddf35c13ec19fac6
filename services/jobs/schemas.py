"""jobs' request and response schemas, and the vocabulary they validate with,
each code with the Chinese label a worker or employer reads (a leaf: the
gateway imports it, so it imports nothing of the service). Dicts keep their
order: the order here is the order a picker shows."""
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from shared.credit_codes import credit_code_problem, normalized_credit_code
from shared.domain import DISTRICTS, MOBILE_PATTERN, OCCUPATIONS
from shared.positions import Position, PositionView, latitude, longitude, system_field
from shared.positions import WGS84  # noqa: F401 (the default system, for the service)
from shared.schemas import Name, Paging, StrictBoolean, Text, count

# ---- applications --------------------------------------------------------------------

SUBMITTED, VIEWED, SHORTLISTED, HIRED = "submitted", "viewed", "shortlisted", "hired"
REJECTED, NO_REPLY, WITHDRAWN = "rejected", "no_reply", "withdrawn"
# Staff took the posting down (fake, or asking workers for money): the
# applications still waiting on it end, and the worker is told why.
TAKEN_DOWN_BY_STAFF = "job_taken_down"

APPLICATION_STATUSES = {
    SUBMITTED: "已投递",
    VIEWED: "企业已查看",
    SHORTLISTED: "待沟通",  # the employer has the phone number and will call
    HIRED: "已录用",
    REJECTED: "未录用",
    NO_REPLY: "企业未回复",
    WITHDRAWN: "已撤回",
    TAKEN_DOWN_BY_STAFF: "岗位已下架",
}

# Nothing changes an application after these.
FINAL_STATUSES = frozenset({HIRED, REJECTED, WITHDRAWN, TAKEN_DOWN_BY_STAFF})
# Still open, so a worker may withdraw and a take-down ends it.
WAITING = frozenset(APPLICATION_STATUSES) - FINAL_STATUSES
# No answer from the employer yet: opening an application ("viewed") is not
# an answer, so these are the ones that lapse to "no reply".
UNANSWERED = frozenset({SUBMITTED, VIEWED})

# Who moves an application to each status: the employer, the worker, or
# the system (the reply-window sweep, a staff take-down).
EMPLOYER_MOVES = (VIEWED, SHORTLISTED, HIRED, REJECTED)

# Why an employer did not hire: one tap, told to the worker, so "未录用" is
# never a silent no. "unreachable" is there because a shortlisted worker the
# employer cannot reach by phone is the commonest dead end.
REJECTION_REASONS = {
    "position_filled": "岗位已招满",
    "skills_mismatch": "技能或证件不符合要求",
    "schedule_mismatch": "工作时间不合适",
    "location_too_far": "工作地点太远",
    "unreachable": "电话联系不上",
    "other": "其他原因",
}

# ---- postings ------------------------------------------------------------------------

OPEN, CLOSED, PENDING_REVIEW = "open", "closed", "pending_review"
TAKEN_DOWN, POSTING_REJECTED = "taken_down", "rejected"

POSTING_STATES = {
    OPEN: "招聘中",
    CLOSED: "已结束",
    PENDING_REVIEW: "待审核",
    TAKEN_DOWN: "已下架",
    POSTING_REJECTED: "审核未通过",
}

# How pay is counted: per delivered order, per parcel or piece made, per
# hour, day or month. Amounts are fen per unit.
PAY_UNITS = {
    "order": "每单",
    "piece": "每件",
    "hour": "每小时",
    "day": "每天",
    "month": "每月",
}

# When the money is paid: how long a worker waits for it matters as much as
# how much it is to someone living day to day.
SETTLEMENTS = {
    "daily": "日结",
    "weekly": "周结",
    "monthly": "月结",
}

SHIFTS = {
    "full_time": "全职",
    "part_time": "兼职",
    "gig": "零工",
}

# What a posting asks for (and a worker filters by): skills and the licences
# and certificates that stand for them in Chinese job ads.
SKILLS = {
    "ebike": "电动车驾驶",
    "smartphone": "智能手机操作",
    "driving_c1": "C1驾照",
    "driving_b2": "B2驾照",
    "driving_a2": "A2驾照",
    "forklift": "叉车证",
    "sorting": "分拣",
    "loading": "装卸搬运",
    "warehouse": "仓库管理",
    "cashier": "收银",
    "customer_service": "客服",
    "cooking": "烹饪",
    "health_certificate": "健康证",
    "cleaning": "保洁",
    "elder_care": "养老护理",
    "infant_care": "母婴护理",
    "electrician": "电工证",
    "machine_operation": "机床操作",
    "quality_inspection": "质检",
}

# Why a posting closed (job_closed's reason).
CLOSED_BY_DATE, CLOSED_BY_HEADCOUNT, CLOSED_BY_EMPLOYER = "closing_date", "headcount", "employer"

# Employers: registered, then verified or rejected by staff.
EMPLOYER_PENDING, EMPLOYER_VERIFIED, EMPLOYER_REJECTED = "pending", "verified", "rejected"

MAX_PAY_FEN = 10_000_000  # 100,000 yuan, whatever the unit
MAX_HEADCOUNT = 1000
MAX_OPEN_DAYS = 180  # a posting closes within half a year: none lives forever
SORTS = ("newest", "distance", "pay")
REPORT_KINDS = {"fake": "虚假招聘", "asks_money": "收取费用", "pay_differs": "薪酬不符",
                "other": "其他问题"}
MAX_RADIUS_M = 100_000


def phone_field(**kwargs):
    return Text(validate=validate.Regexp(MOBILE_PATTERN.pattern, error="请输入11位手机号"),
                **kwargs)


def well_formed(credit_code):
    """A credit code as typed, checked once normalized (GB 32100-2015)."""
    problem = credit_code_problem(normalized_credit_code(credit_code))
    if problem:
        raise ValidationError(problem)


def codes(vocabulary, **kwargs):
    """A list of distinct codes from ``vocabulary``."""
    return fields.List(Text(validate=validate.OneOf(tuple(vocabulary))),
                       validate=validate.Length(max=len(vocabulary)), **kwargs)


class EmployerContact(Schema):
    name = Name(1, 20, required=True)
    phone = phone_field(required=True)


# ---- employers ---------------------------------------------------------------------

class EmployerRequest(Schema):
    name = Name(2, 60, required=True, metadata={"example": "海盐顺达物流有限公司"})
    credit_code = Text(1, 40, required=True, validate=well_formed, metadata={
        "description": "统一社会信用代码, 18 characters (GB 32100-2015), its check "
                       "character verified", "example": "91330424MA2B3C4D5X"})
    contact = fields.Nested(EmployerContact, required=True)
    address = Text(2, 120, required=True)
    district = Text(required=True, validate=validate.OneOf(DISTRICTS))
    position = fields.Nested(Position, required=True)

    @post_load
    def normalize_code(self, data, **kwargs):
        """As a person typed it from a licence: full-width, spaced, lower case."""
        data["credit_code"] = normalized_credit_code(data["credit_code"])
        return data


class EmployerDecision(Schema):
    decision = Text(required=True, validate=validate.OneOf(
        (EMPLOYER_VERIFIED, EMPLOYER_REJECTED)))
    reason = Text(1, 200, load_default=None)

    @validates_schema
    def reason_to_reject(self, data, **kwargs):
        """A rejection gives its reason."""
        if data.get("decision") == EMPLOYER_REJECTED and not data.get("reason"):
            raise ValidationError({"reason": ["驳回须说明理由"]})


class EmployerListQuery(Paging):
    status = Text(validate=validate.OneOf(
        (EMPLOYER_PENDING, EMPLOYER_VERIFIED, EMPLOYER_REJECTED)))


class EmployerView(Schema):
    employer_id = fields.String()
    name = fields.String()
    credit_code = fields.String()
    contact = fields.Nested(EmployerContact)
    address = fields.String()
    district = fields.String()
    position = fields.Nested(PositionView)
    status = fields.String()
    reason = fields.String(allow_none=True)
    registered_at = fields.AwareDateTime()
    decided_at = fields.AwareDateTime(allow_none=True)


class EmployerPage(Paging):
    items = fields.List(fields.Nested(EmployerView))
    total = fields.Integer()


class LapsingEmployer(Schema):
    employer_id = fields.String()
    name = fields.String()
    applications = fields.Integer()
    no_reply = fields.Integer()
    no_reply_share = fields.Float()


class LapsingEmployers(Schema):
    items = fields.List(fields.Nested(LapsingEmployer))


# ---- postings ------------------------------------------------------------------------

class Pay(Schema):
    unit = Text(required=True, validate=validate.OneOf(tuple(PAY_UNITS)))
    min_fen = count(1, MAX_PAY_FEN, required=True)
    max_fen = count(1, MAX_PAY_FEN, required=True)
    settlement = Text(required=True, validate=validate.OneOf(tuple(SETTLEMENTS)))

    @validates_schema
    def check_range(self, data, **kwargs):
        """max_fen is at least min_fen."""
        if "min_fen" in data and "max_fen" in data and data["min_fen"] > data["max_fen"]:
            raise ValidationError({"max_fen": ["最高薪酬不能低于最低薪酬"]})


class WorkPlace(Schema):
    address = Text(2, 120, required=True)
    district = Text(required=True, validate=validate.OneOf(DISTRICTS))
    position = fields.Nested(Position, required=True)


class PostingRequest(Schema):
    title = Name(2, 40, required=True, metadata={"example": "外卖骑手(武原站)"})
    description = Text(10, 2000, multiline=True, required=True)
    skills = codes(SKILLS, load_default=list)
    occupations = codes(OCCUPATIONS, load_default=list)
    place = fields.Nested(WorkPlace, required=True)
    shift = Text(required=True, validate=validate.OneOf(tuple(SHIFTS)))
    headcount = count(1, MAX_HEADCOUNT, required=True)
    closes_at = fields.AwareDateTime(required=True)
    pay = fields.Nested(Pay, required=True)
    no_fee_pledge = StrictBoolean(
        required=True, validate=validate.Equal(True, error="须承诺不向求职者收取任何费用或押金"),
        metadata={"description": "the employer states the worker pays no fee or deposit: "
                                 "must be true"})


class PostingDecision(Schema):
    decision = Text(required=True, validate=validate.OneOf(("approve", "reject")))
    reason = Text(1, 200, load_default=None)

    @validates_schema
    def reason_to_reject(self, data, **kwargs):
        """A rejection gives its reason."""
        if data.get("decision") == "reject" and not data.get("reason"):
            raise ValidationError({"reason": ["驳回须说明理由"]})


class TakeDownRequest(Schema):
    reason = Text(1, 200, required=True)


class JobReportRequest(Schema):
    kind = Text(required=True, validate=validate.OneOf(tuple(REPORT_KINDS)))
    detail = Text(0, 500, multiline=True, load_default="")


class JobSearchQuery(Paging):
    q = Text(1, 40, metadata={"description": "words, or their pinyin initials (kdy: 快递员)"})
    district = Text(validate=validate.OneOf(DISTRICTS))
    occupation = Text(validate=validate.OneOf(OCCUPATIONS))
    skill = Text(validate=validate.OneOf(tuple(SKILLS)))
    shift = Text(validate=validate.OneOf(tuple(SHIFTS)))
    pay_unit = Text(validate=validate.OneOf(tuple(PAY_UNITS)))
    # A query string's numbers arrive as text: not count()'s strict integers.
    min_pay_fen = fields.Integer(validate=validate.Range(min=1, max=MAX_PAY_FEN), metadata={
        "description": "pay at least this much per pay_unit (requires pay_unit)"})
    sort = Text(load_default="newest", validate=validate.OneOf(SORTS))
    lat = latitude()
    lng = longitude()
    system = system_field(load_default=WGS84)
    radius_m = fields.Integer(validate=validate.Range(min=1, max=MAX_RADIUS_M),
                              metadata={"description": "with a position"})

    @validates_schema
    def honourable(self, data, **kwargs):
        """A filter or order that cannot be honoured is refused, never ignored:
        pay in different units cannot be compared, distance needs a position."""
        errors = {}
        if ("min_pay_fen" in data or data.get("sort") == "pay") and "pay_unit" not in data:
            errors["pay_unit"] = ["按薪酬筛选或排序须指定计薪单位"]
        if ("lat" in data) != ("lng" in data):
            errors["lat"] = ["位置须同时给出 lat 和 lng"]
        elif "lat" not in data and (data.get("sort") == "distance" or "radius_m" in data):
            errors["lat"] = ["按距离排序或筛选须给出位置"]
        if errors:
            raise ValidationError(errors)


class PayView(Schema):
    unit = fields.String()
    min_fen = fields.Integer()
    max_fen = fields.Integer()
    settlement = fields.String()
    text = fields.String(metadata={"description": "as a worker reads it",
                                   "example": "每单 6.5–8 元,日结"})


class WorkPlaceView(Schema):
    address = fields.String()
    district = fields.String()
    position = fields.Nested(PositionView)


class EmployerSummary(Schema):
    employer_id = fields.String()
    name = fields.String()
    verified = fields.Boolean()


class PostingSummary(Schema):
    """A posting in a list of search results: all a worker compares at a
    glance (the description's start; the whole of it is the posting's own)."""
    job_id = fields.String()
    employer = fields.Nested(EmployerSummary)
    title = fields.String()
    excerpt = fields.String(metadata={"description": "the description's first characters"})
    skills = fields.List(fields.String())
    occupations = fields.List(fields.String())
    place = fields.Nested(WorkPlaceView)
    shift = fields.String()
    headcount = fields.Integer()
    hired = fields.Integer()
    pay = fields.Nested(PayView)
    posted_at = fields.AwareDateTime()
    closes_at = fields.AwareDateTime()
    distance_m = fields.Integer(allow_none=True, metadata={
        "description": "metres from the position searched from, if one was given"})


class PostingView(PostingSummary):
    description = fields.String()
    no_fee_pledge = fields.Boolean()
    status = fields.String()
    fee_words = fields.List(fields.String(), metadata={
        "description": "why it waits for review (shown to its employer and staff)"})
    closed_reason = fields.String(allow_none=True)


class SearchPage(Paging):
    items = fields.List(fields.Nested(PostingSummary))
    total = fields.Integer()


class PostingPage(Paging):
    items = fields.List(fields.Nested(PostingView))
    total = fields.Integer()


class PostingListQuery(Paging):
    status = Text(validate=validate.OneOf(tuple(POSTING_STATES)))
    system = system_field(load_default=WGS84)


class SystemQuery(Schema):
    system = system_field(load_default=WGS84)


class ReportView(Schema):
    report_id = fields.String()
    job_id = fields.String()
    title = fields.String()
    kind = fields.String()
    detail = fields.String()
    reported_at = fields.AwareDateTime()
    status = fields.String()


class ReportPage(Paging):
    items = fields.List(fields.Nested(ReportView))
    total = fields.Integer()


class ReportListQuery(Paging):
    status = Text(load_default="open", validate=validate.OneOf(("open", "handled")))


# ---- applications --------------------------------------------------------------------

class ApplicationRequest(Schema):
    note = Text(0, 500, multiline=True, load_default="")
    attach_skills = StrictBoolean(load_default=False, metadata={
        "description": "show the union's classes I finished (盐工学堂)"})


class StatusChange(Schema):
    status = Text(required=True, validate=validate.OneOf(tuple(EMPLOYER_MOVES)))
    reason = Text(validate=validate.OneOf(tuple(REJECTION_REASONS)), load_default=None,
                  metadata={"description": "required with rejected, and only with it"})


class ApplicationListQuery(Paging):
    status = Text(validate=validate.OneOf(tuple(APPLICATION_STATUSES)))


class Vouched(Schema):
    class_id = fields.String()
    title = fields.String()
    attended_at = fields.AwareDateTime()
    text = fields.String(metadata={"example": "盐工学堂「法律小讲堂」2026-11 结业"})


class HistoryEntry(Schema):
    status = fields.String()
    at = fields.AwareDateTime()
    reason = fields.String(allow_none=True)
    reason_label = fields.String(allow_none=True)


class ApplicationView(Schema):
    application_id = fields.String()
    job_id = fields.String()
    title = fields.String()
    employer_name = fields.String()
    name = fields.String()
    phone = fields.String(metadata={"description": "masked until shortlisted"})
    note = fields.String()
    vouched = fields.List(fields.Nested(Vouched))
    status = fields.String()
    status_label = fields.String()
    history = fields.List(fields.Nested(HistoryEntry))
    submitted_at = fields.AwareDateTime()
    lapses_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "marked no reply then if the employer has not acted"})


class ApplicationAnswer(ApplicationView):
    repeated = fields.Boolean(metadata={"description": "applied before: this is the first"})


class JobApplicationPage(Paging):
    items = fields.List(fields.Nested(ApplicationView))
    total = fields.Integer()
