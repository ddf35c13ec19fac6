"""volunteering's request and response schemas, and the vocabulary they
validate with (a leaf: the gateway imports it, so it imports nothing of the
service)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.domain import DISTRICTS, MOBILE_PATTERN
from shared.positions import Position, PositionView
from shared.schemas import IdempotencyKey, Name, Paging, PartialUpdate, Text, count

# ---- vocabulary -------------------------------------------------------------------

PUBLISHED, CANCELLED = "published", "cancelled"

# A sign-up: holding a place, or waiting for one (first come, first served).
SIGNED_UP, WAITLISTED = "signed_up", "waitlisted"
# What became of a sign-up given up or ended (the record stays).
CANCELLED_BY_WORKER, CANCELLED_BY_ORGANIZER = "cancelled_by_worker", "cancelled_by_organizer"

# Attendance at a shift; a sign-up nobody checked in for, once the shift is
# over, is a no-show.
CHECKED_IN, CHECKED_OUT, NO_SHOW = "checked_in", "checked_out", "no_show"
# The organizer's decision on the hours a check-out gives.
HOURS_PENDING, HOURS_CONFIRMED, HOURS_DECLINED = "pending", "confirmed", "declined"
# Why a record wants the organizer's eye before its hours are confirmed in bulk.
FLAG_NO_CHECKOUT = "no_checkout"

SKILLS = {
    "first_aid": "急救",
    "driving": "驾驶",
    "ebike_repair": "电动车维修",
    "elder_care": "助老服务",
    "publicity": "宣传讲解",
    "legal": "法律知识",
    "photography": "摄影",
    "logistics": "物资搬运",
    "sign_language": "手语",
}

MAX_SHIFTS = 20
MAX_PLACES = 500
MAX_SHIFT_HOURS = 12
# Check-in opens this long before a shift starts (people arrive early);
# check-out stays open this long after it ends, then the closing sweep
# checks out whoever forgot, at the shift's end, flagged.
CHECKIN_OPENS_MINUTES = 30
CHECKOUT_GRACE_MINUTES = 30
# Hours are credited to a tenth of an hour (6 minutes), rounded down.
HOURS_STEP = 0.1
MAX_BULK = 500


def phone_field(**kwargs):
    return Text(validate=validate.Regexp(MOBILE_PATTERN.pattern, error="请输入11位手机号"),
                **kwargs)


# ---- activities -----------------------------------------------------------------

class ShiftFields(Schema):
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    places = count(1, MAX_PLACES, required=True)
    waitlist_limit = count(0, MAX_PLACES, load_default=None, allow_none=True, metadata={
        "description": "most workers waiting for a place (default: as many as places)"})

    @validates_schema
    def check_times(self, data, **kwargs):
        """ends_at after starts_at, at most MAX_SHIFT_HOURS later."""
        if "starts_at" in data and "ends_at" in data:  # an edit may give neither
            check_shift_times(data)


def check_shift_times(shift):
    span = (shift["ends_at"] - shift["starts_at"]).total_seconds()
    if span <= 0:
        raise ValidationError({"ends_at": ["结束时间须晚于开始时间"]})
    if span > MAX_SHIFT_HOURS * 3600:
        raise ValidationError({"ends_at": ["一个班次不能超过{}小时".format(MAX_SHIFT_HOURS)]})


class ShiftEdit(ShiftFields):
    shift_id = Text(1, 40, load_default=None, allow_none=True, metadata={
        "description": "an existing shift to change; none: a new shift"})


class ActivityVenue(Schema):
    """Where an activity happens when it is not at a station."""
    name = Name(1, 60, required=True)
    address = Text(1, 200, required=True)
    district = Text(required=True, validate=validate.OneOf(DISTRICTS))
    position = fields.Nested(Position, load_default=None, allow_none=True)


class ActivityFields(Schema):
    title = Name(1, 60, required=True, metadata={"example": "清凉驿站送水"})
    description = Text(1, 2000, multiline=True, required=True)
    skills = fields.List(Text(validate=validate.OneOf(tuple(SKILLS))), load_default=list,
                         validate=validate.Length(max=len(SKILLS)))
    signup_closes_at = fields.AwareDateTime(required=True)
    late_cancel_hours = count(0, 168, load_default=24, metadata={
        "description": "cancelling less than this before a shift starts is recorded as late"})


class ActivityCreateRequest(ActivityFields):
    station_id = Text(1, 40, load_default=None, allow_none=True)
    venue = fields.Nested(ActivityVenue, load_default=None, allow_none=True)
    shifts = fields.List(fields.Nested(ShiftFields), required=True,
                         validate=validate.Length(min=1, max=MAX_SHIFTS))

    @validates_schema
    def check_place(self, data, **kwargs):
        """Exactly one of station_id and venue; signup_closes_at no later than the
        first shift's start; shifts of one activity do not overlap."""
        if (data.get("station_id") is None) == (data.get("venue") is None):
            raise ValidationError({"station_id": ["请选择驿站或填写活动地点(二选一)"]})
        check_shifts(data["shifts"], data["signup_closes_at"])


