"""Fixtures for the event tests; a test module imports the ones it uses."""
import pytest

from services.identity.service import IdentityService
from services.identity.storage import IdentityStore
from shared.caller import UNION_STAFF, Caller
from tests.support import broker
from tests.support.subscriber import KNOB_ID, NAME, SUBSCRIPTIONS, AuditSubscriber


class Audit:
    """What the subscriber's database says about one event or worker."""

    def __init__(self, db):
        self.db = db

    def set_knob(self, **settings):
        self.db.knobs.replace_one({"_id": KNOB_ID}, settings, upsert=True)

    def applied(self, event_id):
        return self.db.applied.count_documents({"event_id": event_id})

    def applied_envelope(self, event_id):
        return self.db.applied.find_one({"event_id": event_id})["envelope"]

    def count(self, event_type, worker_id):
        counter = self.db.counters.find_one({"_id": "{}:{}".format(event_type, worker_id)})
        return counter["count"] if counter else 0

    def processed(self, event_id):
        """processed_events entries for this event, over all handlers."""
        return self.db.processed_events.count_documents(
            {"_id": {"$regex": ":{}$".format(event_id)}})

    def attempts(self, event_id):
        return self.db.attempts.count_documents({"event_id": event_id})

    def dead_letters(self):
        return list(self.db.dead_letters.find())


@pytest.fixture
def audit(mongo_client, db_prefix):
    return Audit(mongo_client[db_prefix + NAME])


@pytest.fixture
def identity_db(mongo_client, db_prefix):
    return mongo_client[db_prefix + "identity"]


@pytest.fixture
def identity_store(identity_db):
    """identity's own store, used directly to commit without publishing: a
    request whose process died between commit and publish."""
    IdentityStore.prepare(identity_db)
    return IdentityStore(identity_db)


@pytest.fixture
def clean_queues(amqp_uri):
    """No subscriber queues to start with: they are durable, live in the run's
    vhost, and other tests' identity containers publish into them. Whoever
    starts first (identity's Topology or the subscriber) declares them."""
    broker.delete_queues(amqp_uri, SUBSCRIPTIONS)


@pytest.fixture
def subscriber_config(service_config):
    return dict(service_config)


@pytest.fixture
def identity_declaring(container_factory, service_config, clean_queues):
    """identity, declaring the subscriber's queues at start-up (Topology)."""
    container = container_factory(
        IdentityService, dict(service_config, SUBSCRIPTIONS=SUBSCRIPTIONS))
    container.start()
    return container


@pytest.fixture
def start_subscriber(container_factory, subscriber_config):
    def start():
        container = container_factory(AuditSubscriber, subscriber_config)
        container.start()
        return container
    return start


@pytest.fixture
def subscriber(identity_declaring, start_subscriber):
    return start_subscriber()


@pytest.fixture
def as_staff(rpc_as):
    return rpc_as(Caller(id="staff-events", roles=(UNION_STAFF,), session_id="s"))
