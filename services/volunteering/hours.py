"""The organizer's decision on hours (a part of VolunteeringStore), and what a
worker has been credited with.

Every decision is one conditional write on the place, from "pending" (or,
for an adjustment, no hours yet: a worker who came but never checked in)
to confirmed or declined, so a repeated confirmation finds nothing pending
and changes nothing: volunteer_hours_confirmed is written once per sign-up,
in the place itself.
"""
from services.volunteering import exceptions
from services.volunteering.schemas import (
    HOURS_CONFIRMED, HOURS_DECLINED, HOURS_PENDING, SIGNED_UP)
from shared.events import new_event
from shared.outbox import Events
from shared.slots import PENDING
from shared.store import one_page

SOURCE = "volunteering"
# Hours waiting for a decision, in any activity; the places index
# (state, hours.state, starts_at, _id) serves the query and its order.
PENDING_HOURS = {"state": SIGNED_UP, "hours.state": HOURS_PENDING}
OLDEST_SHIFT_FIRST = [("starts_at", 1), ("_id", 1)]


class HoursMixin:
    def confirm_hours(self, activity, signup_ids, by, now):
        """(confirmed signup ids, unchanged ones, events). No ids: every
        pending record of the activity but the flagged ones (those want a
        look first: a forgotten check-out)."""
        query = {"activity_id": activity["_id"], "state": SIGNED_UP}
        if signup_ids is None:
            query.update({"hours.state": HOURS_PENDING, "flag": None})
        else:
            query["signup_id"] = {"$in": list(signup_ids)}
        places = list(self.db.places.find(query))
        if signup_ids is not None and len(places) < len(set(signup_ids)):
            raise exceptions.signup_not_found()
        confirmed, unchanged, events = [], [], Events([], self.places.outbox)
        for place in places:
            served = (place.get("hours") or {}).get("served")
            event = self._decided(place, activity, served, None, by, now)
            if event is not None:
                confirmed.append(place["signup_id"])
                events.append(event)
            else:
                unchanged.append(place["signup_id"])
        return confirmed, unchanged, events

    def adjust_hours(self, activity, place, hours, reason, by, now):
        """Confirm other hours than the check-in and check-out gave, with a reason."""
        event = self._decided(place, activity, hours, reason, by, now, adjusting=True)
        if event is None:
            raise exceptions.hours_decided()
        return Events([event], self.places.outbox)

    def decline_hours(self, place, reason, by, now):
        done = self.db.places.update_one(
            {"_id": place["_id"], "holder": place["holder"], "$or": self._undecided(True)},
            {"$set": {"hours": dict(place.get("hours") or {"served": 0.0}, state=HOURS_DECLINED,
                                    credited=None, reason=reason, decided_by=by,
                                    decided_at=now)}})
        if done.modified_count == 0:
            raise exceptions.hours_decided()

    @staticmethod
    def _undecided(adjusting):
        pending = [{"hours.state": HOURS_PENDING}]
        return pending + [{"hours": None}] if adjusting else pending

    def _decided(self, place, activity, credited, reason, by, now, adjusting=False):
        """The confirmation's event if this write made it, else None."""
        if credited is None or credited <= 0:
            return None
        event = new_event(SOURCE, "volunteer_hours_confirmed", {
            "worker_id": place["holder"], "activity_id": activity["_id"],
            "activity_title": activity["title"], "signup_id": place["signup_id"],
            "shift_id": place["shift_id"], "hours": credited, "confirmed_by": by,
            "confirmed_at": now}, now=now)
        served = (place.get("hours") or {}).get("served", 0.0)
        done = self.db.places.update_one(
            {"_id": place["_id"], "holder": place["holder"], "$or": self._undecided(adjusting)},
            {"$set": {"hours": {"state": HOURS_CONFIRMED, "served": served,
                                "credited": credited, "reason": reason, "decided_by": by,
                                "decided_at": now}},
             "$push": {PENDING: event}})
        return event if done.modified_count else None

    def confirmed_places(self, worker_id):
        return list(self.db.places.find({"holder": worker_id, "state": SIGNED_UP,
                                         "hours.state": HOURS_CONFIRMED},
                                        sort=[("starts_at", 1)]))

    def pending_hours(self, page, per_page):
        """(one page of the places whose hours wait for a decision, across
        activities, oldest shift first; how many wait in all; {activity id:
        its title now}, as an edit may have renamed it since the sign-up)."""
        cursor = self.db.places.find(PENDING_HOURS, sort=OLDEST_SHIFT_FIRST)
        places = list(one_page(cursor, page, per_page))
        return places, self.db.places.count_documents(PENDING_HOURS), self._titles(places)

    def _titles(self, places):
        activity_ids = sorted({place["activity_id"] for place in places})
        if not activity_ids:
            return {}
        return {activity["_id"]: activity["title"] for activity in
                self.db.activities.find({"_id": {"$in": activity_ids}}, {"title": 1})}
