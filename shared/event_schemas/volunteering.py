"""Events the volunteering service (志愿先锋, services/volunteering/) publishes.
The ledger awards volunteer_hours_confirmed (per hour); the rest tell the
workers concerned (a notification service, the insight service) and the
union's planners what happens. No contact details travel: a worker is an id."""
from marshmallow import Schema, fields, validate

from shared.event_privacy import personal, PSEUDONYM
from shared.event_schemas.base import EventData

SOURCE = "volunteering"


class Shift(Schema):
    shift_id = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    places = fields.Integer(required=True)


class ActivityPublished(EventData):
    activity_id = fields.String(required=True)
    title = fields.String(required=True)
    station_id = fields.String(allow_none=True)
    district = fields.String(required=True)
    shifts = fields.List(fields.Nested(Shift), required=True)
    organizer_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    at = fields.AwareDateTime(required=True)


class ActivityUpdated(EventData):
    """Edited; ``worker_ids``: everyone signed up or waiting, to be told."""
    activity_id = fields.String(required=True)
    title = fields.String(required=True)
    changed = fields.List(fields.String(), required=True)
    worker_ids = fields.List(fields.String(), required=True, metadata=personal(PSEUDONYM))
    at = fields.AwareDateTime(required=True)


class ActivityCancelled(EventData):
    activity_id = fields.String(required=True)
    title = fields.String(required=True)
    reason = fields.String(required=True)
    worker_ids = fields.List(fields.String(), required=True, metadata=personal(PSEUDONYM))
    at = fields.AwareDateTime(required=True)


class SignUpFact(EventData):
    signup_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    activity_id = fields.String(required=True)
    shift_id = fields.String(required=True)
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    at = fields.AwareDateTime(required=True)


class VolunteerSignedUp(SignUpFact):
    status = fields.String(required=True, validate=validate.OneOf(("signed_up", "waitlisted")))


class VolunteerCancelled(SignUpFact):
    """``was``: what the sign-up held; ``late``: inside the late window."""
    was = fields.String(required=True)
    by_organizer = fields.Boolean(required=True)
    late = fields.Boolean(required=True)


class VolunteerCheckedOut(SignUpFact):
    """``automatic``: the worker never checked out; the shift's end was taken."""
    hours = fields.Float(required=True)
    automatic = fields.Boolean(required=True)


class VolunteerHoursConfirmed(EventData):
    """Staff (or the station keeper) confirmed the hours a worker served at one
    activity; one event per confirmation, hours in decimal (2.5)."""
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    activity_id = fields.String(required=True)
    activity_title = fields.String(required=True)
    signup_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    shift_id = fields.String(required=True)
    hours = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False,
                                                                max=24))
    confirmed_by = fields.String(required=True, metadata=personal(PSEUDONYM))
    confirmed_at = fields.AwareDateTime(required=True)


SCHEMAS = {
    "activity_published": ActivityPublished,
    "activity_updated": ActivityUpdated,
    "activity_cancelled": ActivityCancelled,
    "volunteer_signed_up": VolunteerSignedUp,
    "volunteer_promoted": SignUpFact,
    "volunteer_cancelled": VolunteerCancelled,
    "volunteer_checked_in": SignUpFact,
    "volunteer_checked_out": VolunteerCheckedOut,
    "volunteer_no_show": SignUpFact,
    "volunteer_hours_confirmed": VolunteerHoursConfirmed,
}