def check_shifts(shifts, signup_closes_at):
    """signup_closes_at no later than the first shift's start; shifts of one
    activity do not overlap (an edit: as merged with the activity's current
    shifts and times, where a shift named by shift_id keeps what the edit
    leaves out and a new one gives starts_at, ends_at and places)"""
    for shift in shifts:
        check_shift_times(shift)
    if signup_closes_at > min(shift["starts_at"] for shift in shifts):
        raise ValidationError({"signup_closes_at": ["报名截止时间不能晚于第一个班次开始"]})
    ordered = sorted(shifts, key=lambda shift: shift["starts_at"])
    for earlier, later in zip(ordered, ordered[1:]):
        if later["starts_at"] < earlier["ends_at"]:
            raise ValidationError({"shifts": ["同一活动的班次时间不能重叠"]})


class ActivityUpdateRequest(PartialUpdate, ActivityFields):
    """Any of the fields; ``shifts`` lists every shift the activity keeps
    (existing ones by shift_id; a shift left out is removed, if nobody holds it)."""
    checked_with_current = (check_shifts,)  # published (gateway/openapi.py)
    venue = fields.Nested(ActivityVenue, allow_none=False)
    shifts = fields.List(fields.Nested(ShiftEdit), validate=validate.Length(min=1, max=MAX_SHIFTS))


class CancellationRequest(Schema):
    reason = Text(1, 200, multiline=True, required=True)


class ActivityListQuery(Paging):
    district = Text(validate=validate.OneOf(DISTRICTS))
    station_id = Text(1, 40)
    include_past = fields.Boolean(load_default=False)
    mine = fields.Boolean(load_default=False, metadata={
        "description": "the activities I organize (staff, keepers)"})


# ---- sign-up ----------------------------------------------------------------------

class Contact(Schema):
    name = Name(1, 20, required=True)
    phone = phone_field(required=True)


class SignUpRequest(Schema):
    contact = fields.Nested(Contact, load_default=None, allow_none=True, metadata={
        "description": "for this sign-up only; none: the name and phone of my profile"})
    note = Text(0, 200, multiline=True, load_default="")


class SignUpKey(Schema):
    idempotency_key = IdempotencyKey(allow_none=True)


class AttendanceRecord(Schema):
    """补录: attendance the organizer records after the shift, from a paper
    sign-in sheet or the venue's own list."""
    worker_id = Text(1, 40, required=True)
    contact = fields.Nested(Contact, required=True)
    checked_in_at = fields.AwareDateTime(required=True)
    checked_out_at = fields.AwareDateTime(required=True)
    reason = Text(1, 200, multiline=True, required=True, metadata={"example": "纸质签到表补录"})

    @validates_schema
    def check_order(self, data, **kwargs):
        """checked_out_at after checked_in_at."""
        if data["checked_out_at"] <= data["checked_in_at"]:
            raise ValidationError({"checked_out_at": ["签退时间须晚于签到时间"]})


# ---- hours ------------------------------------------------------------------------

class BulkConfirmRequest(Schema):
    signup_ids = fields.List(Text(1, 40), load_default=None, allow_none=True,
                             validate=validate.Length(min=1, max=MAX_BULK), metadata={
                                 "description": "none: every pending record not flagged"})


class AdjustRequest(Schema):
    hours = fields.Float(required=True, validate=validate.Range(min=HOURS_STEP,
                                                                max=MAX_SHIFT_HOURS))
    reason = Text(1, 200, multiline=True, required=True)


class DeclineRequest(Schema):
    reason = Text(1, 200, multiline=True, required=True)


class RosterQuery(Schema):
    shift_id = Text(1, 40)


# ---- answers ----------------------------------------------------------------------

class ShiftView(Schema):
    shift_id = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    places = fields.Integer()
    places_left = fields.Integer()
    waitlist_limit = fields.Integer()
    waiting = fields.Integer()


class ActivityVenueView(Schema):
    name = fields.String()
    address = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    position = fields.Nested(PositionView, allow_none=True)


class MySignUp(Schema):
    signup_id = fields.String()
    shift_id = fields.String()
    status = fields.String(metadata={"description": "signed_up or waitlisted"})
    position = fields.Integer(allow_none=True, metadata={"description": "place in line"})


class ActivityView(Schema):
    activity_id = fields.String()
    title = fields.String()
    description = fields.String()
    station_id = fields.String(allow_none=True)
    venue = fields.Nested(ActivityVenueView)
    skills = fields.List(fields.String())
    signup_closes_at = fields.AwareDateTime()
    late_cancel_hours = fields.Integer()
    status = fields.String()
    cancel_reason = fields.String(allow_none=True)
    organizer_id = fields.String()
    shifts = fields.List(fields.Nested(ShiftView))
    mine = fields.List(fields.Nested(MySignUp))
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ActivityPage(Paging):
    items = fields.List(fields.Nested(ActivityView))
    total = fields.Integer()


