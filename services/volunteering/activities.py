"""Activities and their shifts (a part of VolunteeringStore), and the local
copy of the stations they happen at, kept from stations' events.

An activity document holds its shifts; each shift's places and waitlist
places are slot documents (signups.py) made with it, in one transaction with
the activity and its event.
"""
from pymongo import ASCENDING, DESCENDING

from services.volunteering import exceptions
from services.volunteering.schemas import CANCELLED, PUBLISHED, SIGNED_UP, WAITLISTED
from shared.events import new_event
from shared.ids import new_id
from shared.store import found, one_page
from shared.worker_facts import remember_worker

SOURCE = "volunteering"


def create_activity_indexes(db):
    db.activities.create_index([("status", ASCENDING), ("last_ends_at", ASCENDING)])
    db.activities.create_index([("organizer_id", ASCENDING), ("first_starts_at", DESCENDING)])
    db.activities.create_index([("venue.district", ASCENDING), ("first_starts_at", ASCENDING)])
    db.activities.create_index([("station_id", ASCENDING), ("first_starts_at", ASCENDING)])


def shift_facts(shift):
    return {key: shift[key] for key in ("shift_id", "starts_at", "ends_at", "places")}


def spans(shifts):
    """The first start and last end: what lists sort and filter on."""
    return {"first_starts_at": min(shift["starts_at"] for shift in shifts),
            "last_ends_at": max(shift["ends_at"] for shift in shifts)}


class ActivitiesMixin:
    # ---- stations, from their events -------------------------------------------

    def remember_station(self, data, active, session):
        self.db.stations.update_one({"_id": data["station_id"]}, {"$set": dict(
            {key: data[key] for key in ("name", "district", "address", "keepers")},
            position=data["position"], active=active)}, upsert=True, session=session)

    def forget_station(self, station_id, session):
        self.db.stations.update_one({"_id": station_id}, {"$set": {"active": False}},
                                    session=session)

    def get_station(self, station_id):
        station = self.db.stations.find_one({"_id": station_id, "active": True})
        return found(station, exceptions.station_not_found)

    # ---- workers, from identity's events (shared/worker_facts.py) ----------------

    def remember_worker(self, data, at, session):
        remember_worker(self.db.workers, data, at, session)

    def get_worker(self, worker_id):
        return found(self.db.workers.find_one({"_id": worker_id}), exceptions.worker_not_found)

    # ---- activities -----------------------------------------------------------

    def get_activity(self, activity_id):
        return found(self.db.activities.find_one({"_id": activity_id}),
                     exceptions.activity_not_found)

    def publish(self, fields, organizer_id, secret, now):
        """(activity, events): the activity, its shifts' slots and
        activity_published, in one transaction."""
        shifts = [dict(shift, shift_id=new_id()) for shift in fields.pop("shifts")]
        for shift in shifts:
            shift["waitlist_limit"] = self.waitlist_limit(shift)
        activity = dict(fields, _id=new_id(), shifts=shifts, status=PUBLISHED,
                        cancel_reason=None, organizer_id=organizer_id, code_secret=secret,
                        created_at=now, updated_at=now, **spans(shifts))
        event = new_event(SOURCE, "activity_published", {
            "activity_id": activity["_id"], "title": activity["title"],
            "station_id": activity["station_id"], "district": activity["venue"]["district"],
            "shifts": [shift_facts(shift) for shift in shifts],
            "organizer_id": organizer_id, "at": now}, now=now)

        def write(session):
            self.db.activities.insert_one(activity, session=session)
            for shift in shifts:
                self.add_shift_slots(activity, shift, session)
            return self.record_events([event], session)
        return activity, self.in_transaction(write)

    @staticmethod
    def waitlist_limit(shift):
        limit = shift.get("waitlist_limit")
        return shift["places"] if limit is None else limit

    def update_activity(self, activity, changes, shifts, now):
        """(activity, events). ``shifts``: the merged list (rules.merge_shifts)
        or None; the slots follow the places and the shifts kept."""
        told = self.holders_of(activity["_id"])
        updated = dict(activity, **changes, updated_at=now)
        if shifts is not None:
            updated.update(shifts=shifts, **spans(shifts))
        event = new_event(SOURCE, "activity_updated", {
            "activity_id": activity["_id"], "title": updated["title"],
            "changed": sorted(set(changes) | ({"shifts"} if shifts is not None else set())),
            "worker_ids": told, "at": now}, now=now)

        def write(session):
            current = self.db.activities.find_one_and_update(
                {"_id": activity["_id"], "updated_at": activity["updated_at"],
                 "status": PUBLISHED},
                {"$set": {key: value for key, value in updated.items() if key != "_id"}},
                session=session)
            if current is None:  # edited or cancelled meanwhile: the client rereads
                raise self.busy()
            if shifts is not None:
                self.resize_shifts(activity, shifts, session)
            return self.record_events([event], session)
        return updated, self.in_transaction(write)

    def cancel_activity(self, activity, reason, now):
        """Every sign-up ends (recorded as cancelled by the organizer), every
        slot closes, and those signed up are told, in one transaction."""
        told = self.holders_of(activity["_id"])
        event = new_event(SOURCE, "activity_cancelled", {
            "activity_id": activity["_id"], "title": activity["title"], "reason": reason,
            "worker_ids": told, "at": now}, now=now)

        def write(session):
            done = self.db.activities.update_one(
                {"_id": activity["_id"], "status": PUBLISHED},
                {"$set": {"status": CANCELLED, "cancel_reason": reason, "updated_at": now}},
                session=session)
            if done.modified_count == 0:
                raise exceptions.activity_cancelled()
            for shift in activity["shifts"]:
                self.close_shift_slots(shift["shift_id"], now, session)
            return self.record_events([event], session)
        events = self.in_transaction(write)
        return dict(activity, status=CANCELLED, cancel_reason=reason, updated_at=now), events

    def list_activities(self, params, organizer_id, now):
        query = {} if organizer_id else {"status": PUBLISHED}
        if organizer_id:
            query["organizer_id"] = organizer_id
        if not params["include_past"]:
            query["last_ends_at"] = {"$gt": now}
        if "district" in params:
            query["venue.district"] = params["district"]
        if "station_id" in params:
            query["station_id"] = params["station_id"]
        cursor = self.db.activities.find(query, sort=[("first_starts_at", ASCENDING),
                                                      ("_id", ASCENDING)])
        items = list(one_page(cursor, params["page"], params["per_page"]))
        return items, self.db.activities.count_documents(query)

    def activities_by_id(self, activity_ids):
        return {activity["_id"]: activity for activity in
                self.db.activities.find({"_id": {"$in": list(set(activity_ids))}})}

    def holders_of(self, activity_id):
        """Every worker signed up or waiting in the activity, sorted."""
        held = {"activity_id": activity_id, "state": {"$in": [SIGNED_UP, WAITLISTED]}}
        return sorted(set(self.db.places.distinct("holder", held))
                      | set(self.db.waitlist.distinct("holder", held)))
