"""The live-demand counters' storage: the ``live`` collection (the rules, the
ids, the values and the deltas are live_rules.py's).

One document per (panel, period, key): a counter's ``n``, or a class's facts
and who holds its seats and waitlist places; ``version`` counts its changes.

Two steps, so that no two event handlers ever write the same document:
1. ``queue_live``: a handler inserts its event into ``live_pending``, a new
   document, in its own transaction with the inbox's record of it (exactly
   once, and never a write conflict: in a class rush every booking would
   otherwise update the one document of its class, and ten concurrent
   handler transactions on it retry one another);
2. ``fold_live``: one transaction takes the queued events, oldest first,
   applies them to the live documents in one ordered bulk write, reads back
   the documents changed (one delta each, however many events moved it) and
   deletes what it took. A concurrent fold of the same rows (a second
   process) conflicts on that delete and runs again on what is left.
Under load a fold takes everything queued while the last one ran (a group
commit); when quiet it takes the one event just committed.
"""
import logging
from datetime import timedelta

from pymongo import ASCENDING, UpdateOne

from services.insight.live_rules import (CLASS_SEATS, PANEL_PERIODS, STATION_VISITS,
                                         as_utc, current_periods, delta_of,
                                         live_changes, snapshot_of, visits_since)
from shared.events import schema_for

log = logging.getLogger(__name__)

COLLECTION = "live"
PENDING = "live_pending"
# Events one fold takes at most: one bulk write of a few hundred updates.
FOLD_BATCH = 500
DEFAULT_VISIT_HOURS = 6
# A class stays on the live panel this long after it started (late arrivals,
# seats released at the door).
CLASS_SHOWN_AFTER_START = timedelta(hours=3)


def prepare_live(db):
    live = db[COLLECTION]
    live.create_index([("panel", ASCENDING), ("period", ASCENDING)])
    live.create_index([("panel", ASCENDING), ("window_at", ASCENDING)])
    # Every document expires live_rules.RETENTION after its period (hour,
    # class start) began: the collection holds about a week, whatever the load.
    live.create_index("expires_at", expireAfterSeconds=0)


def newer_filter(change):
    stamp = change.newer.stamp
    return {"_id": change.doc_id,
            "$or": [{stamp: None}, {stamp: {"$lt": change.newer.at}}]}


def pending_event(source, event_type, data, envelope, district):
    """The queued event: its data as published (BSON-safe), to load again."""
    return {"source": source, "type": event_type, "time": envelope["time"],
            "data": schema_for(source, event_type).dump(data), "district": district}


def changes_of(pending):
    """The changes a queued event makes; none, logged, if it cannot be read
    back (a bug: one such event must not stop the live view for all)."""
    try:
        data = schema_for(pending["source"], pending["type"]).load(pending["data"])
        return live_changes(pending["source"], pending["type"], data, pending,
                            pending["district"])
    except Exception:
        log.exception("queued live event %s dropped", pending["_id"])
        return []


def writes_of(change):
    """The bulk write operations of one change, in order."""
    writes = [UpdateOne(newer_filter(change), {"$set": change.newer.fields})] \
        if change.newer else []
    return writes + [UpdateOne({"_id": change.doc_id}, change.update, upsert=True)]


class LiveStore:
    """Mixin over shared/store.py's BaseStore (``self.db``)."""

    def queue_live(self, source, event_type, data, envelope, district, session):
        """Queue the event for the live counters in ``session``'s transaction;
        True if it moves one (then a fold should run once that commits)."""
        if not live_changes(source, event_type, data, envelope, district):
            return False
        self.db[PENDING].insert_one(
            pending_event(source, event_type, data, envelope, district), session=session)
        return True

    def fold_live(self, limit=FOLD_BATCH):
        """Apply up to ``limit`` queued events (module docstring): (the deltas
        to publish once this commits, how many events were folded)."""
        return self.in_transaction(lambda session: self._fold(limit, session))

    def _fold(self, limit, session):
        pending = list(self.db[PENDING].find({}, sort=[("_id", ASCENDING)], limit=limit,
                                             session=session))
        if not pending:
            return [], 0
        # First: a fold that took these rows before us makes this one conflict.
        self.db[PENDING].delete_many({"_id": {"$in": [p["_id"] for p in pending]}},
                                     session=session)
        latest = {}  # each document changed -> the newest event that moved it
        writes = []
        for event in pending:
            for change in changes_of(event):
                writes += writes_of(change)
                latest[change.doc_id] = max(latest.get(change.doc_id, event), event,
                                            key=lambda e: as_utc(e["time"]))
        self.db[COLLECTION].bulk_write(writes, ordered=True, session=session)
        docs = self.db[COLLECTION].find({"_id": {"$in": list(latest)}}, session=session)
        return [delta_of(doc, latest[doc["_id"]]) for doc in docs], len(pending)

    def live_snapshot(self, now, visit_hours=DEFAULT_VISIT_HOURS):
        """Each panel's entries now: this day's and week's counters, the
        station visits of the last ``visit_hours`` hours, and the classes not
        started or started lately (three indexed reads)."""
        live = self.db[COLLECTION]
        periods = current_periods(now)
        docs = list(live.find({"panel": {"$in": list(PANEL_PERIODS)},
                               "period": {"$in": sorted({periods[p] for p in PANEL_PERIODS})}}))
        docs += live.find({"panel": STATION_VISITS,
                           "window_at": {"$gte": visits_since(now, visit_hours)}})
        docs += live.find({"panel": CLASS_SEATS, "cancelled": {"$ne": True},
                           "window_at": {"$gte": now - CLASS_SHOWN_AFTER_START}})
        # The first read takes today's and this week's documents of every
        # counting panel; keep each panel's own period only.
        return snapshot_of(now, [doc for doc in docs if doc["period"] == periods[doc["panel"]]])

