"""What may happen to a class, and when: pure functions of the class, the
time and the caller, so they are tested without a database. The rules of one
tap on "book" are in booking.py; the store (storage.py) applies these before
it writes.
"""
import secrets
from datetime import timedelta

from services.courses import exceptions
from shared.caller import UNION_STAFF
from shared.ids import new_id

# Staff may open check-in a little before the start.
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)


def new_class(fields, staff_id, offer_minutes, now):
    """A class as staff describe it, a draft until they publish it. Booking
    closes at the start and the waitlist has as many places as there are
    seats, unless staff say otherwise."""
    defaults = {"booking_closes_at": fields["starts_at"], "waitlist_limit": fields["seats"],
                "offer_minutes": offer_minutes, "cover_url": None}
    return dict(defaults, **fields, _id=new_id(), status="draft", created_by=staff_id,
                created_at=now, updated_at=now, published_at=None)


def check_visible(cls, caller):
    """A draft is staff's work in progress: to anyone else it does not exist."""
    if cls["status"] == "draft" and UNION_STAFF not in caller.roles:
        raise exceptions.class_not_found()


def check_publishable(cls):
    if cls["status"] != "draft":
        raise exceptions.already_published()


def check_changeable(cls, now):
    """Staff may edit or cancel a class until it starts, and not once cancelled."""
    if cls["status"] == "cancelled":
        raise exceptions.class_cancelled()
    if cls["starts_at"] <= now:
        raise exceptions.class_started()


def check_leavable(held, now):
    """A seat or place can be given up until the class starts."""
    if held["starts_at"] <= now:
        raise exceptions.class_started()


def offer_expires_at(cls, now):
    """A seat offered to the first in line waits this long for them."""
    return now + timedelta(minutes=cls["offer_minutes"])


def running(cls, now):
    return (cls["status"] == "published"
            and cls["starts_at"] - CHECKIN_OPENS_BEFORE <= now <= cls["ends_at"])


def check_running(cls, now):
    """Check-in is open from a little before the start to the end."""
    if not running(cls, now):
        raise exceptions.class_not_running()


def check_checkin_code(cls, code):
    if not cls.get("checkin_code") or not secrets.compare_digest(cls["checkin_code"], code):
        raise exceptions.wrong_checkin_code()


def attended_hours(cls):
    """What attending counts for: the class's length in hours."""
    return round((cls["ends_at"] - cls["starts_at"]).total_seconds() / 3600, 2)
