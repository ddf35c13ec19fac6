"""Attendance: the check-in code staff show in class, and the worker's seat
marked attended with it, once (a part of CoursesStore).

class_attended travels in the seat document, as a booking's event does.
"""
import secrets

from pymongo import ReturnDocument

from services.courses import exceptions, rules
from services.courses.slots import BOOKED, SOURCE
from shared.events import new_event
from shared.outbox import Events
from shared.slots import PENDING


class AttendanceMixin:
    def checkin_code(self, class_id, now):
        """The class's check-in code, made the first time staff ask for it
        while the class is running (or about to start). Announced to nobody."""
        cls = self.get_class(class_id)
        rules.check_running(cls, now)
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
        rules.check_running(cls, now)
        rules.check_checkin_code(cls, code)
        event = new_event(SOURCE, "class_attended", {
            "class_id": class_id, "title": cls["title"], "worker_id": worker_id,
            "category": cls["category"],
            "hours": rules.attended_hours(cls), "attended_at": now}, now=now)
        seat = self.db.seats.find_one_and_update(
            {"class_id": class_id, "holder": worker_id, "state": BOOKED, "attended_at": None},
            {"$set": {"attended_at": now}, "$push": {PENDING: event}},
            return_document=ReturnDocument.AFTER)
        if seat is not None:
            return seat, Events([event], self.seat_pool.outbox)
        seat = self.db.seats.find_one({"class_id": class_id, "holder": worker_id,
                                       "state": BOOKED})
        if seat is None:
            raise exceptions.no_booking()
        return seat, Events()
