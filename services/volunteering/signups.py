"""Signing up for a shift, cancelling, and the waitlist moving up (a part of
VolunteeringStore).

A shift's places and its waitlist are two pools of slots (shared/slots.py,
the mechanism courses' seats and waitlist use): a sign-up is a single
conditional write on a free place, else on a free waitlist place, with its
event in the slot itself. A slot a worker holds carries their sign-up:
contact, note, and later attendance and hours (attendance.py, hours.py).

What differs from a class is the per-worker rule: a worker may not hold two
shifts that overlap in time. It is held, against two taps at once, by one
conditional write on the worker's own ``commitments`` document before the
slot: it adds the shift only if no shift there overlaps it (the same shift
overlaps itself, so a second tap for it is refused there too). A tap that
then finds no slot takes its commitment back. A process that dies between
the two leaves a commitment no slot backs; a later sign-up refused because
of it drops it once it is older than COMMITMENT_LEASE (no sign-up takes
that long) and tries again.

A place given up goes to the first in line in one transaction
(``promote``), which also runs after a waitlist place is taken (a place may
have been freed meanwhile) and after places are added.
"""
from datetime import timedelta

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from services.volunteering import exceptions
from services.volunteering.schemas import (
    CANCELLED_BY_ORGANIZER, CANCELLED_BY_WORKER, SIGNED_UP, WAITLISTED)
from shared.events import new_event
from shared.ids import new_id
from shared.outbox import Events
from shared.slots import FREE, HELD, PENDING, SlotPool

SOURCE = "volunteering"
PLACES, WAITLIST = "places", "waitlist"
COMMITMENT_LEASE = timedelta(minutes=2)
# A slot nobody holds has no sign-up on it.
SIGNUP_VACANT = {"signup_id": None, "activity_title": None, "contact": None, "note": None,
                 "attendance": None, "checked_in_at": None, "checked_out_at": None,
                 "flag": None, "hours": None, "promoted_at": None, "recorded": None}
# What a slot held carries over when its holder moves from the line to a place.
CARRIED = ("holder", "key", "signup_id", "activity_title", "contact", "note")


def create_signup_indexes(db):
    for name in (PLACES, WAITLIST):
        db[name].create_index([("holder", ASCENDING), ("starts_at", ASCENDING)])
        db[name].create_index([("activity_id", ASCENDING), ("n", ASCENDING)])
        db[name].create_index("signup_id", unique=True,
                              partialFilterExpression={"signup_id": HELD})
    db.places.create_index([("state", ASCENDING), ("attendance", ASCENDING),
                            ("ends_at", ASCENDING)])
    # Hours waiting for a decision across activities, oldest shift first
    # (hours.py, pending_hours).
    db.places.create_index([("state", ASCENDING), ("hours.state", ASCENDING),
                            ("starts_at", ASCENDING), ("_id", ASCENDING)])
    db.records.create_index([("worker_id", ASCENDING), ("starts_at", ASCENDING)])
    db.records.create_index([("activity_id", ASCENDING)])


def overlapping(starts_at, ends_at):
    return {"starts_at": {"$lt": ends_at}, "ends_at": {"$gt": starts_at}}


