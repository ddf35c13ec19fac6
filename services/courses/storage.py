"""courses' data: classes, their seats and waitlist places, and a local copy
of who is a union member. ``CoursesStore`` is the one store service.py talks
to; each concern is its own module:

- classes.py: classes, from draft to published or cancelled, and listing them;
- slots.py: the class's two pools of slots (shared/slots.py), seats and
  waitlist places: taking one in the rush, what a worker holds, and
  class_full;
- claims.py: each worker's claims, which hold the per-worker cap under
  concurrent taps;
- offers.py: leaving, and a freed seat offered to the first in line;
- attendance.py: the check-in code and attending;
- members.py: who is a member, from identity's events.

The convention of every verb: it never reads the clock (the entrypoint passes
``now``); a write returns what it wrote and the events it caused,
``(document, events)``, or just the events where nobody sees what was
written (leaving, expiring offers, class_full). The events are
``shared.outbox.Events``, which know the outbox holding them: a seat's or
place's own document for the rush's single writes, the outbox collection for
the rest. A write from which no event can ever come (a draft created, a
check-in code, a member remembered) returns its document only. The rules the
verbs apply are in rules.py and booking.py.
"""
from services.courses.attendance import AttendanceMixin
from services.courses.claims import ClaimsMixin, create_claim_indexes
from services.courses.classes import ClassesMixin, create_class_indexes
from services.courses.members import MembersMixin
from services.courses.offers import OffersMixin
from services.courses.slots import PLACES, SEATS, SlotsMixin, create_slot_indexes
from shared.store import BaseStore


class CoursesStore(ClassesMixin, SlotsMixin, ClaimsMixin, OffersMixin, AttendanceMixin,
                   MembersMixin, BaseStore):
    # A booking's event is kept in the seat or place it took (EmbeddedOutbox).
    EMBEDDED_OUTBOXES = (SEATS, PLACES)

    @staticmethod
    def create_indexes(db):
        create_class_indexes(db)
        create_slot_indexes(db)
        create_claim_indexes(db)
