"""Events the courses service publishes (盐工学堂 classes and bookings)."""
from marshmallow import fields

from shared.event_privacy import personal, PSEUDONYM
from shared.event_schemas.base import EventData

SOURCE = "courses"


class ClassFacts(EventData):
    class_id = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)


class ClassPublished(ClassFacts):
    seats = fields.Integer(required=True)
    waitlist_limit = fields.Integer(required=True)
    members_only = fields.Boolean(required=True)
    booking_opens_at = fields.AwareDateTime(required=True)
    booking_closes_at = fields.AwareDateTime(required=True)


class ClassUpdated(ClassPublished):
    """Staff changed a published class (times, seats, waitlist)."""
    at = fields.AwareDateTime(required=True)


class ClassCancelled(ClassFacts):
    worker_ids = fields.List(fields.String(), required=True, metadata={
        "description": "everyone who held a seat, an offer or a waitlist place",
        **personal(PSEUDONYM)})
    at = fields.AwareDateTime(required=True)


class ClassAttended(EventData):
    class_id = fields.String(required=True)
    # What the worker can show for it (jobs: "盐工学堂「法律小讲堂」"); events
    # published before it was added have none.
    title = fields.String(load_default=None)
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    category = fields.String(required=True)
    hours = fields.Float(required=True)
    attended_at = fields.AwareDateTime(required=True)


class SeatEvent(EventData):
    class_id = fields.String(required=True)
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    at = fields.AwareDateTime(required=True)


class SeatBooked(SeatEvent):
    pass


class SeatReleased(SeatEvent):
    reason = fields.String(required=True, metadata={
        "description": "cancelled_by_worker or offer_expired"})


class WaitlistJoined(SeatEvent):
    pass


class WaitlistLeft(SeatEvent):
    pass


class WaitlistOffered(SeatEvent):
    offer_expires_at = fields.AwareDateTime(required=True)


class ClassFull(EventData):
    """No seat and no waitlist place is left, and who holds them."""
    class_id = fields.String(required=True)
    seats = fields.Integer(required=True)
    waitlist_limit = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)
    seat_holders = fields.List(fields.String(), required=True, metadata={
        "description": "workers holding a seat or an offer of one",
        **personal(PSEUDONYM)})
    waitlist_holders = fields.List(fields.String(), required=True, metadata=personal(PSEUDONYM))


SCHEMAS = {
    "class_published": ClassPublished,
    "class_updated": ClassUpdated,
    "class_cancelled": ClassCancelled,
    "class_attended": ClassAttended,
    "waitlist_joined": WaitlistJoined,
    "waitlist_left": WaitlistLeft,
    "seat_booked": SeatBooked,
    "seat_released": SeatReleased,
    "waitlist_offered": WaitlistOffered,
    "class_full": ClassFull,
}
