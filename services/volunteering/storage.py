"""volunteering's data. ``VolunteeringStore`` is the one store service.py
talks to; each concern is its own module:

- activities.py: activities and their shifts, and the stations they happen
  at (a local copy, from stations' events);
- signups.py: each shift's places and waitlist (shared/slots.py), signing up,
  cancelling, moving up, and each worker's commitments (no two overlapping);
- attendance.py: check-in, check-out, and closing a shift that is over;
- hours.py: the organizer's decision on hours;
- certificates here: the certificates issued, by number.

The convention of every verb: it never reads the clock (the entrypoint passes
``now``); a write returns what it wrote and the events it caused. The events
are ``shared.outbox.Events``: those of a sign-up, a check-in and a decision
travel in the place's own document, the rest in the outbox collection.
"""
from pymongo import ASCENDING, DESCENDING, ReturnDocument

from services.volunteering import exceptions
from services.volunteering.activities import ActivitiesMixin, create_activity_indexes
from services.volunteering.attendance import AttendanceMixin
from services.volunteering.hours import HoursMixin
from services.volunteering.signups import PLACES, WAITLIST, SignUpsMixin, create_signup_indexes
from shared.slots import SlotPool
from shared.store import BaseStore, found


class CertificatesMixin:
    def next_certificate_seq(self, year):
        counter = self.db.counters.find_one_and_update(
            {"_id": "certificates:{}".format(year)}, {"$inc": {"seq": 1}}, upsert=True,
            return_document=ReturnDocument.AFTER)
        return counter["seq"]

    def latest_certificate(self, worker_id):
        return self.db.certificates.find_one({"worker_id": worker_id},
                                             sort=[("issued_at", DESCENDING)])

    def save_certificate(self, number, worker_id, content, signature, now):
        document = {"_id": number, "worker_id": worker_id, "content": content,
                    "signature": signature, "issued_at": now}
        self.db.certificates.insert_one(document)
        return document

    def get_certificate(self, number):
        return found(self.db.certificates.find_one({"_id": number}),
                     exceptions.certificate_not_found)


class VolunteeringStore(ActivitiesMixin, SignUpsMixin, AttendanceMixin, HoursMixin,
                        CertificatesMixin, BaseStore):
    # A sign-up's, a check-in's and a decision's events are kept in the slot.
    EMBEDDED_OUTBOXES = (PLACES, WAITLIST)

    @staticmethod
    def create_indexes(db):
        create_activity_indexes(db)
        create_signup_indexes(db)
        for pool in (PLACES, WAITLIST):
            SlotPool(db[pool], "shift_id").create_indexes()
        db.certificates.create_index([("worker_id", ASCENDING), ("issued_at", DESCENDING)])
