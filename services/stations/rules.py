"""What is allowed and what happens at a station: who manages it, how a
problem report is confirmed and fades, when a check-in counts, and the
station's state now. Pure: the time is an argument."""
from datetime import timedelta

from services.stations import exceptions
from services.stations.schemas import (
    ACTIVE, CLOSED, CLOSING_SOON, FULL, OPEN, PROBLEMS, TEMPORARILY_CLOSED)
from shared import coordinates
from shared.caller import STATION_KEEPER, UNION_STAFF
from shared.positions import WGS84

# A report shows for this long after the last worker who confirmed it: long
# enough for the keeper to see it, short enough that yesterday's empty water
# tank does not turn riders away today.
FADE_HOURS = 3
# One check-in per station per worker counts in this long: a rider resting
# twice in a shift is one visit, and points cannot be farmed by re-scanning.
CHECKIN_EVERY_HOURS = 4
# Wrong codes a worker may type at one station before a pause (a 6-digit
# code must not be guessable by trying).
WRONG_CODE_LIMIT, WRONG_CODE_PAUSE_MINUTES = 5, 15


# ---- what is stored -------------------------------------------------------------

def stored(fields):
    """A station's fields as loaded by its schema, as the store keeps them:
    positions in every system, closure dates as China dates in ISO form."""
    fields = dict(fields)
    if "position" in fields:
        fields["positions"] = coordinates.in_every_system(fields.pop("position"))
    if fields.get("hours"):
        fields["hours"] = dict(fields["hours"], closed_dates=sorted(
            {day.isoformat() for day in fields["hours"]["closed_dates"]}))
    return fields


# ---- who manages a station -------------------------------------------------------

def is_staff(caller):
    return UNION_STAFF in caller.roles


def check_manages(caller, station):
    """Staff manage every station; a keeper only those they keep."""
    caller.require_authenticated()
    if is_staff(caller):
        return
    if STATION_KEEPER in caller.roles and caller.id in station["keepers"]:
        return
    raise exceptions.not_your_station()


def check_edit(caller, station, changes):
    check_manages(caller, station)
    if "keepers" in changes and not is_staff(caller):
        raise exceptions.keepers_are_for_staff()


# ---- problem reports -------------------------------------------------------------

def fades_at(report):
    return report["last_at"] + timedelta(hours=FADE_HOURS)


def is_showing(report, now):
    return report is not None and now < fades_at(report)


def reported(report, worker_id, now):
    """(the report after ``worker_id`` reports it at ``now``, whether it
    confirmed one showing). Another worker's report keeps it showing; the same
    worker tapping again changes nothing; a faded one starts again."""
    if not is_showing(report, now):
        return {"first_at": now, "last_at": now, "reporters": [worker_id]}, False
    if worker_id in report["reporters"]:
        return report, True
    return dict(report, last_at=now, reporters=report["reporters"] + [worker_id]), True


def problem_view(problem, report, now):
    return {"problem": problem, "label": PROBLEMS[problem],
            "first_reported_at": report["first_at"], "last_reported_at": report["last_at"],
            "age_minutes": int((now - report["first_at"]).total_seconds() // 60),
            "confirmations": len(report["reporters"]), "fades_at": fades_at(report)}


def showing_problems(reports, now):
    """The reports still showing, oldest first."""
    return sorted((problem_view(problem, report, now) for problem, report in reports.items()
                   if is_showing(report, now)), key=lambda view: view["first_reported_at"])


# ---- the state now ---------------------------------------------------------------

def status_now(station, hours_status, now):
    """What a worker sees: closed by staff or by the keeper over anything the
    hours say; otherwise the hours' state. Full and the showing problems
    are shown beside it."""
    live = station["live"]
    if station["status"] != ACTIVE:
        state, reason, changes_at = CLOSED, "retired", None
    elif live["status"] == TEMPORARILY_CLOSED:
        state, reason, changes_at = CLOSED, "keeper", None
    else:
        state, reason, changes_at = hours_status.state, hours_status.reason, \
            hours_status.changes_at
    return {"state": state, "reason": reason, "changes_at": changes_at,
            "live_status": live["status"], "live_note": live["note"],
            "full": live["status"] == FULL,
            "problems": showing_problems(station["reports"], now)}


def is_open(status):
    return status["state"] in (OPEN, CLOSING_SOON)


# ---- check-ins -------------------------------------------------------------------

def check_reach(station, position):
    """A check-in's reported position must be credible for the station
    (coordinates.within_reach); no position is taken as the code's word."""
    there = station["positions"][WGS84]
    refused = coordinates.out_of_reach((there["lat"], there["lng"]), position)
    if refused:
        raise exceptions.too_far(*refused)


def next_counted_after(last_counted_at):
    return last_counted_at + timedelta(hours=CHECKIN_EVERY_HOURS)


def counts(last_counted_at, now):
    """Whether a check-in at ``now`` is a new visit."""
    return last_counted_at is None or now >= next_counted_after(last_counted_at)
