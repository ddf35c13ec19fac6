"""What each event tells about its worker: the change to their profile (the
picture), as counters to add and last times to raise. Pure: no I/O.

Counters are added with ``$inc`` (each event is applied once: the inbox),
last times with ``$max``, so events arriving out of order (each type has its
own queue) give the same picture.
"""
from collections import namedtuple

from services.insight.schemas import COUNT_FACTS
from shared.domain import china_time

# Night: 22:00 to 06:00, China time (riders who work the night shift).
NIGHT_STARTS_HOUR, NIGHT_ENDS_HOUR = 22, 6

# What one event does to one worker's profile.
Change = namedtuple("Change", "worker_id inc max set")

# application_status_changed: the outcomes counted (jobs' statuses).
OUTCOMES = {"hired": "applications_hired", "rejected": "applications_rejected",
            "no_reply": "applications_unanswered"}


def is_night(moment):
    hour = china_time(moment).hour
    return hour >= NIGHT_STARTS_HOUR or hour < NIGHT_ENDS_HOUR


def seat_booked(data):
    return Change(data["worker_id"], {"classes_booked": 1},
                  {"last_class_booked_at": data["at"]}, {})


def class_attended(data):
    return Change(data["worker_id"], {"classes_attended": 1},
                  {"last_class_attended_at": data["attended_at"]}, {})


def lesson_completed(data):
    return Change(data["worker_id"], {"lessons_read": 1},
                  {"last_lesson_at": data["completed_at"]}, {})


def quiz_passed(data):
    return Change(data["worker_id"], {"quiz_passes": 1},
                  {"last_quiz_passed_at": data["passed_at"]}, {})


def volunteer_hours_confirmed(data):
    return Change(data["worker_id"], {"volunteer_hours": data["hours"], "volunteer_services": 1},
                  {"last_volunteered_at": data["confirmed_at"]}, {})


def station_visited(data):
    visited_at = data["visited_at"]
    inc = {"station_visits": 1,
           "visits_by_hour.{:02d}".format(china_time(visited_at).hour): 1}
    latest = {"last_station_visit_at": visited_at}
    if is_night(visited_at):
        inc["night_station_visits"] = 1
        latest["last_night_visit_at"] = visited_at
    return Change(data["worker_id"], inc, latest, {})


def application_submitted(data):
    return Change(data["worker_id"], {"applications": 1},
                  {"last_application_at": data["at"]}, {})


def application_status_changed(data):
    counter = OUTCOMES.get(data["status"])
    if counter is None:
        return None  # viewed, shortlisted, withdrawn: not an outcome
    latest = {"last_hired_at": data["at"]} if data["status"] == "hired" else {}
    return Change(data["worker_id"], {counter: 1}, latest, {})


def membership_approved(data):
    return Change(data["worker_id"], {}, {}, {"member": True,
                                              "member_since": data["approved_at"]})


# (source, event type) -> the change it makes; events insight reads only for
# the live counters (live.py) have none.
CHANGES = {
    ("courses", "seat_booked"): seat_booked,
    ("courses", "class_attended"): class_attended,
    ("learning", "lesson_completed"): lesson_completed,
    ("learning", "quiz_passed"): quiz_passed,
    ("volunteering", "volunteer_hours_confirmed"): volunteer_hours_confirmed,
    ("stations", "station_visited"): station_visited,
    ("jobs", "application_submitted"): application_submitted,
    ("jobs", "application_status_changed"): application_status_changed,
    ("identity", "membership_approved"): membership_approved,
}


def change_of(source, event_type, data):
    """The profile change an event makes, or None."""
    make = CHANGES.get((source, event_type))
    return make(data) if make else None


def new_profile(touched=()):
    """What a profile starts with (every count at 0, not a member, pushes
    on), but the fields ``touched`` that the first write sets itself."""
    fields = dict({name: 0 for name in COUNT_FACTS}, member=False, personalised_pushes=True,
                  facts_at=None, registered_at=None)
    return {name: value for name, value in fields.items()
            if name not in touched and not any(t.startswith(name + ".") for t in touched)}


def update_of(change):
    """The upsert that applies ``change`` to its profile."""
    touched = set(change.inc) | set(change.max) | set(change.set)
    update = {"$setOnInsert": new_profile(touched)}
    for operator, values in (("$inc", change.inc), ("$max", change.max), ("$set", change.set)):
        if values:
            update[operator] = values
    return update
