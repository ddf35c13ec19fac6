"""Seats and waitlist places (a part of CoursesStore).

A class has two pools of slots (shared/slots.py, which says why a tap is one
conditional write and why the order of ``n`` gives true positions): its
seats, in ``seats``, and its waitlist places, in ``places``, both keyed by
``class_id`` and made with the class. A tap takes a seat, or a place in
line when no seat is free. A seat also records the worker's claim under the
per-worker cap (claims.py) and may be an offer to the first in line
(offers.py); places are the line, so a freed place moves to the back,
serialised by a write to the class. Once neither is free, class_full tells
the gateway who holds them.
"""
from functools import cached_property

from pymongo import ASCENDING

from services.courses import exceptions
from shared.events import new_event
from shared.outbox import Events
from shared.slots import FREE, SlotPool

SOURCE = "courses"
SEATS, PLACES = "seats", "places"
BOOKED, OFFERED, WAITING = "booked", "offered", "waiting"
# What a seat or place freed resets besides its holder, whoever freed it.
VACANT = {"offer_expires_at": None, "attended_at": None, "claim": None}
# The first letter of a slot's _id after the class's: "<class_id>:s0", ":w0".
PREFIX = {SEATS: "s", PLACES: "w"}


def seat_pool_in(db):
    return SlotPool(db[SEATS], "class_id", vacant=VACANT)


def place_pool_in(db):
    def serialise(class_id, session):
        # Writing the class makes concurrent frees of its places conflict, so
        # they run one after the other and never take the same ``n``.
        db.classes.update_one({"_id": class_id}, {"$inc": {"places_freed": 1}},
                              session=session)
    return SlotPool(db[PLACES], "class_id", vacant=VACANT, serialise=serialise)


def create_slot_indexes(db):
    for pool in (seat_pool_in(db), place_pool_in(db)):
        pool.create_indexes()
        # A worker's upcoming seats and places, without a join.
        pool.collection.create_index([("holder", ASCENDING), ("starts_at", ASCENDING)])
    db[SEATS].create_index([("state", ASCENDING), ("offer_expires_at", ASCENDING)])


