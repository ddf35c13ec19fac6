"""The rules of the live-demand counters, as pure functions (live.py stores them).

Each counted event becomes one or two ``Change``s of a document in the
``live`` collection, and each changed document one delta (docs/live-demand.md):
``{"panel", "key", "period", "value", "version", "event_time"}`` (the
publisher adds ``published_at``).

Periods. "Today" and "this week" are Asia/Shanghai calendar periods of the
event's own time (its data's time field, else the envelope's), never of the
moment it is handled: a late event counts in the period it happened in. The
period is part of a document's id, so a new day starts at zero, and every
delta names it (``period``: "2026-03-09" for a day, "2026-W11" for an ISO week,
None for class_seats and station_visits, whose keys carry their own time). A
``version`` counts changes of one (panel, period, key): a reader keeps the
highest version per (panel, period, key) and shows the snapshot's period of
each panel, so yesterday's late delta never overwrites today's figure.

Class seats. Who holds a seat or a waitlist place is kept per worker as the
latest time they gained it and the latest time they lost it (``$max``), and
class_full's exact lists with its time, the newest one winning: a worker holds
what the latest of these facts says. ``$max`` is order-free and idempotent, so
repeats and any order of arrival give the same counts.
"""
from collections import namedtuple
from datetime import datetime, timedelta, timezone

from shared.domain import CHINA_TZ

CLASS_SEATS = "class_seats"
STATION_VISITS = "station_visits"
STATION_PROBLEMS = "station_problems"
VOLUNTEERING_WEEK = "volunteering_week"
JOB_APPLICATIONS = "job_applications"
QUIZ_BY_DISTRICT = "quiz_by_district"
POINTS_TODAY = "points_today"

DAY, WEEK = "day", "week"
# The calendar period each counting panel restarts with; the other two
# panels (class_seats, station_visits) have none.
PANEL_PERIODS = {STATION_PROBLEMS: DAY, VOLUNTEERING_WEEK: WEEK, JOB_APPLICATIONS: DAY,
                 QUIZ_BY_DISTRICT: DAY, POINTS_TODAY: DAY}
PANELS = (CLASS_SEATS, STATION_VISITS) + tuple(PANEL_PERIODS)

# The events a panel counts by the worker's district (insight's copy of it).
COUNTED_BY_DISTRICT = {("learning", "quiz_passed")}
UNKNOWN_DISTRICT = "未知"
# services/jobs/schemas.py NO_REPLY: the status an unanswered application
# lapses to (a test checks the two agree; insight does not import jobs).
LAPSED_STATUS = "no_reply"
# Old documents go (TTL) this long after their period, hour or class began:
# a week's counters must outlive the week.
RETENTION = timedelta(days=8)

# The time of the fact, where the event's data names it differently from "at".
TIME_FIELDS = {"station_visited": "visited_at", "quiz_passed": "passed_at",
               "volunteer_hours_confirmed": "confirmed_at"}

# Gained / lost maps and the class_full list of each kind of holding.
SEAT_FIELDS = ("seat", "seat_lost", "full_seats")
PLACE_FIELDS = ("place", "place_lost", "full_places")
CLASS_FACTS = ("title", "starts_at", "seats")

# One write of a live document: ``update`` is an upsert returning the new
# document; ``newer`` (optional) a ``$set`` applied before it only if
# ``stamp`` is newer than the document's (the newest of its kind wins).
Change = namedtuple("Change", "doc_id update newer")
Newer = namedtuple("Newer", "stamp at fields")


# ---- times and periods ----------------------------------------------------------------