class SignUpAnswer(Schema):
    signup_id = fields.String()
    activity_id = fields.String()
    shift_id = fields.String()
    status = fields.String()
    position = fields.Integer(allow_none=True)
    contact_name = fields.String()
    phone_masked = fields.String()
    at = fields.AwareDateTime()


class CancelAnswer(Schema):
    signup_id = fields.String()
    late = fields.Boolean(metadata={"description": "inside the late-cancellation window"})
    at = fields.AwareDateTime()


class ShiftAttendance(Schema):
    signup_id = fields.String()
    shift_id = fields.String()
    attendance = fields.String()
    checked_in_at = fields.AwareDateTime(allow_none=True)
    checked_out_at = fields.AwareDateTime(allow_none=True)
    hours = fields.Float(allow_none=True, metadata={"description": "served, clipped to the shift"})


class OrganizerCode(Schema):
    activity_id = fields.String()
    code = fields.String()
    valid_until = fields.AwareDateTime()


class RecordHours(Schema):
    state = fields.String()
    served = fields.Float()
    credited = fields.Float(allow_none=True)
    reason = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)


class RosterEntry(Schema):
    signup_id = fields.String()
    shift_id = fields.String()
    worker_id = fields.String()
    contact_name = fields.String()
    phone = fields.String(metadata={"description": "in full: the organizer calls it"})
    note = fields.String()
    status = fields.String()
    position = fields.Integer(allow_none=True)
    late = fields.Boolean()
    attendance = fields.String(allow_none=True)
    checked_in_at = fields.AwareDateTime(allow_none=True)
    checked_out_at = fields.AwareDateTime(allow_none=True)
    flag = fields.String(allow_none=True)
    recorded_reason = fields.String(allow_none=True, metadata={
        "description": "attendance recorded by the organizer after the shift (补录), and why"})
    hours = fields.Nested(RecordHours, allow_none=True)


class RosterTotals(Schema):
    signed_up = fields.Integer()
    waitlisted = fields.Integer()
    cancelled = fields.Integer()
    late_cancellations = fields.Integer()
    attended = fields.Integer()
    no_shows = fields.Integer()
    hours_confirmed = fields.Float()
    hours_pending = fields.Integer()


class Roster(Schema):
    activity_id = fields.String()
    title = fields.String()
    totals = fields.Nested(RosterTotals)
    items = fields.List(fields.Nested(RosterEntry))


class Confirmed(Schema):
    confirmed = fields.List(fields.String())
    unchanged = fields.List(fields.String(), metadata={
        "description": "already decided: a repeated confirmation changes nothing"})


class PendingHoursItem(Schema):
    """A sign-up whose hours wait for a decision, with what the staff console
    shows and acts on (confirm or decline through the activity's routes)."""
    signup_id = fields.String()
    activity_id = fields.String()
    activity_title = fields.String()
    shift_id = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    contact_name = fields.String(metadata={"description": "the name given at sign-up, as "
                                                          "the roster shows it"})
    hours = fields.Float(metadata={"description": "served, clipped to the shift"})
    flag = fields.String(allow_none=True, metadata={
        "description": "no_checkout: checked out by the closing sweep, a look first"})
    checked_in_at = fields.AwareDateTime(allow_none=True)
    checked_out_at = fields.AwareDateTime(allow_none=True)


class PendingHoursPage(Paging):
    items = fields.List(fields.Nested(PendingHoursItem))
    total = fields.Integer()


class MyRecord(Schema):
    signup_id = fields.String()
    activity_id = fields.String()
    title = fields.String()
    shift_id = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    status = fields.String()
    position = fields.Integer(allow_none=True)
    attendance = fields.String(allow_none=True)
    hours = fields.Nested(RecordHours, allow_none=True)


class YearHours(Schema):
    year = fields.Integer()
    hours = fields.Float()


class MyVolunteering(Schema):
    upcoming = fields.List(fields.Nested(MyRecord))
    past = fields.List(fields.Nested(MyRecord))
    hours_by_year = fields.List(fields.Nested(YearHours))
    total_hours = fields.Float()


class CertificateLine(Schema):
    title = fields.String()
    venue = fields.String()
    date = fields.String()
    hours = fields.Float()


class Verification(Schema):
    number = fields.String()
    genuine = fields.Boolean()
    volunteer_name = fields.String()
    member_number = fields.String(allow_none=True)
    issuer = fields.String()
    issued_on = fields.String()
    total_hours = fields.Float()
    activities = fields.List(fields.Nested(CertificateLine))
    public_key = fields.String(metadata={"description": "Ed25519, to check the signature offline"})
