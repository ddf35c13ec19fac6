"""The live-demand counters' storage: the ``live`` collection (the rules, the
ids, the values and the deltas are live_rules.py's).

One document per (panel, period, key): a counter's ``n``, or a class's facts
and who holds its seats and waitlist places; ``version`` counts its changes.
An event costs one command (two for a class's facts or class_full, whose
newest version wins), inside the handler's transaction, so the counters move
exactly once per event with the inbox's record of it.
"""
from datetime import timedelta

from pymongo import ASCENDING, ReturnDocument

from services.insight.live_rules import (CLASS_SEATS, PANEL_PERIODS, STATION_VISITS,
                                         current_periods, delta_of, live_changes,
                                         snapshot_of, visits_since)

COLLECTION = "live"
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


class LiveStore:
    """Mixin over shared/store.py's BaseStore (``self.db``)."""

    def apply_live(self, source, event_type, data, envelope, district, session):
        """Count the event in its panel (nothing for events no panel counts);
        returns the deltas to publish once ``session``'s transaction commits."""
        return [delta_of(self._write_live(change, session), envelope)
                for change in live_changes(source, event_type, data, envelope, district)]

    def _write_live(self, change, session):
        live = self.db[COLLECTION]
        if change.newer:
            live.update_one(newer_filter(change), {"$set": change.newer.fields},
                            session=session)
        return live.find_one_and_update({"_id": change.doc_id}, change.update, upsert=True,
                                        return_document=ReturnDocument.AFTER,
                                        session=session)

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