def as_utc(moment):
    """A loaded event's datetime, or the ISO text of an unloaded one, in UTC."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(timezone.utc)


def fact_time(event_type, data, envelope):
    """When the fact happened: its data's own time, else the envelope's."""
    moment = data.get(TIME_FIELDS.get(event_type, "at")) or envelope["time"]
    return as_utc(moment)


def period_of(kind, moment):
    """The Asia/Shanghai day ("2026-03-09") or ISO week ("2026-W11") of a moment."""
    local = moment.astimezone(CHINA_TZ)
    return local.strftime("%G-W%V") if kind == WEEK else local.date().isoformat()


def period_start(kind, moment):
    local = moment.astimezone(CHINA_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    if kind == WEEK:
        local -= timedelta(days=local.weekday())
    return local.astimezone(timezone.utc)


def hour_of(moment):
    return as_utc(moment).replace(minute=0, second=0, microsecond=0)


def current_periods(now):
    """The period each panel shows now (None: not a calendar period)."""
    return {panel: period_of(PANEL_PERIODS[panel], now) if panel in PANEL_PERIODS else None
            for panel in PANELS}


def doc_id(panel, period, key):
    return "{}|{}|{}".format(panel, period or "", key)


# ---- counters -------------------------------------------------------------------------

def count(panel, key, moment, amount=1, **extra):
    """Add ``amount`` to the counter of ``key`` in ``moment``'s period."""
    kind = PANEL_PERIODS[panel]
    period = period_of(kind, moment)
    return Change(doc_id(panel, period, key), {
        "$inc": {"n": amount, "version": 1},
        "$setOnInsert": dict(extra, panel=panel, period=period, key=key,
                             expires_at=period_start(kind, moment) + RETENTION)}, None)


def count_visit(data, moment):
    hour = hour_of(moment)
    key = "{}|{}".format(data["station_id"], hour.isoformat())
    return Change(doc_id(STATION_VISITS, None, key), {
        "$inc": {"n": 1, "version": 1},
        "$setOnInsert": {"panel": STATION_VISITS, "period": None, "key": key,
                         "station_id": data["station_id"], "window_at": hour,
                         "expires_at": hour + RETENTION}}, None)


def counter_changes(source, event_type, data, moment, district):
    """The counters an event moves (none for events no panel counts)."""
    if (source, event_type) == ("stations", "station_visited"):
        return [count_visit(data, moment)]
    if (source, event_type) == ("stations", "station_problem_reported"):
        return [count(STATION_PROBLEMS, data["station_id"], moment,
                      station_id=data["station_id"])]
    if (source, event_type) == ("volunteering", "volunteer_signed_up"):
        return [count(VOLUNTEERING_WEEK, "signups", moment)]
    if (source, event_type) == ("volunteering", "volunteer_hours_confirmed"):
        return [count(VOLUNTEERING_WEEK, "hours", moment, amount=data["hours"])]
    if (source, event_type) == ("jobs", "application_submitted"):
        return [count(JOB_APPLICATIONS, "submitted", moment)]
    if (source, event_type) == ("jobs", "application_status_changed"):
        lapsed = data["status"] == LAPSED_STATUS
        return [count(JOB_APPLICATIONS, "lapsed", moment)] if lapsed else []
    if (source, event_type) == ("learning", "quiz_passed"):
        return [count(QUIZ_BY_DISTRICT, district or UNKNOWN_DISTRICT, moment)]
    if (source, event_type) == ("ledger", "points_awarded"):
        return [count(POINTS_TODAY, "awarded", moment, amount=data["amount"])]
    return []


# ---- class seats ----------------------------------------------------------------------

def class_change(class_id, moment, update=None, newer=None):
    """A write of the class's document; its first write names the panel, and
    an expiry the class's own start replaces once it is known."""
    update = dict(update or {})
    update["$inc"] = {"version": 1}
    on_insert = {"panel": CLASS_SEATS, "period": None, "key": class_id,
                 "expires_at": moment + RETENTION}
    if newer:
        # Newest wins: live.py first $sets these where the stored stamp is
        # older; where there is no document yet, this upsert inserts them.
        on_insert.update(newer.fields)
        update["$max"] = dict(update.get("$max", {}), **{newer.stamp: newer.at})
    update["$setOnInsert"] = on_insert
    return Change(doc_id(CLASS_SEATS, None, class_id), update, newer)


def class_facts(data):
    starts_at = as_utc(data["starts_at"])
    return {"title": data["title"], "starts_at": starts_at, "seats": data["seats"],
            "window_at": starts_at, "expires_at": starts_at + RETENTION}


