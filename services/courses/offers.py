"""A seat given up goes to the first in line (a part of CoursesStore).

Leaving a seat, or an offer running out, frees the seat and offers it to the
first waiting worker in the same transaction, with its events in the outbox
collection; the offer is theirs to confirm until rules.offer_expires_at.
A seat's claim under the per-worker cap (claims.py) goes with the seat: given
back when it is freed, made for the worker it is offered to.
Leaving a waitlist place moves it to the back of the line (slots.py,
shared/slots.py).
"""
from pymongo import ReturnDocument

from services.courses import exceptions, rules
from services.courses.slots import BOOKED, OFFERED, SOURCE, WAITING
from shared.events import new_event
from shared.ids import new_id
from shared.outbox import Events
from shared.slots import FREE, PENDING


class OffersMixin:
    def leave(self, class_id, worker_id, now):
        """The worker gives up their seat (passed on to the waitlist) or their
        place in line; returns the events (nobody needs to see what was freed)."""
        self.get_class(class_id)
        kind, held = self.holding(class_id, worker_id)
        if kind is None:
            raise exceptions.no_booking()
        rules.check_leavable(held, now)
        if kind == "place":
            events = self.leave_place(held, now)
            if not events:
                raise exceptions.no_booking()
            return events
        return Events(self.in_transaction(
            lambda session: self._pass_on(held, "cancelled_by_worker", now, session)),
            self.outbox)

    def confirm_offer(self, class_id, worker_id, now):
        self.get_class(class_id)
        event = new_event(SOURCE, "seat_booked", {
            "class_id": class_id, "worker_id": worker_id, "at": now}, now=now)
        seat = self.db.seats.find_one_and_update(
            {"class_id": class_id, "holder": worker_id, "state": OFFERED,
             "offer_expires_at": {"$gt": now}},
            {"$set": {"state": BOOKED, "since": now, "offer_expires_at": None},
             "$push": {PENDING: event}},
            return_document=ReturnDocument.AFTER)
        if seat is None:
            raise exceptions.no_offer()
        return seat, Events([event], self.seat_pool.outbox)

    def expire_offers(self, now):
        """Offers not confirmed in time pass to the next in line."""
        events = Events([], self.outbox)
        for seat in list(self.db.seats.find(
                {"state": OFFERED, "offer_expires_at": {"$lte": now}}, limit=100)):
            events += self.in_transaction(lambda session: self._expire(seat, now, session))
        return events

    def offer_free_seats(self, cls, now):
        """Offer every free seat to the waitlist (after seats were added)."""
        events = Events([], self.outbox)
        for seat in list(self.db.seats.find({"class_id": cls["_id"], "state": FREE})):
            offered = self.in_transaction(lambda session: self.record_events(
                self._offer(cls, seat["_id"], now, session), session))
            if not offered:
                break
            events += offered
        return events

    def _expire(self, seat, now, session):
        current = self.db.seats.find_one(
            {"_id": seat["_id"], "state": OFFERED, "holder": seat["holder"],
             "offer_expires_at": {"$lte": now}}, session=session)
        return self._pass_on(current, "offer_expired", now, session) if current else []

    def _pass_on(self, seat, reason, now, session):
        """Free a held seat: offer it to the first in line, or leave it free."""
        if not self.seat_pool.vacate(seat, session):
            return []  # released already by a concurrent request
        self._give_back_seat_claim(seat, session)
        cls = self.db.classes.find_one({"_id": seat["class_id"]}, session=session)
        events = [new_event(SOURCE, "seat_released", {
            "class_id": seat["class_id"], "worker_id": seat["holder"], "at": now,
            "reason": reason}, now=now)]
        events += self._offer(cls, seat["_id"], now, session)
        return self.record_events(events, session)

    def _offer(self, cls, seat_id, now, session):
        # The first in line leaves it: their place goes to the back, free.
        first = self.place_pool.pop_first(cls["_id"], WAITING, session)
        if first is None:
            return []
        expires = rules.offer_expires_at(cls, now)
        seat = self.db.seats.find_one_and_update(
            {"_id": seat_id, "state": FREE},
            {"$set": {"state": OFFERED, "holder": first["holder"], "key": first["key"],
                      "since": now, "offer_expires_at": expires, "claim": new_id()}},
            return_document=ReturnDocument.AFTER, session=session)
        if seat is not None:
            self._add_claim(first["holder"], seat, session)
        return [new_event(SOURCE, "waitlist_offered", {
            "class_id": cls["_id"], "worker_id": first["holder"], "at": now,
            "offer_expires_at": expires}, now=now)]
