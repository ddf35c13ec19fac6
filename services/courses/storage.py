"""courses' data: classes, their seats and waitlist places, and a local copy
of who is a union member.

Seats and waitlist places are documents created with the class, one per seat
or place. Taking one is a single conditional write on a free document, so a
seat that does not exist cannot be taken, and a unique index on
(class_id, holder) makes a second one for the same worker impossible, with no
transaction on the hot path. The event of a booking travels in the seat
document's own ``pending_events`` (EmbeddedOutbox); rarer changes (a seat
passed on to the waitlist, a class published) use transactions and the outbox.
"""
import secrets
import time
import uuid
from datetime import timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.courses import exceptions
from services.courses.schemas import check_times
from shared.clock import utcnow
from shared.events import new_event
from shared.outbox import EmbeddedOutbox
from shared.schemas import checked
from shared.store import BaseStore, one_page

SOURCE = "courses"
FREE, BOOKED, OFFERED, WAITING = "free", "booked", "offered", "waiting"
# The slots of a cancelled class: never free again, so a tap that read the
# class just before it was cancelled finds nothing to take.
CLOSED = "closed"
HELD = {"$type": "string"}
PENDING = EmbeddedOutbox.FIELD
# A slot nobody holds: what freeing a seat or a place writes, whoever did it.
VACANT = {"state": FREE, "holder": None, "key": None, "since": None,
          "offer_expires_at": None, "attended_at": None}


def class_facts(cls):
    return {"class_id": cls["_id"], "title": cls["title"], "category": cls["category"],
            "starts_at": cls["starts_at"], "ends_at": cls["ends_at"]}


def ticket():
    """Order of arrival in the waitlist, to the nanosecond: stored times are
    cut to the millisecond, and many workers join within one in a rush."""
    return time.time_ns()


def booking_facts(cls):
    """What a booking client (the gateway's cache) needs to know of a class."""
    return dict(class_facts(cls), seats=cls["seats"], waitlist_limit=cls["waitlist_limit"],
                members_only=cls["members_only"], booking_opens_at=cls["booking_opens_at"],
                booking_closes_at=cls["booking_closes_at"])


def slot_docs(class_id, kind, numbers, starts_at):
    return [dict(VACANT, _id="{}:{}{}".format(class_id, kind, n), class_id=class_id, n=n,
                 starts_at=starts_at, **{PENDING: []}) for n in numbers]


