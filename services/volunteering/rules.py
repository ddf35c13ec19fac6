"""What is allowed and what counts in volunteering: who organizes, when a
shift can be signed up for, cancelled, checked in to, and how hours are
reckoned. Pure: the time is an argument."""
import math
from datetime import timedelta

from marshmallow import ValidationError

from services.volunteering import exceptions
from services.volunteering.schemas import (
    CANCELLED, CHECKIN_OPENS_MINUTES, CHECKOUT_GRACE_MINUTES, HOURS_PENDING, HOURS_STEP,
    check_shifts)
from services.volunteering.signups import PLACES
from shared import coordinates
from shared.caller import STATION_KEEPER, UNION_STAFF
from shared.domain import mask_phone
from shared.errors import invalid_from_validation
from shared.ids import new_id
from shared.positions import WGS84
from shared.schemas import checked


def is_staff(caller):
    return UNION_STAFF in caller.roles


def check_may_publish(caller, station):
    """Staff anywhere; a station keeper at a station they keep."""
    caller.require_authenticated()
    if is_staff(caller):
        return
    if STATION_KEEPER in caller.roles and station is not None \
            and caller.id in station["keepers"]:
        return
    if STATION_KEEPER in caller.roles:
        raise exceptions.not_your_station()
    caller.require_role(UNION_STAFF)


def check_organizes(caller, activity):
    """Staff, or the keeper who published the activity."""
    caller.require_authenticated()
    if not (is_staff(caller) or activity["organizer_id"] == caller.id):
        raise exceptions.not_organizer()


def venue_of(station, venue):
    """Where the activity is, as shown and as check-ins are measured against:
    the station's (position in WGS-84), or the venue given."""
    if station is not None:
        return {"name": station["name"], "address": station.get("address"),
                "district": station["district"], "position": station["position"]}
    position = venue.get("position")
    if position is not None:
        lat, lng = coordinates.to_wgs84(position["system"], position["lat"], position["lng"])
        position = {"lat": round(lat, 6), "lng": round(lng, 6), "system": WGS84}
    return dict(venue, position=position)


# ---- editing ------------------------------------------------------------------------

def check_editable(activity, now):
    if activity["status"] == CANCELLED:
        raise exceptions.activity_cancelled()
    if now >= activity["first_starts_at"]:
        raise exceptions.activity_over()


NEW_SHIFT_FIELDS = ("starts_at", "ends_at", "places")


def merge_shifts(activity, edits):
    """The shifts an edit leaves: existing ones (by shift_id) with what the
    edit changes, new ones with a new id and all they need; an unknown
    shift_id is refused."""
    current = {shift["shift_id"]: shift for shift in activity["shifts"]}
    merged = []
    for edit in edits:
        given = {key: value for key, value in edit.items() if value is not None}
        if "shift_id" not in given:
            merged.append(new_shift(given))
        elif given["shift_id"] not in current:
            raise exceptions.shift_not_found()
        else:
            merged.append(dict(current[given["shift_id"]], **given))
    return merged


def new_shift(given):
    if any(key not in given for key in NEW_SHIFT_FIELDS):
        raise invalid_from_validation(ValidationError(
            {"shifts": ["新增的班次须填写开始时间、结束时间和名额"]}))
    return dict(given, shift_id=new_id(), waitlist_limit=given.get(
        "waitlist_limit", given["places"]))


def check_merged(activity, changes, shifts):
    """The cross-field rules again on the activity as the edit leaves it."""
    closes = changes.get("signup_closes_at", activity["signup_closes_at"])
    checked(lambda merged: check_shifts(merged, closes), shifts or activity["shifts"])


# ---- signing up and cancelling ------------------------------------------------------

def shift_of(activity, shift_id):
    for shift in activity["shifts"]:
        if shift["shift_id"] == shift_id:
            return shift
    raise exceptions.shift_not_found()


def check_signup_open(activity, shift, now):
    if activity["status"] == CANCELLED:
        raise exceptions.activity_cancelled()
    if now >= shift["starts_at"]:
        raise exceptions.shift_started()
    if now >= activity["signup_closes_at"]:
        raise exceptions.signup_closed(activity["signup_closes_at"])


def check_cancellable(activity, slot, now):
    if activity["status"] == CANCELLED:
        raise exceptions.activity_cancelled()
    if now >= slot["starts_at"]:
        raise exceptions.shift_started()


def is_late(activity, slot, now):
    """Inside the late-cancellation window before the shift: recorded as late
    (a place given up then is hard to fill)."""
    return now >= slot["starts_at"] - timedelta(hours=activity["late_cancel_hours"])


def contact_of(profile):
    """A sign-up's contact when none is given for it: the profile's."""
    if not profile.get("phone"):
        raise exceptions.no_contact_phone()
    return {"name": profile["name"], "phone": profile["phone"]}


def masked(contact):
    return {"contact_name": contact["name"], "phone_masked": mask_phone(contact["phone"])}


# ---- attendance ---------------------------------------------------------------------

def check_attendance_window(activity, place, now, checking_out):
    """Check-in from CHECKIN_OPENS_MINUTES before the shift to its end;
    check-out until CHECKOUT_GRACE_MINUTES after it (a worker tapping on the
    way home is not flagged for it)."""
    if activity["status"] == CANCELLED:
        raise exceptions.activity_cancelled()
    opens = place["starts_at"] - timedelta(minutes=CHECKIN_OPENS_MINUTES)
    if now < opens:
        raise exceptions.checkin_not_open(opens)
    closes = place["ends_at"] + timedelta(minutes=CHECKOUT_GRACE_MINUTES if checking_out else 0)
    if now >= closes:
        raise exceptions.shift_over()


def check_reach(activity, position):
    """A reported position must be credible for the venue (the stations'
    rule: shared.coordinates.within_reach); a venue with no position, or no
    position sent, takes the code's word."""
    venue = activity["venue"].get("position")
    if position is None or venue is None:
        return
    refused = coordinates.out_of_reach((venue["lat"], venue["lng"]), position)
    if refused:
        raise exceptions.too_far(*refused)


def check_recordable(activity, shift, now):
    """Attendance is recorded after the fact only: once the shift is over."""
    if activity["status"] == CANCELLED:
        raise exceptions.activity_cancelled()
    if now < shift["ends_at"]:
        raise exceptions.shift_not_over()


def check_decidable(pool_name, place, now):
    """Hours are decided for a place (not a place in line) once its shift is over."""
    if pool_name != PLACES or now < place["ends_at"]:
        raise exceptions.hours_not_ready()


def served_hours(shift, checked_in_at, checked_out_at):
    """Hours between check-in and check-out, clipped to the shift, in tenths
    of an hour rounded down (six minutes served early or late count for
    nothing)."""
    start = max(checked_in_at, shift["starts_at"])
    end = min(checked_out_at, shift["ends_at"])
    seconds = max((end - start).total_seconds(), 0)
    steps = math.floor(seconds / (3600 * HOURS_STEP) + 1e-9)  # 1e-9: 0.1 is not exact
    return round(steps * HOURS_STEP, 1)


def pending_hours(served):
    return {"state": HOURS_PENDING, "served": served, "credited": None, "reason": None,
            "decided_by": None, "decided_at": None}