def worker_times(worker_id, moment, *fields):
    return {"{}.{}".format(field, worker_id): moment for field in fields}


def class_changes(event_type, data, moment):
    class_id = data["class_id"]
    if event_type in ("class_published", "class_updated"):
        return [class_change(class_id, moment, newer=Newer("facts_at", moment, class_facts(data)))]
    if event_type == "class_full":
        lists = {"full_seats": list(data["seat_holders"]),
                 "full_places": list(data["waitlist_holders"])}
        return [class_change(class_id, moment, newer=Newer("full_at", moment, lists))]
    if event_type == "class_cancelled":
        return [class_change(class_id, moment, {"$set": {"cancelled": True}})]
    gained_lost = {"seat_booked": ("seat",), "seat_released": ("seat_lost",),
                   "waitlist_joined": ("place",), "waitlist_left": ("place_lost",),
                   "waitlist_offered": ("seat", "place_lost")}.get(event_type)
    if gained_lost is None:
        return []  # class_attended: not a change of seats
    return [class_change(class_id, moment,
                         {"$max": worker_times(data["worker_id"], moment, *gained_lost)})]


def live_changes(source, event_type, data, envelope, district):
    """Every write an event makes to the live documents, in order."""
    moment = fact_time(event_type, data, envelope)
    if source == "courses":
        return class_changes(event_type, data, moment)
    return counter_changes(source, event_type, data, moment, district)


def holders(doc, fields):
    """Workers the latest fact about whom says they hold it: a gain, a loss,
    or the newest class_full's list (which wins a tie: it is exact at its time)."""
    gained, lost, listed = (doc.get(field) for field in fields)
    gained, lost, listed = gained or {}, lost or {}, set(listed or ())
    full_at = doc.get("full_at")
    held = set()
    for worker in set(gained) | set(lost) | listed:
        facts = [(gained[worker], 0, True)] if worker in gained else []
        facts += [(lost[worker], 1, False)] if worker in lost else []
        facts += [(full_at, 2, worker in listed)] if full_at else []
        if max(facts)[2]:
            held.add(worker)
    return held


def seats_value(doc):
    if doc.get("cancelled"):
        return None
    seats = doc.get("seats")
    taken = len(holders(doc, SEAT_FIELDS))
    starts_at = doc.get("starts_at")
    return {"title": doc.get("title"),
            "starts_at": starts_at and as_utc(starts_at).isoformat(),
            "seats": seats,
            "seats_left": None if seats is None else max(seats - taken, 0),
            "waitlist": len(holders(doc, PLACE_FIELDS))}


# ---- values, deltas, snapshot ---------------------------------------------------------

def value_of(doc):
    """What a live document shows (a delta's value)."""
    panel = doc["panel"]
    if panel == CLASS_SEATS:
        return seats_value(doc)
    if panel == STATION_VISITS:
        return {"station_id": doc["station_id"], "hour": as_utc(doc["window_at"]).isoformat(),
                "visits": doc["n"]}
    if panel == STATION_PROBLEMS:
        return {"station_id": doc["station_id"], "reported_today": doc["n"]}
    return round(doc["n"], 2)  # hours are decimal: no float noise on screen


def delta_of(doc, envelope):
    return {"panel": doc["panel"], "key": doc["key"], "period": doc["period"],
            "value": value_of(doc), "version": doc["version"],
            "event_time": as_utc(envelope["time"]).isoformat()}


def visits_since(now, hours):
    """The first hour of the last ``hours`` hours (the current one included)."""
    return hour_of(now) - timedelta(hours=hours - 1)


def snapshot_of(now, docs):
    """Contract 1's snapshot of the documents read, with each panel's period."""
    panels = {panel: {} for panel in PANELS}
    for doc in docs:
        panels[doc["panel"]][doc["key"]] = {"value": value_of(doc), "version": doc["version"]}
    return {"at": as_utc(now).isoformat(), "periods": current_periods(now), "panels": panels}