class SignUpsMixin:
    @property
    def places(self):
        return SlotPool(self.db.places, "shift_id", vacant=SIGNUP_VACANT,
                        serialise=self._serialise_line)

    @property
    def waitlist(self):
        return SlotPool(self.db.waitlist, "shift_id", vacant=SIGNUP_VACANT,
                        serialise=self._serialise_line)

    def _serialise_line(self, shift_id, session):
        self.db.lines.update_one({"_id": shift_id}, {"$inc": {"moves": 1}}, upsert=True,
                                 session=session)

    # ---- a shift's slots (with the activity, in its transaction) -------------------

    def add_shift_slots(self, activity, shift, session):
        fixed = self._slot_facts(activity, shift)
        self.places.add(shift["shift_id"], "p", shift["places"], session, **fixed)
        self.waitlist.add(shift["shift_id"], "w", shift["waitlist_limit"], session, **fixed)

    @staticmethod
    def _slot_facts(activity, shift):
        return {"activity_id": activity["_id"], "starts_at": shift["starts_at"],
                "ends_at": shift["ends_at"]}

    def resize_shifts(self, activity, shifts, session):
        """The slots of an edited activity: new shifts get theirs, removed ones
        lose them (refused while held), changed sizes add or remove free ones."""
        before = {shift["shift_id"]: shift for shift in activity["shifts"]}
        after = {shift["shift_id"]: shift for shift in shifts}
        for shift_id in set(before) - set(after):
            if self.places.holders(shift_id, session) or self.waitlist.holders(shift_id, session):
                raise exceptions.shift_in_use()
            for pool in (self.db.places, self.db.waitlist):
                pool.delete_many({"shift_id": shift_id}, session=session)
        for shift_id, shift in after.items():
            if shift_id not in before:
                self.add_shift_slots(activity, shift, session)
            else:
                self._resize(activity, before[shift_id], shift, session)

    def _resize(self, activity, old, new, session):
        shift_id = new["shift_id"]
        if (old["starts_at"], old["ends_at"]) != (new["starts_at"], new["ends_at"]):
            if self.places.holders(shift_id, session) or self.waitlist.holders(shift_id, session):
                raise exceptions.shift_times_locked()
            for pool in (self.places, self.waitlist):
                pool.set_all(shift_id, {"starts_at": new["starts_at"],
                                        "ends_at": new["ends_at"]}, session)
        fixed = self._slot_facts(activity, new)
        for pool, prefix, field in ((self.places, "p", "places"),
                                    (self.waitlist, "w", "waitlist_limit")):
            change = new[field] - old[field]
            if change > 0:
                pool.add(shift_id, prefix, change, session, **fixed)
            elif change < 0 and pool.remove_free(shift_id, -change, session) < -change:
                raise exceptions.places_in_use(len(pool.holders(shift_id, session)))

    def close_shift_slots(self, shift_id, now, session):
        """The activity is cancelled: every sign-up of the shift ends, recorded."""
        for pool in (self.places, self.waitlist):
            for slot in pool.collection.find({"shift_id": shift_id, "holder": HELD},
                                             session=session):
                self._record_end(slot, CANCELLED_BY_ORGANIZER, False, now, session)
            pool.close(shift_id, session)

    # ---- what a worker holds ------------------------------------------------------

    def held(self, worker_id, shift_id=None, key=None, activity_id=None):
        """[(pool name, slot)] the worker holds in the shift or the activity,
        or took with ``key``."""
        mine = ([{"shift_id": shift_id}] if shift_id else []) + ([{"key": key}] if key else []) \
            + ([{"activity_id": activity_id}] if activity_id else [])
        if not mine:
            return []
        query = {"holder": worker_id, "$or": mine}
        return ([(PLACES, slot) for slot in self.db.places.find(query)]
                + [(WAITLIST, slot) for slot in self.db.waitlist.find(query)])

    def signup(self, activity_id, signup_id):
        """(pool name, slot) of a sign-up held in the activity."""
        for name in (PLACES, WAITLIST):
            slot = self.db[name].find_one({"signup_id": signup_id, "activity_id": activity_id})
            if slot is not None:
                return name, slot
        raise exceptions.signup_not_found()

    def position(self, slot):
        return self.waitlist.position(slot, WAITLISTED)

    def shift_counts(self, shift_id):
        return {"places_left": self.places.count(shift_id, FREE),
                "waiting": self.waitlist.count(shift_id, WAITLISTED)}

    # ---- signing up -----------------------------------------------------------------

    def sign_up(self, activity, shift, worker_id, key, contact, note, now):
        """(pool name, slot, events): a place, else a place in line.
        Raises OVERLAPPING_SHIFT, ALREADY_SIGNED_UP or SHIFT_FULL."""
        self.commit_to(worker_id, shift, now)
        taken = None
        try:
            taken = self._take(activity, shift, worker_id, key, contact, note, now)
        finally:
            if taken is None:
                self.uncommit(worker_id, shift["shift_id"])
        return taken

    def _take(self, activity, shift, worker_id, key, contact, note, now):
        fields = {"holder": worker_id, "key": key, "since": now, "signup_id": new_id(),
                  "activity_title": activity["title"], "contact": contact, "note": note}
        for name, pool, state in ((PLACES, self.places, SIGNED_UP),
                                  (WAITLIST, self.waitlist, WAITLISTED)):
            event = new_event(SOURCE, "volunteer_signed_up", {
                "signup_id": fields["signup_id"], "activity_id": activity["_id"],
                "shift_id": shift["shift_id"], "worker_id": worker_id, "status": state,
                "at": now}, now=now)
            try:
                slot = pool.take(shift["shift_id"], dict(fields, state=state), event)
            except DuplicateKeyError:  # only from a commitment left by a dead process
                raise exceptions.already_signed_up()
            if slot is not None:
                return name, slot, Events([event], pool.outbox)
        raise exceptions.shift_full()

    def commit_to(self, worker_id, shift, now):
        entry = {"shift_id": shift["shift_id"], "starts_at": shift["starts_at"],
                 "ends_at": shift["ends_at"], "at": now}
        for attempt in (1, 2):
            try:
                self.db.commitments.update_one(
                    {"_id": worker_id, "shifts": {"$not": {"$elemMatch": overlapping(
                        shift["starts_at"], shift["ends_at"])}}},
                    {"$push": {"shifts": entry}}, upsert=True)
                return
            except DuplicateKeyError:  # the document exists and holds an overlap
                clash = self._clashes(worker_id, shift)
                if attempt == 2 or not self._drop_stale(worker_id, clash, now):
                    if any(held["shift_id"] == shift["shift_id"] for held in clash):
                        raise exceptions.already_signed_up()
                    raise exceptions.overlapping_shift()

    def _clashes(self, worker_id, shift):
        doc = self.db.commitments.find_one({"_id": worker_id}) or {"shifts": []}
        return [held for held in doc["shifts"]
                if held["starts_at"] < shift["ends_at"] and held["ends_at"] > shift["starts_at"]]

    def _drop_stale(self, worker_id, clash, now):
        """Drop commitments no slot backs, older than the lease: True if any."""
        stale = [held["shift_id"] for held in clash if held["at"] < now - COMMITMENT_LEASE
                 and not self.held(worker_id, shift_id=held["shift_id"])]
        for shift_id in stale:
            self.uncommit(worker_id, shift_id)
        return bool(stale)

    def uncommit(self, worker_id, shift_id, session=None):
        self.db.commitments.update_one({"_id": worker_id},
                                       {"$pull": {"shifts": {"shift_id": shift_id}}},
                                       session=session)

    # ---- cancelling and moving up ---------------------------------------------------

    def cancel(self, name, slot, late, now):
        """The worker gives up their place or their place in line: the slot
        is freed (a place in line moves to the back), the sign-up recorded,
        the commitment dropped, and volunteer_cancelled written, together."""
        pool = self.places if name == PLACES else self.waitlist

        def write(session):
            freed = (pool.vacate(slot, session) if name == PLACES
                     else pool.free_to_back(slot, None, session))
            if not freed:
                raise exceptions.signup_not_found()
            return self._record_end(slot, CANCELLED_BY_WORKER, late, now, session)
        return self.in_transaction(write)

    def _record_end(self, slot, status, late, now, session):
        self.db.records.insert_one({
            "_id": slot["signup_id"], "worker_id": slot["holder"],
            "activity_id": slot["activity_id"], "activity_title": slot["activity_title"],
            "shift_id": slot["shift_id"], "starts_at": slot["starts_at"],
            "ends_at": slot["ends_at"], "contact": slot["contact"], "note": slot["note"],
            "was": slot["state"], "status": status, "late": late, "since": slot["since"],
            "ended_at": now}, session=session)
        self.uncommit(slot["holder"], slot["shift_id"], session)
        event = new_event(SOURCE, "volunteer_cancelled", {
            "signup_id": slot["signup_id"], "activity_id": slot["activity_id"],
            "shift_id": slot["shift_id"], "worker_id": slot["holder"], "was": slot["state"],
            "by_organizer": status == CANCELLED_BY_ORGANIZER, "late": late, "at": now},
            now=now)
        return self.record_events([event], session)

    def promote(self, shift_id, now):
        """Every free place of the shift to the first in line, in order: the
        events (volunteer_promoted), kept in the places they filled."""
        def write(session):
            events = []
            while self.places.has_free(shift_id, session):
                first = self.waitlist.pop_first(shift_id, WAITLISTED, session)
                if first is None:
                    break
                events.append(self._fill(first, now, session))
            return events
        return Events(self.in_transaction(write), self.places.outbox)

    def _fill(self, first, now, session):
        event = new_event(SOURCE, "volunteer_promoted", {
            "signup_id": first["signup_id"], "activity_id": first["activity_id"],
            "shift_id": first["shift_id"], "worker_id": first["holder"], "at": now}, now=now)
        fields = {key: first[key] for key in CARRIED}
        self.places.collection.find_one_and_update(
            {"shift_id": first["shift_id"], "state": FREE},
            {"$set": dict(fields, state=SIGNED_UP, since=now, promoted_at=now),
             "$push": {PENDING: event}}, sort=[("n", ASCENDING)], session=session)
        return event

    # ---- records ----------------------------------------------------------------------

    def records_of(self, activity_id):
        return list(self.db.records.find({"activity_id": activity_id}))

    def worker_slots(self, worker_id):
        return ([(PLACES, slot) for slot in self.db.places.find({"holder": worker_id})]
                + [(WAITLIST, slot) for slot in self.db.waitlist.find({"holder": worker_id})])

    def worker_records(self, worker_id):
        return list(self.db.records.find({"worker_id": worker_id}))

    def activity_slots(self, activity_id):
        query = {"activity_id": activity_id, "holder": HELD}
        return ([(PLACES, slot) for slot in self.db.places.find(query, sort=[("n", 1)])]
                + [(WAITLIST, slot) for slot in self.db.waitlist.find(query, sort=[("n", 1)])])
