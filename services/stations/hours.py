"""A station's opening hours (OpenStreetMap opening_hours syntax) and its
state at a moment, in China time. Pure: the moment is an argument.

Stored hours: {"open_24h": bool, "opening_hours": str or None,
"closed_dates": ["YYYY-MM-DD", ...]} or None (nobody entered them)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import opening_hours

from services.stations.schemas import (
    CLOSED, CLOSING_SOON, CLOSING_SOON_MINUTES, HOURS_UNKNOWN, OPEN,
    REASON_CLOSURE_DATE, REASON_HOURS, REASON_UNKNOWN, parsed_hours,
)
from shared.domain import CHINA_TZ, china_time

# Changes further off than this are not announced (changes_at None).
HORIZON = timedelta(days=7)
CLOSING_SOON_WITHIN = timedelta(minutes=CLOSING_SOON_MINUTES)


@dataclass(frozen=True)
class Status:
    state: str                 # OPEN, CLOSING_SOON, CLOSED or HOURS_UNKNOWN
    changes_at: datetime | None  # aware, China time
    reason: str                # REASON_HOURS, REASON_CLOSURE_DATE or REASON_UNKNOWN


UNKNOWN_STATUS = Status(HOURS_UNKNOWN, None, REASON_UNKNOWN)


def state_at(hours, now):
    """The station's Status at the aware instant `now`, evaluated in China time.
    open_24h wins over any opening_hours text; closed_dates win over both."""
    if not hours or not (hours.get("open_24h") or hours.get("opening_hours")):
        return UNKNOWN_STATUS
    local = china_time(now).replace(tzinfo=None)  # the library wants naive local time
    rules = None if hours.get("open_24h") else parsed_hours(hours["opening_hours"])
    closed = frozenset(hours.get("closed_dates") or ())
    if local.date().isoformat() in closed:
        return Status(CLOSED, _next_opening(rules, local, closed), REASON_CLOSURE_DATE)
    state = OPEN if rules is None else _library_state(rules, local)
    if state == HOURS_UNKNOWN:
        return UNKNOWN_STATUS
    if state == CLOSED:
        return Status(CLOSED, _next_opening(rules, local, closed), REASON_HOURS)
    closing = _closing(rules, local, closed)
    soon = closing is not None and closing - china_time(now) < CLOSING_SOON_WITHIN
    return Status(CLOSING_SOON if soon else OPEN, closing, REASON_HOURS)


def _library_state(rules, local):
    state, _comment = rules.state(local)
    if state == opening_hours.State.OPEN:
        return OPEN
    if state == opening_hours.State.CLOSED:
        return CLOSED
    return HOURS_UNKNOWN


def _closing(rules, local, closed):
    """When an open station next closes: by its hours or at the midnight a
    closure date begins, whichever is first; None beyond the horizon."""
    change = None if rules is None else rules.next_change(local)
    closure = _next_closure_start(local, closed)
    if closure is not None and (change is None or closure < change):
        change = closure
    return _announced(change, local)


def _next_closure_start(local, closed):
    days = sorted(d for d in closed if d > local.date().isoformat())
    return datetime.combine(date.fromisoformat(days[0]), time()) if days else None


def _next_opening(rules, local, closed):
    """The first open moment after `local` not on a closure date, within the horizon."""
    end = local + HORIZON
    if rules is None:  # open 24 hours: the first midnight of a day not closed
        return _announced(_first_day_not_closed(local, end, closed), local)
    for start, stop, state, _comment in rules.intervals(local, end):
        if state == opening_hours.State.OPEN:
            begin = _first_day_not_closed(max(start, local), stop, closed)
            if begin is not None:
                return _announced(begin, local)
    return None


def _first_day_not_closed(moment, stop, closed):
    """`moment`, or the next midnight before `stop` whose date is not closed."""
    while moment.date().isoformat() in closed:
        moment = datetime.combine(moment.date() + timedelta(days=1), time())
        if moment >= stop:
            return None
    return moment


def _announced(local_change, local_now):
    if local_change is None or local_change - local_now > HORIZON:
        return None
    return local_change.replace(tzinfo=CHINA_TZ)