class CoursesStore(BaseStore):
    EMBEDDED_OUTBOXES = ("seats", "places")

    @staticmethod
    def create_indexes(db):
        db.classes.create_index([("status", ASCENDING), ("starts_at", ASCENDING)])
        db.classes.create_index([("category", ASCENDING), ("starts_at", ASCENDING)])
        for slots in (db.seats, db.places):
            slots.create_index([("class_id", ASCENDING), ("state", ASCENDING), ("n", ASCENDING)])
            # One seat (or place) per worker per class, whatever the races.
            slots.create_index([("class_id", ASCENDING), ("holder", ASCENDING)],
                               unique=True, name="one_per_worker",
                               partialFilterExpression={"holder": HELD})
            slots.create_index([("holder", ASCENDING), ("starts_at", ASCENDING)])
        db.seats.create_index([("state", ASCENDING), ("offer_expires_at", ASCENDING)])
        db.places.create_index([("class_id", ASCENDING), ("state", ASCENDING),
                                ("ticket", ASCENDING)])

    # ---- classes ---------------------------------------------------------

    def create_class(self, fields, staff_id):
        now = utcnow()
        fields.setdefault("booking_closes_at", fields["starts_at"])
        fields.setdefault("waitlist_limit", fields["seats"])
        cls = dict(fields, _id=uuid.uuid4().hex, status="draft", created_by=staff_id,
                   created_at=now, updated_at=now, published_at=None)
        cls.setdefault("cover_url", None)

        def write(session):
            self.db.classes.insert_one(cls, session=session)
            self._add_slots(cls, "seats", cls["seats"], session)
            self._add_slots(cls, "places", cls["waitlist_limit"], session)
        self.in_transaction(write)
        return cls

    def _add_slots(self, cls, collection, count, session):
        """``count`` more free slots, numbered after the highest there is."""
        highest = self.db[collection].find_one(
            {"class_id": cls["_id"]}, {"n": 1}, sort=[("n", -1)], session=session)
        first = highest["n"] + 1 if highest else 0
        kind = "s" if collection == "seats" else "w"
        docs = slot_docs(cls["_id"], kind, range(first, first + count), cls["starts_at"])
        if docs:
            self.db[collection].insert_many(docs, session=session)

    def get_class(self, class_id):
        cls = self.db.classes.find_one({"_id": class_id})
        if cls is None:
            raise exceptions.class_not_found()
        return cls

    def update_class(self, class_id, changes, now=None):
        """Apply staff's edits. Seats and places follow the new counts; seats
        added to a class with a waitlist are offered to it at once."""
        now = now or utcnow()
        cls = self.get_class(class_id)
        if cls["status"] == "cancelled":
            raise exceptions.class_cancelled()
        if cls["starts_at"] <= now:
            raise exceptions.class_started()
        updated = dict(cls, **changes)
        checked(check_times, updated)

        events = []
        if cls["status"] == "published":
            events.append(new_event(SOURCE, "class_updated",
                                    dict(booking_facts(updated), at=now)))

        def write(session):
            self._resize(cls, updated, "seats", session)
            self._resize(cls, updated, "places", session, limit_field="waitlist_limit")
            if updated["starts_at"] != cls["starts_at"]:
                for collection in ("seats", "places"):
                    self.db[collection].update_many(
                        {"class_id": class_id}, {"$set": {"starts_at": updated["starts_at"]}},
                        session=session)
            self.record_events(events, session)
            return self.db.classes.find_one_and_update(
                {"_id": class_id}, {"$set": dict(changes, updated_at=now)},
                return_document=ReturnDocument.AFTER, session=session)
        updated = self.in_transaction(write)
        if updated["status"] == "published":
            events += self.offer_free_seats(updated, now)
        return updated, events

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

    def publish_class(self, class_id):
        cls = self.get_class(class_id)
        if cls["status"] != "draft":
            raise exceptions.already_published()
        now = utcnow()
        event = new_event(SOURCE, "class_published", booking_facts(cls))

        def write(session):
            published = self.db.classes.find_one_and_update(
                {"_id": class_id, "status": "draft"},
                {"$set": {"status": "published", "published_at": now, "updated_at": now}},
                return_document=ReturnDocument.AFTER, session=session)
            if published is None:
                raise exceptions.already_published()
            self.record_events([event], session)
            return published
        return self.in_transaction(write), [event]

    def list_classes(self, query, now=None):
        now = now or utcnow()
        criteria = {"status": "published"}
        if query.get("category"):
            criteria["category"] = query["category"]
        if query["upcoming"]:
            criteria["starts_at"] = {"$gt": now}
        if query["has_seats"]:
            open_classes = self.db.seats.distinct("class_id", {"state": FREE})
            criteria["_id"] = {"$in": open_classes}
        cursor = self.db.classes.find(criteria).sort([("starts_at", ASCENDING),
                                                      ("_id", ASCENDING)])
        page = one_page(cursor, query["page"], query["per_page"])
        return list(page), self.db.classes.count_documents(criteria)

    def seats_left(self, class_id):
        return self.db.seats.count_documents({"class_id": class_id, "state": FREE})

    def waitlist_length(self, class_id):
        return self.db.places.count_documents({"class_id": class_id, "state": WAITING})

    # ---- members (a local copy of identity's facts) ----------------------

    def remember_worker(self, worker_id, session, member=None):
        update = {"$setOnInsert": {"member": False}}
        if member is not None:
            update = {"$set": {"member": member}}
        self.db.members.update_one({"_id": worker_id}, update, upsert=True, session=session)

    def is_member(self, worker_id):
        doc = self.db.members.find_one({"_id": worker_id})
        return bool(doc and doc["member"])

    # ---- booking ---------------------------------------------------------

    @property
    def seat_outbox(self):
        return EmbeddedOutbox(self.db.seats)

    @property
    def place_outbox(self):
        return EmbeddedOutbox(self.db.places)

    def take_seat(self, cls, worker_id, key, now):
        """(seat, its seat_booked event), or (None, None) when no seat is
        free. Raises DuplicateKeyError when the worker already holds one."""
        return self._take(self.db.seats, BOOKED, "seat_booked", cls, worker_id, key, now)

    def take_place(self, cls, worker_id, key, now):
        """(place, its waitlist_joined event), or (None, None) when the
        waitlist is full."""
        return self._take(self.db.places, WAITING, "waitlist_joined", cls, worker_id, key, now)

    def _take(self, slots, state, event_type, cls, worker_id, key, now):
        """The one conditional write of the rush: the lowest free slot, its
        new holder and the event saying so, together."""
        event = new_event(SOURCE, event_type, {
            "class_id": cls["_id"], "worker_id": worker_id, "at": now})
        slot = slots.find_one_and_update(
            {"class_id": cls["_id"], "state": FREE},
            {"$set": {"state": state, "holder": worker_id, "key": key, "since": now,
                      "ticket": ticket()},
             "$push": {PENDING: event}},
            sort=[("n", ASCENDING)], return_document=ReturnDocument.AFTER)
        return (slot, event) if slot else (None, None)

    def give_back_place(self, place, event):
        """Undo a place taken by mistake, with the event announcing it."""
        self.db.places.update_one({"_id": place["_id"]},
                                  {"$pull": {PENDING: {"id": event["id"]}}})
        return self.leave_place(place, utcnow())

    def leave_place(self, place, now):
        """Free a waitlist place its holder gives up, announcing it in the
        same write (a place is free again: the class is no longer full).
        Returns the events, none if the place was not theirs any more."""
        event = new_event(SOURCE, "waitlist_left", {
            "class_id": place["class_id"], "worker_id": place["holder"], "at": now})
        freed = self.db.places.update_one(
            {"_id": place["_id"], "holder": place["holder"]},
            {"$set": VACANT, "$push": {PENDING: event}}).modified_count == 1
        return [event] if freed else []

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
        """1 for the first in line: first come, first served."""
        ahead = self.db.places.count_documents({
            "class_id": place["class_id"], "state": WAITING,
            "$or": [{"ticket": {"$lt": place["ticket"]}},
                    {"ticket": place["ticket"], "_id": {"$lt": place["_id"]}}]})
        return ahead + 1

    def mark_class_full(self, cls, now):
        """class_full once neither a seat nor a waitlist place is left, with
        who holds them, so the gateway can answer further taps without asking
        (gateway/class_facts.py); ``now`` is read before the holders are."""
        free = {"class_id": cls["_id"], "state": FREE}
        # Places fill after seats, so a free place is the usual, cheapest "no".
        if self.db.places.find_one(free, {"_id": 1}) or self.db.seats.find_one(free, {"_id": 1}):
            return []
        held = {"class_id": cls["_id"], "holder": HELD}
        event = new_event(SOURCE, "class_full", {
            "class_id": cls["_id"], "seats": cls["seats"],
            "waitlist_limit": cls["waitlist_limit"], "at": now,
            "seat_holders": self.db.seats.distinct("holder", held),
            "waitlist_holders": self.db.places.distinct("holder", held)})
        self.in_transaction(lambda session: self.record_events([event], session))
        return [event]

    # ---- leaving, offers -------------------------------------------------

    def leave(self, class_id, worker_id, now):
        """The worker gives up their seat (passed on to the waitlist) or their
        place in line. Returns (events, the embedded outbox holding them or
        None for the outbox collection)."""
        self.get_class(class_id)
        kind, held = self.holding(class_id, worker_id)
        if kind is None:
            raise exceptions.no_booking()
        if held["starts_at"] <= now:
            raise exceptions.class_started()
        if kind == "place":
            events = self.leave_place(held, now)
            if not events:
                raise exceptions.no_booking()
            return events, self.place_outbox
        return self.in_transaction(
            lambda session: self._pass_on(held, "cancelled_by_worker", now, session)), None

    def _free(self, collection, slot_id, holder, session):
        """True if ``holder`` still held the slot and now does not."""
        return collection.update_one(
            {"_id": slot_id, "holder": holder},
            {"$set": VACANT}, session=session).modified_count == 1

    def _pass_on(self, seat, reason, now, session):
        """Free a held seat: offer it to the first in line, or leave it free."""
        if not self._free(self.db.seats, seat["_id"], seat["holder"], session):
            return []  # released already by a concurrent request
        cls = self.db.classes.find_one({"_id": seat["class_id"]}, session=session)
        events = [new_event(SOURCE, "seat_released", {
            "class_id": seat["class_id"], "worker_id": seat["holder"], "at": now,
            "reason": reason})]
        events += self._offer(cls, seat["_id"], now, session)
        return self.record_events(events, session)

    def _offer(self, cls, seat_id, now, session):
        first = self.db.places.find_one_and_update(
            {"class_id": cls["_id"], "state": WAITING},
            {"$set": VACANT},
            sort=[("ticket", ASCENDING), ("_id", ASCENDING)], session=session)
        if first is None:
            return []
        expires = now + timedelta(minutes=cls["offer_minutes"])
        self.db.seats.update_one(
            {"_id": seat_id, "state": FREE},
            {"$set": {"state": OFFERED, "holder": first["holder"], "key": first["key"],
                      "since": now, "offer_expires_at": expires}}, session=session)
        return [new_event(SOURCE, "waitlist_offered", {
            "class_id": cls["_id"], "worker_id": first["holder"], "at": now,
            "offer_expires_at": expires})]

    def offer_free_seats(self, cls, now):
        """Offer every free seat to the waitlist (after seats were added)."""
        events = []
        for seat in list(self.db.seats.find({"class_id": cls["_id"], "state": FREE})):
            offered = self.in_transaction(lambda session: self.record_events(
                self._offer(cls, seat["_id"], now, session), session))
            if not offered:
                break
            events += offered
        return events

    def confirm_offer(self, class_id, worker_id, now):
        self.get_class(class_id)
        event = new_event(SOURCE, "seat_booked", {
            "class_id": class_id, "worker_id": worker_id, "at": now})
        seat = self.db.seats.find_one_and_update(
            {"class_id": class_id, "holder": worker_id, "state": OFFERED,
             "offer_expires_at": {"$gt": now}},
            {"$set": {"state": BOOKED, "since": now, "offer_expires_at": None},
             "$push": {PENDING: event}},
            return_document=ReturnDocument.AFTER)
        if seat is None:
            raise exceptions.no_offer()
        return seat, [event]

    def expire_offers(self, now):
        """Offers not confirmed in time pass to the next in line."""
        events = []
        for seat in list(self.db.seats.find(
                {"state": OFFERED, "offer_expires_at": {"$lte": now}}, limit=100)):
            events += self.in_transaction(lambda session: self._expire(seat, now, session))
        return events

    def _expire(self, seat, now, session):
        current = self.db.seats.find_one(
            {"_id": seat["_id"], "state": OFFERED, "holder": seat["holder"],
             "offer_expires_at": {"$lte": now}}, session=session)
        return self._pass_on(current, "offer_expired", now, session) if current else []

    def bookings_of(self, worker_id, now):
        seats = list(self.db.seats.find({"holder": worker_id, "starts_at": {"$gt": now}}))
        places = list(self.db.places.find({"holder": worker_id, "starts_at": {"$gt": now}}))
        return seats, places

    # ---- cancelling a class ----------------------------------------------

    def cancel_class(self, class_id, now):
        """Cancel a class that has not started: every seat, offer and place is
        released and closed, and class_cancelled names everyone who held one."""
        cls = self.get_class(class_id)
        if cls["status"] == "cancelled":
            raise exceptions.class_cancelled()
        if cls["starts_at"] <= now:
            raise exceptions.class_started()

        def write(session):
            holders = sorted(
                self.db.seats.distinct("holder", {"class_id": class_id, "holder": HELD},
                                       session=session)
                + self.db.places.distinct("holder", {"class_id": class_id, "holder": HELD},
                                          session=session))
            cancelled = self.db.classes.find_one_and_update(
                {"_id": class_id, "status": {"$ne": "cancelled"}},
                {"$set": {"status": "cancelled", "cancelled_at": now, "updated_at": now}},
                return_document=ReturnDocument.AFTER, session=session)
            if cancelled is None:
                raise exceptions.class_cancelled()
            for collection in (self.db.seats, self.db.places):
                collection.update_many({"class_id": class_id},
                                       {"$set": dict(VACANT, state=CLOSED)}, session=session)
            event = new_event(SOURCE, "class_cancelled", dict(
                class_facts(cls), worker_ids=holders, at=now))
            return cancelled, self.record_events([event], session)
        return self.in_transaction(write)

    # ---- attendance ------------------------------------------------------

    def checkin_code(self, class_id, now):
        """The class's check-in code, made the first time staff ask for it
        while the class is running (or about to start)."""
        cls = self.get_class(class_id)
        if not running(cls, now):
            raise exceptions.class_not_running()
        if cls.get("checkin_code"):
            return cls["checkin_code"]
        code = "{:06d}".format(secrets.randbelow(10 ** 6))
        updated = self.db.classes.find_one_and_update(
            {"_id": class_id, "checkin_code": {"$in": [None, ""]}},
            {"$set": {"checkin_code": code}}, return_document=ReturnDocument.AFTER)
        # A concurrent request may have set one first: everyone gets that one.
        return (updated or self.get_class(class_id))["checkin_code"]

    def attend(self, class_id, worker_id, code, now):
        """Mark the worker's booked seat attended, once. Returns (seat, events):
        no events when it was marked already."""
        cls = self.get_class(class_id)
        if not running(cls, now):
            raise exceptions.class_not_running()
        if not cls.get("checkin_code") or not secrets.compare_digest(
                cls["checkin_code"], code):
            raise exceptions.wrong_checkin_code()
        hours = (cls["ends_at"] - cls["starts_at"]).total_seconds() / 3600
        event = new_event(SOURCE, "class_attended", {
            "class_id": class_id, "worker_id": worker_id, "category": cls["category"],
            "hours": round(hours, 2), "attended_at": now})
        seat = self.db.seats.find_one_and_update(
            {"class_id": class_id, "holder": worker_id, "state": BOOKED, "attended_at": None},
            {"$set": {"attended_at": now}, "$push": {PENDING: event}},
            return_document=ReturnDocument.AFTER)
        if seat is not None:
            return seat, [event]
        seat = self.db.seats.find_one({"class_id": class_id, "holder": worker_id,
                                       "state": BOOKED})
        if seat is None:
            raise exceptions.no_booking()
        return seat, []


# Staff may open check-in a little before the start.
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)


def running(cls, now):
    return (cls["status"] == "published"
            and cls["starts_at"] - CHECKIN_OPENS_BEFORE <= now <= cls["ends_at"])
