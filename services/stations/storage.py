"""stations' data: the catalog, the check-ins and the demand they show.

- ``stations``: a station as staff entered it, with its position in all
  three coordinate systems (``positions``: what the geo search and the links
  need, so no answer converts), ``status`` (active, or closed by staff),
  ``live`` (the keeper's status), ``reports`` (problem code -> the workers
  who reported it, when first and last; rules.py says whether it still
  shows), the check-in code ``secret`` (never answered), and ``seq``: the
  catalog's number (shared/catalog.py) of its last change, which each
  instance's in-memory copy fetches by.
- ``meta``: ``{_id: "catalog", seq}``, the catalog's counter.
- ``visits``: one per counted check-in, with its China hour and weekday for
  the demand report. ``last_visits``: ``_id`` (station, worker), the last
  counted one, written in the same transaction, so a double tap counts once.
- ``code_failures``: wrong check-in codes per (station, worker), kept until
  the pause ends (a TTL index removes them).

Every verb is given the time; none reads the clock. A change returns
``(station, events)``, the events stored in the outbox in the same
transaction.
"""
from datetime import timedelta

from pymongo import ASCENDING, ReturnDocument

from services.stations import exceptions, rules
from services.stations.schemas import ACTIVE, NORMAL, RETIRED, WGS84, check_theme
from shared.catalog import CatalogMixin
from shared.domain import china_time
from shared.events import new_event
from shared.ids import new_id
from shared.schemas import checked
from shared.store import BaseStore, found, one_page

SOURCE = "stations"
# What a copy of the catalog holds: everything but the check-in secret.
PUBLIC = {"secret": 0}


def pair_key(station_id, worker_id):
    return "{}:{}".format(station_id, worker_id)


def facts(station, now):
    position = station["positions"][WGS84]
    return {"station_id": station["_id"], "name": station["name"], "kind": station["kind"],
            "district": station["district"], "address": station["address"],
            "amenities": station["amenities"], "keepers": station["keepers"],
            "position": dict(position, system=WGS84), "at": now}