class SlotsMixin:
    @cached_property
    def seat_pool(self):
        return seat_pool_in(self.db)

    @cached_property
    def place_pool(self):
        return place_pool_in(self.db)

    def _pool_of(self, collection):
        return self.seat_pool if collection == SEATS else self.place_pool

    # ---- with the class (inside its transaction) ---------------------------

    def _add_slots(self, cls, collection, count, session):
        """``count`` more free slots, numbered after the highest there is."""
        self._pool_of(collection).add(cls["_id"], PREFIX[collection], count, session,
                                      starts_at=cls["starts_at"])

    def _resize(self, cls, updated, collection, session, limit_field="seats"):
        before, after = cls[limit_field], updated[limit_field]
        if after > before:
            self._add_slots(updated, collection, after - before, session)
        elif after < before:
            free = self._pool_of(collection).remove_free(cls["_id"], before - after, session)
            if free < before - after:
                raise exceptions.seats_in_use(before - free)

    def _move_slots(self, class_id, starts_at, session):
        """Slots and claims carry their class's start (for "upcoming" reads
        without a join)."""
        for pool in (self.seat_pool, self.place_pool):
            pool.set_all(class_id, {"starts_at": starts_at}, session)
        self._move_class_claims(class_id, starts_at, session)

    def _holders(self, class_id, session):
        """Everyone holding a seat, an offer or a place in the class, sorted."""
        return sorted(self.seat_pool.holders(class_id, session)
                      + self.place_pool.holders(class_id, session))

    def _close_slots(self, class_id, session):
        for pool in (self.seat_pool, self.place_pool):
            pool.close(class_id, session)
        self._drop_class_claims(class_id, session)

    # ---- counts ------------------------------------------------------------

    def seats_left(self, class_id):
        return self.seat_pool.count(class_id, FREE)

    def waitlist_length(self, class_id):
        return self.place_pool.count(class_id, WAITING)

    # ---- the rush ------------------------------------------------------------

    def take_seat(self, cls, worker_id, key, claim, now):
        """(seat, its seat_booked event), or (None, no events) when no seat
        is free. Raises DuplicateKeyError when the worker already holds one.
        ``claim`` is the worker's claim under the cap (claim_seat)."""
        return self._take(self.seat_pool, BOOKED, "seat_booked", cls, worker_id, key, now,
                          claim=claim)

    def take_place(self, cls, worker_id, key, now):
        """(place, its waitlist_joined event), or (None, no events) when the
        waitlist is full."""
        return self._take(self.place_pool, WAITING, "waitlist_joined", cls, worker_id, key, now)

    def _take(self, pool, state, event_type, cls, worker_id, key, now, **fields):
        """The lowest free slot, its new holder and the event saying so, in
        one write."""
        event = new_event(SOURCE, event_type, {
            "class_id": cls["_id"], "worker_id": worker_id, "at": now}, now=now)
        slot = pool.take(cls["_id"], dict(fields, state=state, holder=worker_id, key=key,
                                          since=now), event)
        return (slot, Events([event], pool.outbox)) if slot else (None, Events())

    def give_back_place(self, place, taken, now):
        """Undo a place taken by mistake: the events of taking it (``taken``)
        are dropped unsent, and the place is freed, announced as any leaving."""
        self.place_pool.drop_pending(place, taken)
        return self.leave_place(place, now)

    def leave_place(self, place, now):
        """Free a waitlist place its holder gives up, moved to the back,
        announcing it in the same write (a place is free again: the class is
        no longer full). No events if the place was not theirs any more."""
        event = new_event(SOURCE, "waitlist_left", {
            "class_id": place["class_id"], "worker_id": place["holder"], "at": now}, now=now)
        freed = self.in_transaction(
            lambda session: self.place_pool.free_to_back(place, event, session))
        return Events([event], self.place_pool.outbox) if freed else Events()

    def mark_class_full(self, cls, now):
        """class_full once neither a seat nor a waitlist place is left, with
        who holds them, so the gateway can answer further taps without asking
        (gateway/class_facts.py); ``now`` must be read before the holders are
        (the entrypoint's clock is)."""
        # Places fill after seats, so a free place is the usual, cheapest "no".
        if self.place_pool.has_free(cls["_id"]) or self.seat_pool.has_free(cls["_id"]):
            return Events()
        event = new_event(SOURCE, "class_full", {
            "class_id": cls["_id"], "seats": cls["seats"],
            "waitlist_limit": cls["waitlist_limit"], "at": now,
            "seat_holders": self.seat_pool.holders(cls["_id"]),
            "waitlist_holders": self.place_pool.holders(cls["_id"])}, now=now)
        self.in_transaction(lambda session: self.record_events([event], session))
        return Events([event], self.outbox)

    # ---- what a worker holds -------------------------------------------------

    def seat_of(self, class_id, worker_id):
        """The worker's seat (or offer) in a class, or None."""
        return self.seat_pool.held_by(class_id, worker_id)

    def holding(self, class_id, worker_id):
        """(kind, document) of what the worker holds in a class, or (None, None)."""
        seat = self.seat_of(class_id, worker_id)
        if seat is not None:
            return "seat", seat
        place = self.place_pool.held_by(class_id, worker_id)
        return ("place", place) if place is not None else (None, None)

    def holdings(self, class_id, worker_id, key, now):
        """[(kind, document)] of what the worker holds in this class, what
        they took with this key in any class, and every upcoming seat they
        hold (for the per-worker cap): the reads a booking needs, in two
        queries on the worker's own few slots."""
        mine = [{"class_id": class_id}] + ([{"key": key}] if key else [])
        seats = self.db.seats.find(
            {"holder": worker_id, "$or": mine + [{"starts_at": {"$gt": now}}]})
        places = self.db.places.find({"holder": worker_id, "$or": mine}, limit=2)
        return [("seat", held) for held in seats] + [("place", held) for held in places]

    def position(self, place):
        """1 for the first in line: first come, first served."""
        return self.place_pool.position(place, WAITING)

    def bookings_of(self, worker_id, now):
        seats = list(self.db.seats.find({"holder": worker_id, "starts_at": {"$gt": now}}))
        places = list(self.db.places.find({"holder": worker_id, "starts_at": {"$gt": now}}))
        return seats, places
