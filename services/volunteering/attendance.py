"""Check-in, check-out, and what becomes of a shift once it is over (a part of
VolunteeringStore). Each is one conditional write on the worker's place,
with its event in the place itself.

A shift over for CLOSING_GRACE: a worker checked in and never out is checked
out at the shift's end and flagged for the organizer (not credited with the
hours until someone forgot to tap), and a sign-up nobody checked in for
becomes a no-show.
"""
from datetime import timedelta

from pymongo.errors import DuplicateKeyError

from services.volunteering import exceptions, rules
from services.volunteering.schemas import (
    CHECKED_IN, CHECKED_OUT, CHECKOUT_GRACE_MINUTES, FLAG_NO_CHECKOUT, NO_SHOW, SIGNED_UP)
from shared.events import new_event
from shared.ids import new_id
from shared.outbox import Events
from shared.slots import PENDING

SOURCE = "volunteering"
CLOSING_GRACE = timedelta(minutes=CHECKOUT_GRACE_MINUTES)
SWEEP_BATCH = 200


def attendance_event(event_type, place, now, **data):
    return new_event(SOURCE, event_type, dict({
        "signup_id": place["signup_id"], "activity_id": place["activity_id"],
        "shift_id": place["shift_id"], "worker_id": place["holder"], "at": now}, **data),
        now=now)


class AttendanceMixin:
    def my_place(self, shift_id, worker_id):
        place = self.db.places.find_one({"shift_id": shift_id, "holder": worker_id,
                                         "state": SIGNED_UP})
        if place is None:
            raise exceptions.not_signed_up()
        return place

    def check_in(self, place, now):
        event = attendance_event("volunteer_checked_in", place, now)
        return self._mark(place, {"attendance": None},
                          {"attendance": CHECKED_IN, "checked_in_at": now}, event,
                          exceptions.already_checked_in)

    def check_out(self, place, now):
        if place["attendance"] != CHECKED_IN:
            raise (exceptions.already_checked_out() if place["attendance"] == CHECKED_OUT
                   else exceptions.not_checked_in())
        served = rules.served_hours(place, place["checked_in_at"], now)
        event = attendance_event("volunteer_checked_out", place, now, hours=served,
                                 automatic=False)
        return self._mark(place, {"attendance": CHECKED_IN},
                          {"attendance": CHECKED_OUT, "checked_out_at": now,
                           "hours": rules.pending_hours(served)}, event,
                          exceptions.already_checked_out)

    def _mark(self, place, condition, changes, event, already):
        updated = self.db.places.find_one_and_update(
            dict(condition, _id=place["_id"], holder=place["holder"], state=SIGNED_UP),
            {"$set": changes, "$push": {PENDING: event}}, return_document=True)
        if updated is None:
            raise already()
        return updated, Events([event], self.places.outbox)

    def record_attendance(self, activity, shift, worker_id, contact, times, reason, by, now):
        """补录: a place of a shift that is over, taken for a worker who was
        there, checked out, with its hours waiting for the organizer's
        decision as any check-out's do. The overlap rule holds for it too."""
        checked_in_at, checked_out_at = times
        served = rules.served_hours(shift, checked_in_at, checked_out_at)
        self.commit_to(worker_id, shift, now)
        fields = {"state": SIGNED_UP, "holder": worker_id, "key": None, "since": now,
                  "signup_id": new_id(), "activity_title": activity["title"],
                  "contact": contact, "note": "", "attendance": CHECKED_OUT,
                  "checked_in_at": checked_in_at, "checked_out_at": checked_out_at,
                  "hours": rules.pending_hours(served),
                  "recorded": {"by": by, "reason": reason, "at": now}}
        event = attendance_event("volunteer_checked_out", dict(fields, **{
            "activity_id": activity["_id"], "shift_id": shift["shift_id"]}), now,
            hours=served, automatic=False)
        place = None
        try:
            place = self.places.take(shift["shift_id"], fields, event)
        except DuplicateKeyError:
            raise exceptions.already_signed_up()
        finally:
            if place is None:
                self.uncommit(worker_id, shift["shift_id"])
        if place is None:
            raise exceptions.shift_full()
        return place, Events([event], self.places.outbox)

    def close_ended_shifts(self, now):
        """Auto check-outs and no-shows of shifts over for CLOSING_GRACE."""
        due = {"state": SIGNED_UP, "ends_at": {"$lte": now - CLOSING_GRACE}}
        events = Events([], self.places.outbox)
        for place in list(self.db.places.find(dict(due, attendance={"$in": [None, CHECKED_IN]}),
                                              limit=SWEEP_BATCH)):
            events += self._close(place, now)
        return events

    def _close(self, place, now):
        if place["attendance"] is None:
            event = attendance_event("volunteer_no_show", place, now)
            changes, condition = {"attendance": NO_SHOW}, {"attendance": None}
        else:
            served = rules.served_hours(place, place["checked_in_at"], place["ends_at"])
            event = attendance_event("volunteer_checked_out", place, now, hours=served,
                                     automatic=True)
            changes = {"attendance": CHECKED_OUT, "checked_out_at": place["ends_at"],
                       "flag": FLAG_NO_CHECKOUT, "hours": rules.pending_hours(served)}
            condition = {"attendance": CHECKED_IN}
        done = self.db.places.update_one(dict(condition, _id=place["_id"], state=SIGNED_UP),
                                         {"$set": changes, "$push": {PENDING: event}})
        return [event] if done.modified_count else []

