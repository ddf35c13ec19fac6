"""Seats and waitlist places (a part of CoursesStore).

Each seat and each waitlist place is a document made with the class, numbered
``n`` from 0. Taking one is a single conditional write on a free document, so
a seat that does not exist cannot be taken, and a unique index on
(class_id, holder) makes a second one for the same worker impossible, with no
transaction on the hot path. The event of a booking travels in the slot's own
``pending_events`` (EmbeddedOutbox). A seat also records the worker's claim
under the per-worker cap (claims.py).

The waitlist is in the order of the places' ``n``: a tap takes the free place
with the lowest ``n``, and a freed place moves behind every other (a new,
highest ``n``), so every free place is numbered after every taken one. A tap
that took place ``n`` found every lower one taken, their writes done: the
count of those still waiting, which is its position, cannot miss one taken
at the same instant (a ticket computed before the write could: the later
ticket could land first and count before the earlier one was there).
"""
from pymongo import ASCENDING, ReturnDocument

from services.courses import exceptions
from shared.events import new_event
from shared.outbox import EmbeddedOutbox, Events

SOURCE = "courses"
SEATS, PLACES = "seats", "places"
FREE, BOOKED, OFFERED, WAITING = "free", "booked", "offered", "waiting"
# The slots of a cancelled class: never free again, so a tap that read the
# class just before it was cancelled finds nothing to take.
CLOSED = "closed"
HELD = {"$type": "string"}
PENDING = EmbeddedOutbox.FIELD
# A slot nobody holds: what freeing a seat or a place writes, whoever did it.
VACANT = {"state": FREE, "holder": None, "key": None, "since": None,
          "offer_expires_at": None, "attended_at": None, "claim": None}


def slot_docs(class_id, kind, numbers, starts_at):
    return [dict(VACANT, _id="{}:{}{}".format(class_id, kind, n), class_id=class_id, n=n,
                 starts_at=starts_at, **{PENDING: []}) for n in numbers]


def create_slot_indexes(db):
    for slots in (db[SEATS], db[PLACES]):
        slots.create_index([("class_id", ASCENDING), ("state", ASCENDING), ("n", ASCENDING)])
        # One seat (or place) per worker per class, whatever the races.
        slots.create_index([("class_id", ASCENDING), ("holder", ASCENDING)],
                           unique=True, name="one_per_worker",
                           partialFilterExpression={"holder": HELD})
        slots.create_index([("holder", ASCENDING), ("starts_at", ASCENDING)])
        slots.create_index([("class_id", ASCENDING), ("n", ASCENDING)])  # the highest
    db[SEATS].create_index([("state", ASCENDING), ("offer_expires_at", ASCENDING)])