class StationsStore(CatalogMixin, BaseStore):
    CATALOG_COLLECTION = "stations"
    CATALOG_PROJECTION = PUBLIC

    @staticmethod
    def create_indexes(db):
        db.stations.create_index([("status", ASCENDING), ("name", ASCENDING)])
        db.visits.create_index([("at", ASCENDING)])
        db.code_failures.create_index([("until", ASCENDING)], expireAfterSeconds=0)

    # ---- the catalog (each change runs in _catalog_change) ---------------------

    def _event(self, event_type, data, now, session):
        return self.record_events([new_event(SOURCE, event_type, data, now=now)], session)

    def create(self, fields, secret, now):
        def work(session, seq):
            station = dict(fields, _id=new_id(), status=ACTIVE, reports={}, secret=secret,
                           live={"status": NORMAL, "note": None, "at": now},
                           seq=seq, created_at=now, updated_at=now)
            self.db.stations.insert_one(station, session=session)
            return station, self._event("station_opened", facts(station, now), now, session)
        return self._catalog_change(work)

    def get(self, station_id, session=None):
        return found(self.db.stations.find_one({"_id": station_id}, session=session),
                     exceptions.station_not_found)

    def update(self, station_id, changes, now):
        def work(session, seq):
            station = dict(self.get(station_id, session), **changes)
            checked(check_theme, station)
            station.update(seq=seq, updated_at=now)
            self.db.stations.replace_one({"_id": station_id}, station, session=session)
            return station, self._event("station_updated", facts(station, now), now, session)
        return self._catalog_change(work)

    def close(self, station_id, now):
        return self._set_status(station_id, ACTIVE, RETIRED, exceptions.already_closed, now)

    def reopen(self, station_id, now):
        return self._set_status(station_id, RETIRED, ACTIVE, exceptions.not_closed, now)

    def _set_status(self, station_id, before, after, refused, now):
        def work(session, seq):
            station = self.db.stations.find_one_and_update(
                {"_id": station_id, "status": before},
                {"$set": {"status": after, "seq": seq, "updated_at": now}},
                return_document=ReturnDocument.AFTER, session=session)
            if station is None:
                self.get(station_id, session)
                raise refused()
            if after == ACTIVE:
                return station, self._event("station_opened", facts(station, now), now, session)
            return station, self._event("station_closed", {
                "station_id": station_id, "name": station["name"], "at": now}, now, session)
        return self._catalog_change(work)

    def set_live_status(self, station_id, status, note, now):
        def work(session, seq):
            station = self._active(station_id, session, {
                "live": {"status": status, "note": note, "at": now}, "seq": seq})
            return station, self._event("station_status_changed", {
                "station_id": station_id, "name": station["name"], "live_status": status,
                "note": note, "at": now}, now, session)
        return self._catalog_change(work)

    def _active(self, station_id, session, changes):
        """The active station after ``$set: changes``; STATION_CLOSED if closed."""
        station = self.db.stations.find_one_and_update(
            {"_id": station_id, "status": ACTIVE}, {"$set": changes},
            return_document=ReturnDocument.AFTER, session=session)
        if station is None:
            self.get(station_id, session)
            raise exceptions.station_closed()
        return station

    def report_problem(self, station_id, problem, worker_id, now):
        """(station, report, confirmed, events): confirmed when it added to a
        report still showing; the same worker again writes nothing."""
        def work(session, seq):
            station = self.get(station_id, session)
            if station["status"] != ACTIVE:
                raise exceptions.station_closed()
            before = station["reports"].get(problem)
            report, confirmed = rules.reported(before, worker_id, now)
            if report is before:
                return station, report, confirmed, []
            station = self._active(station_id, session, {
                "reports." + problem: report, "seq": seq})
            return station, report, confirmed, self._event("station_problem_reported", {
                "station_id": station_id, "name": station["name"], "problem": problem,
                "worker_id": worker_id, "confirmations": len(report["reporters"]),
                "at": now}, now, session)
        return self._catalog_change(work)

    def clear_problem(self, station_id, problem, now):
        def work(session, seq):
            station = self.db.stations.find_one_and_update(
                {"_id": station_id, "reports." + problem: {"$exists": True}},
                {"$unset": {"reports." + problem: ""}, "$set": {"seq": seq}},
                return_document=ReturnDocument.AFTER, session=session)
            if station is None:
                self.get(station_id, session)
                raise exceptions.no_such_report()
            return station
        return self._catalog_change(work)

    def list(self, query, keeper_id=None):
        """(stations, total) by name, for staff and keepers."""
        selector = {key: query[key] for key in ("kind", "district") if key in query}
        if query["status"] != "all":
            selector["status"] = query["status"]
        if keeper_id is not None:
            selector["keepers"] = keeper_id
        cursor = self.db.stations.find(selector, PUBLIC).sort([("name", ASCENDING)])
        return (list(one_page(cursor, query["page"], query["per_page"])),
                self.db.stations.count_documents(selector))

    # ---- check-ins --------------------------------------------------------------

    def wrong_codes(self, station_id, worker_id, now):
        failures = self.db.code_failures.find_one({"_id": pair_key(station_id, worker_id)})
        return failures["count"] if failures and failures["until"] > now else 0

    def note_wrong_code(self, station_id, worker_id, now):
        """Counts a wrong code; the count starts again after the pause."""
        key = pair_key(station_id, worker_id)
        if self.db.code_failures.find_one_and_update(
                {"_id": key, "until": {"$gt": now}}, {"$inc": {"count": 1}}) is None:
            until = now + timedelta(minutes=rules.WRONG_CODE_PAUSE_MINUTES)
            self.db.code_failures.replace_one({"_id": key}, {"count": 1, "until": until},
                                              upsert=True)

    def check_in(self, station, worker_id, now):
        """(the last counted check-in's time, counted, events): a check-in
        within CHECKIN_EVERY_HOURS of the last counted one is not a visit."""
        key = pair_key(station["_id"], worker_id)

        def work(session):
            last = self.db.last_visits.find_one({"_id": key}, session=session)
            if last is not None and not rules.counts(last["at"], now):
                return last["at"], False, []
            self.db.last_visits.replace_one({"_id": key}, {"at": now}, upsert=True,
                                            session=session)
            local = china_time(now)
            self.db.visits.insert_one({
                "_id": new_id(), "station_id": station["_id"], "worker_id": worker_id,
                "at": now, "hour": local.hour, "weekday": local.isoweekday()}, session=session)
            return now, True, self._event("station_visited", {
                "worker_id": worker_id, "station_id": station["_id"],
                "station_name": station["name"], "visited_at": now}, now, session)
        return self.in_transaction(work)

    # ---- demand -----------------------------------------------------------------

    def visit_counts(self, since):
        """{station id: {(hour, weekday): visits}} of the visits since ``since``."""
        counts = {}
        for row in self.db.visits.aggregate([
                {"$match": {"at": {"$gte": since}}},
                {"$group": {"_id": {"station": "$station_id", "hour": "$hour",
                                    "weekday": "$weekday"}, "visits": {"$sum": 1}}}]):
            key = row["_id"]
            counts.setdefault(key["station"], {})[(key["hour"], key["weekday"])] = row["visits"]
        return counts

    def stations_where(self, selector):
        return list(self.db.stations.find(dict(selector, status=ACTIVE), PUBLIC)
                    .sort([("name", ASCENDING)]))
