"""Classes: created as drafts with their seats and places, edited, published
and cancelled by staff, listed for everyone (a part of CoursesStore).

These rarer changes use transactions and the outbox collection; the rules
they apply (what may change, and when) are in rules.py.
"""
from pymongo import ASCENDING, ReturnDocument

from services.courses import exceptions, rules
from services.courses.schemas import check_times
from services.courses.slots import PLACES, SEATS, SOURCE
from shared.events import new_event
from shared.outbox import Events
from shared.schemas import checked
from shared.slots import FREE
from shared.store import found, one_page


def class_facts(cls):
    return {"class_id": cls["_id"], "title": cls["title"], "category": cls["category"],
            "starts_at": cls["starts_at"], "ends_at": cls["ends_at"]}


def booking_facts(cls):
    """What a booking client (the gateway's cache) needs to know of a class."""
    return dict(class_facts(cls), seats=cls["seats"], waitlist_limit=cls["waitlist_limit"],
                members_only=cls["members_only"], booking_opens_at=cls["booking_opens_at"],
                booking_closes_at=cls["booking_closes_at"])


def create_class_indexes(db):
    db.classes.create_index([("status", ASCENDING), ("starts_at", ASCENDING)])
    db.classes.create_index([("category", ASCENDING), ("starts_at", ASCENDING)])


class ClassesMixin:
    def create_class(self, cls):
        """Store a new class (rules.new_class) with its free seats and places.
        A draft: nothing is announced until it is published."""
        def write(session):
            self.db.classes.insert_one(cls, session=session)
            self._add_slots(cls, SEATS, cls["seats"], session)
            self._add_slots(cls, PLACES, cls["waitlist_limit"], session)
        self.in_transaction(write)
        return cls

    def get_class(self, class_id):
        return found(self.db.classes.find_one({"_id": class_id}), exceptions.class_not_found)

    def update_class(self, class_id, changes, now):
        """Apply staff's edits. Seats and places follow the new counts; seats
        added to a class with a waitlist are offered to it at once."""
        cls = self.get_class(class_id)
        rules.check_changeable(cls, now)
        updated = dict(cls, **changes)
        checked(check_times, updated)

        events = Events([], self.outbox)
        if cls["status"] == "published":
            events.append(new_event(SOURCE, "class_updated",
                                    dict(booking_facts(updated), at=now), now=now))

        def write(session):
            self._resize(cls, updated, SEATS, session)
            self._resize(cls, updated, PLACES, session, limit_field="waitlist_limit")
            if updated["starts_at"] != cls["starts_at"]:
                self._move_slots(class_id, updated["starts_at"], session)
            self.record_events(events, session)
            return self.db.classes.find_one_and_update(
                {"_id": class_id}, {"$set": dict(changes, updated_at=now)},
                return_document=ReturnDocument.AFTER, session=session)
        updated = self.in_transaction(write)
        if updated["status"] == "published":
            events += self.offer_free_seats(updated, now)
        return updated, events

    def publish_class(self, class_id, now):
        cls = self.get_class(class_id)
        rules.check_publishable(cls)
        event = new_event(SOURCE, "class_published", booking_facts(cls), now=now)

        def write(session):
            published = self.db.classes.find_one_and_update(
                {"_id": class_id, "status": "draft"},
                {"$set": {"status": "published", "published_at": now, "updated_at": now}},
                return_document=ReturnDocument.AFTER, session=session)
            if published is None:
                raise exceptions.already_published()
            self.record_events([event], session)
            return published
        return self.in_transaction(write), Events([event], self.outbox)

    def cancel_class(self, class_id, now):
        """Cancel a class that has not started: every seat, offer and place is
        released and closed, and class_cancelled names everyone who held one."""
        cls = self.get_class(class_id)
        rules.check_changeable(cls, now)

        def write(session):
            holders = self._holders(class_id, session)
            cancelled = self.db.classes.find_one_and_update(
                {"_id": class_id, "status": {"$ne": "cancelled"}},
                {"$set": {"status": "cancelled", "cancelled_at": now, "updated_at": now}},
                return_document=ReturnDocument.AFTER, session=session)
            if cancelled is None:
                raise exceptions.class_cancelled()
            self._close_slots(class_id, session)
            event = new_event(SOURCE, "class_cancelled", dict(
                class_facts(cls), worker_ids=holders, at=now), now=now)
            return cancelled, Events(self.record_events([event], session), self.outbox)
        return self.in_transaction(write)

    def list_classes(self, query, now):
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