class SlotsMixin:
    @property
    def seat_outbox(self):
        return EmbeddedOutbox(self.db.seats)

    @property
    def place_outbox(self):
        return EmbeddedOutbox(self.db.places)

    # ---- with the class (inside its transaction) ---------------------------

    def _next_n(self, collection, class_id, session):
        highest = self.db[collection].find_one(
            {"class_id": class_id}, {"n": 1}, sort=[("n", -1)], session=session)
        return highest["n"] + 1 if highest else 0

    def _add_slots(self, cls, collection, count, session):
        """``count`` more free slots, numbered after the highest there is."""
        first = self._next_n(collection, cls["_id"], session)
        kind = "s" if collection == SEATS else "w"
        docs = slot_docs(cls["_id"], kind, range(first, first + count), cls["starts_at"])
        if docs:
            self.db[collection].insert_many(docs, session=session)

    def _resize(self, cls, updated, collection, session, limit_field="seats"):
        before, after = cls[limit_field], updated[limit_field]
        if after > before:
            self._add_slots(updated, collection, after - before, session)
        elif after < before:
            free = [doc["_id"] for doc in self.db[collection].find(
                {"class_id": cls["_id"], "state": FREE}, {"_id": 1},
                sort=[("n", -1)], limit=before - after, session=session)]
            if len(free) < before - after:
                raise exceptions.seats_in_use(before - len(free))
            self.db[collection].delete_many({"_id": {"$in": free}}, session=session)

    def _move_slots(self, class_id, starts_at, session):
        """Slots and claims carry their class's start (for "upcoming" reads
        without a join)."""
        for collection in (SEATS, PLACES):
            self.db[collection].update_many(
                {"class_id": class_id}, {"$set": {"starts_at": starts_at}}, session=session)
        self._move_class_claims(class_id, starts_at, session)

    def _holders(self, class_id, session):
        """Everyone holding a seat, an offer or a place in the class, sorted."""
        return sorted(
            self.db.seats.distinct("holder", {"class_id": class_id, "holder": HELD},
                                   session=session)
            + self.db.places.distinct("holder", {"class_id": class_id, "holder": HELD},
                                      session=session))

    def _close_slots(self, class_id, session):
        for collection in (self.db.seats, self.db.places):
            collection.update_many({"class_id": class_id},
                                   {"$set": dict(VACANT, state=CLOSED)}, session=session)
        self._drop_class_claims(class_id, session)

    def _place_n_at_the_back(self, class_id, session):
        """The ``n`` a freed place takes: after every other (see the top).
        Writing the class makes concurrent frees of its places conflict, so
        they run one after the other and never take the same ``n``."""
        self.db.classes.update_one({"_id": class_id}, {"$inc": {"places_freed": 1}},
                                   session=session)
        return self._next_n(PLACES, class_id, session)

    # ---- counts ------------------------------------------------------------

    def seats_left(self, class_id):
        return self.db.seats.count_documents({"class_id": class_id, "state": FREE})

    def waitlist_length(self, class_id):
        return self.db.places.count_documents({"class_id": class_id, "state": WAITING})

    # ---- the rush ------------------------------------------------------------

    def take_seat(self, cls, worker_id, key, claim, now):
        """(seat, its seat_booked event), or (None, no events) when no seat
        is free. Raises DuplicateKeyError when the worker already holds one.
        ``claim`` is the worker's claim under the cap (claim_seat)."""
        return self._take(self.db.seats, BOOKED, "seat_booked", cls, worker_id, key, now,
                          claim=claim)

    def take_place(self, cls, worker_id, key, now):
        """(place, its waitlist_joined event), or (None, no events) when the
        waitlist is full."""
        return self._take(self.db.places, WAITING, "waitlist_joined", cls, worker_id, key, now)

    def _take(self, slots, state, event_type, cls, worker_id, key, now, **fields):
        """The one conditional write of the rush: the lowest free slot, its
        new holder and the event saying so, together."""
        event = new_event(SOURCE, event_type, {
            "class_id": cls["_id"], "worker_id": worker_id, "at": now}, now=now)
        slot = slots.find_one_and_update(
            {"class_id": cls["_id"], "state": FREE},
            {"$set": dict(fields, state=state, holder=worker_id, key=key, since=now),
             "$push": {PENDING: event}},
            sort=[("n", ASCENDING)], return_document=ReturnDocument.AFTER)
        return (slot, Events([event], EmbeddedOutbox(slots))) if slot else (None, Events())

    def give_back_place(self, place, taken, now):
        """Undo a place taken by mistake: the events of taking it (``taken``)
        are dropped unsent, and the place is freed, announced as any leaving."""
        self.db.places.update_one(
            {"_id": place["_id"]},
            {"$pull": {PENDING: {"id": {"$in": [event["id"] for event in taken]}}}})
        return self.leave_place(place, now)

    def leave_place(self, place, now):
        """Free a waitlist place its holder gives up, moved to the back,
        announcing it in the same write (a place is free again: the class is
        no longer full). No events if the place was not theirs any more."""
        event = new_event(SOURCE, "waitlist_left", {
            "class_id": place["class_id"], "worker_id": place["holder"], "at": now}, now=now)

        def write(session):
            n = self._place_n_at_the_back(place["class_id"], session)
            return self.db.places.update_one(
                {"_id": place["_id"], "holder": place["holder"]},
                {"$set": dict(VACANT, n=n), "$push": {PENDING: event}},
                session=session).modified_count == 1
        freed = self.in_transaction(write)
        return Events([event], self.place_outbox) if freed else Events()

    def mark_class_full(self, cls, now):
        """class_full once neither a seat nor a waitlist place is left, with
        who holds them, so the gateway can answer further taps without asking
        (gateway/class_facts.py); ``now`` must be read before the holders are
        (the entrypoint's clock is)."""
        free = {"class_id": cls["_id"], "state": FREE}
        # Places fill after seats, so a free place is the usual, cheapest "no".
        if self.db.places.find_one(free, {"_id": 1}) or self.db.seats.find_one(free, {"_id": 1}):
            return Events()
        held = {"class_id": cls["_id"], "holder": HELD}
        event = new_event(SOURCE, "class_full", {
            "class_id": cls["_id"], "seats": cls["seats"],
            "waitlist_limit": cls["waitlist_limit"], "at": now,
            "seat_holders": self.db.seats.distinct("holder", held),
            "waitlist_holders": self.db.places.distinct("holder", held)}, now=now)
        self.in_transaction(lambda session: self.record_events([event], session))
        return Events([event], self.outbox)

    # ---- what a worker holds -------------------------------------------------

    def holding(self, class_id, worker_id):
        """(kind, document) of what the worker holds in a class, or (None, None)."""
        seat = self.db.seats.find_one({"class_id": class_id, "holder": worker_id})
        if seat is not None:
            return "seat", seat
        place = self.db.places.find_one({"class_id": class_id, "holder": worker_id})
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
        """1 for the first in line: first come, first served (the order of
        ``n``, see the top); it moves up as those ahead leave."""
        return 1 + self.db.places.count_documents({
            "class_id": place["class_id"], "state": WAITING, "n": {"$lt": place["n"]}})

    def bookings_of(self, worker_id, now):
        seats = list(self.db.seats.find({"holder": worker_id, "starts_at": {"$gt": now}}))
        places = list(self.db.places.find({"holder": worker_id, "starts_at": {"$gt": now}}))
        return seats, places
