"""courses' request and response schemas (gateway and service load the same)."""
from datetime import datetime

from marshmallow import (Schema, ValidationError, fields, post_load, validate,
                         validates_schema)

from shared.clock import to_millis
from shared.schemas import AtLeastOne, IdempotencyKey, Link, Name, Paging, PartialUpdate, Text

CATEGORIES = ("tea_art", "incense", "law", "fitness", "cooking", "skills", "other")


class Venue(AtLeastOne, Schema):
    empty_message = "须填写驿站编号或地址"
    station_id = Text(1, 64)
    address = Name(1, 200)


class ClassFields(Schema):
    title = Name(1, 50, required=True)
    category = Text(required=True, validate=validate.OneOf(CATEGORIES))
    description = Text(0, 2000, multiline=True, load_default="")
    teacher = Name(0, 30, load_default="")
    venue = fields.Nested(Venue, required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    seats = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1000))
    waitlist_limit = fields.Integer(strict=True, validate=validate.Range(min=0, max=1000),
                                    metadata={"description": "default: as many as the seats"})
    booking_opens_at = fields.AwareDateTime(required=True)
    booking_closes_at = fields.AwareDateTime(metadata={"description": "default: starts_at"})
    members_only = fields.Boolean(load_default=False)
    cover_url = Link(500)
    offer_minutes = fields.Integer(strict=True, validate=validate.Range(min=1, max=24 * 60),
                                   metadata={"description": "time to confirm an offered seat"})

    @post_load
    def to_stored_precision(self, data, **kwargs):
        return {key: to_millis(value) if isinstance(value, datetime) else value
                for key, value in data.items()}


def check_times(data):
    errors = {}
    if data["ends_at"] <= data["starts_at"]:
        errors["ends_at"] = ["结束时间须晚于开始时间"]
    closes_at = data.get("booking_closes_at") or data["starts_at"]
    if data["booking_opens_at"] >= closes_at:
        errors["booking_opens_at"] = ["报名开始时间须早于报名截止时间"]
    if closes_at > data["starts_at"]:
        errors["booking_closes_at"] = ["报名截止时间不能晚于开课时间"]
    if errors:
        raise ValidationError(errors)


class ClassCreateRequest(ClassFields):
    @validates_schema
    def times_in_order(self, data, **kwargs):
        """ends_at after starts_at; booking_opens_at before booking_closes_at
        (default starts_at), which is not after starts_at"""
        check_times(data)


class ClassUpdateRequest(PartialUpdate, ClassFields):
    """PATCH: times are checked against the class's current ones by the store."""
    checked_with_current = (ClassCreateRequest.times_in_order,)  # published (gateway/openapi.py)


class ClassListQuery(Paging):
    category = Text(validate=validate.OneOf(CATEGORIES))
    upcoming = fields.Boolean(load_default=True)
    has_seats = fields.Boolean(load_default=False)


class BookingKey(Schema):
    idempotency_key = IdempotencyKey(allow_none=True)


class AttendanceRequest(Schema):
    code = Text(required=True, validate=validate.Regexp(r"^\d{6}$", error="签到码为6位数字"))


# ---- responses -------------------------------------------------------------

class MyBooking(Schema):
    status = fields.String(metadata={"description": "booked, offered or waitlisted"})
    position = fields.Integer(allow_none=True)
    offer_expires_at = fields.AwareDateTime(allow_none=True)


class ClassView(Schema):
    id = fields.String(attribute="_id")
    title = fields.String()
    category = fields.String()
    description = fields.String()
    teacher = fields.String()
    venue = fields.Nested(Venue)
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    seats = fields.Integer()
    seats_left = fields.Integer()
    waitlist_limit = fields.Integer()
    waitlist_length = fields.Integer()
    booking_opens_at = fields.AwareDateTime()
    booking_closes_at = fields.AwareDateTime()
    members_only = fields.Boolean()
    cover_url = fields.String(allow_none=True)
    offer_minutes = fields.Integer()
    status = fields.String(metadata={"description": "draft, published or cancelled"})
    my_booking = fields.Nested(MyBooking, allow_none=True)


class ClassPage(Schema):
    items = fields.List(fields.Nested(ClassView))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class BookingResult(Schema):
    class_id = fields.String()
    status = fields.String(metadata={"description": "booked (201) or waitlisted (202)"})
    position = fields.Integer(allow_none=True, metadata={"description": "place in the waitlist"})
    offer_expires_at = fields.AwareDateTime(allow_none=True)
    at = fields.AwareDateTime()


class BookingList(Schema):
    items = fields.List(fields.Nested(BookingResult))


class CheckinCode(Schema):
    class_id = fields.String()
    code = fields.String()


class Attendance(Schema):
    class_id = fields.String()
    attended_at = fields.AwareDateTime()
