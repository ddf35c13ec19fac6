"""audit_subscriber: a test consumer of identity's events.

Each applied event is written, inside the inbox transaction, to ``applied``
(one document per application) and counted in ``counters`` (one per event
type and worker), so a test can check "exactly once in effect": a repeat that
slipped through would show as a second document and a count of 2.

Tests steer it through one document in its own database, ``knobs/_id=knob``:
    fail_next:     fail this many more handler runs, then succeed
    fail_always:   fail every run
    sleep_seconds: sleep this long inside the transaction before committing
Every handler run is also noted in ``attempts`` outside the transaction, so a
test can see a run that was rolled back or killed.

Run it as its own process with ``python -m shared.run tests.support.subscriber``.
"""
import time
from datetime import datetime, timezone

from pymongo import ASCENDING, ReturnDocument

from shared.inbox import EventConsumer, handles
from shared.mongo import MongoStore
from shared.service import ServiceBase
from shared.store import BaseStore
from shared.topology import handled_events

NAME = "audit_subscriber"
KNOB_ID = "knob"


class PlannedFailure(Exception):
    pass


class AuditStore(BaseStore):
    @staticmethod
    def create_indexes(db):
        db.applied.create_index([("event_id", ASCENDING)])
        db.attempts.create_index([("event_id", ASCENDING)])

    def note_attempt(self, envelope):
        self.db.attempts.insert_one({"event_id": envelope["id"],
                                     "type": envelope["type"],
                                     "at": datetime.now(timezone.utc)})

    def knob(self):
        return self.db.knobs.find_one({"_id": KNOB_ID}) or {}

    def take_planned_failure(self):
        """True if this run must fail; consumes one of ``fail_next``. Written
        outside the transaction so the count survives its rollback."""
        if self.knob().get("fail_always"):
            return True
        return self.db.knobs.find_one_and_update(
            {"_id": KNOB_ID, "fail_next": {"$gt": 0}}, {"$inc": {"fail_next": -1}},
            return_document=ReturnDocument.AFTER) is not None

    def record(self, envelope, data, session):
        worker_id = data["worker_id"]
        self.db.applied.insert_one({
            "event_id": envelope["id"], "type": envelope["type"],
            "worker_id": worker_id, "envelope": _plain(envelope),
            "applied_at": datetime.now(timezone.utc)}, session=session)
        self.db.counters.update_one(
            {"_id": "{}:{}".format(envelope["type"], worker_id)},
            {"$inc": {"count": 1}}, upsert=True, session=session)


def _plain(envelope):
    """The envelope with loaded values (datetimes) kept as MongoDB can store."""
    return dict(envelope, data=dict(envelope["data"]))


class AuditSubscriber(ServiceBase, EventConsumer):
    name = NAME
    store = MongoStore(AuditStore)

    @handles("identity", "worker_registered")
    def handle_worker_registered(self, data, envelope, session):
        self._apply(data, envelope, session)

    @handles("identity", "profile_updated")
    def handle_profile_updated(self, data, envelope, session):
        self._apply(data, envelope, session)

    @handles("identity", "membership_approved")
    def handle_membership_approved(self, data, envelope, session):
        self._apply(data, envelope, session)

    def _apply(self, data, envelope, session):
        self.store.note_attempt(envelope)
        self.store.record(envelope, data, session)
        sleep_seconds = self.store.knob().get("sleep_seconds")
        if sleep_seconds:
            time.sleep(sleep_seconds)  # green under eventlet: other workers run
        if self.store.take_planned_failure():
            raise PlannedFailure("planned failure of {}".format(envelope["id"]))


# (source, event, service, method) of its handlers, in the order written: tests
# declare and inspect these queues (no package under services/ lists it).
SUBSCRIPTIONS = handled_events(AuditSubscriber)


def service_config():
    """Nothing beyond shared/config.py's settings (shared.run calls this)."""
    return {}


SERVICE = AuditSubscriber
