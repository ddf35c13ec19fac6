"""The integration tier: services run in this process as nameko containers, on
the run's vhost and a database prefix of the test's own.

``run_service(ServiceClass, **config)`` starts any service (the tier's
``service_config`` with ``config`` over it) and answers a ``Running`` handle.
A module about one service names it once, at its top:

    SERVICE = CoursesService
    SERVICE_CONFIG = {"OFFER_MINUTES": 30}   # optional

and its tests ask for ``service`` (that service, running), ``store`` (its
store, used directly) and ``as_staff`` (its RPC proxy with a staff caller).
The callers (``STAFF``, ``worker()``) and times (``at()``) are plain helpers
in tests/support/, imported where used.
"""
import functools

import jwt
import pytest
from kombu.mixins import ConsumerMixin
from nameko.messaging import QueueConsumer
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy

from services.identity.service import IdentityService
from services.identity.storage import IdentityStore
from shared.caller import Caller
from shared.clock import utcnow
from shared.events import new_event
from shared.mongo import database_name, store_of
from tests.support import broker
from tests.support.audit import Audit
from tests.support.callers import STAFF
from tests.support.subscriber import NAME as SUBSCRIBER_NAME
from tests.support.subscriber import SUBSCRIPTIONS, AuditSubscriber


class Running:
    """A started service container, with its own store on the test's client
    (so it can be read after the container stopped)."""

    def __init__(self, container, mongo_client):
        self.container = container
        self.name = container.service_name
        provider = store_of(container, "run_service")
        self.db = mongo_client[provider.db.name]
        self.store = provider.store_class(self.db)

    def stop(self):
        """Stop as on SIGTERM: running workers finish first."""
        self.container.stop()


# ---- services -----------------------------------------------------------------

# nameko's QueueConsumer (kombu's ConsumerMixin) waits for the broker in
# slices of 1 s and sees a consumer to cancel, or its own stop, only between
# two slices: every container's stop or kill (each test's teardown, one
# container after another) sat out the rest of a slice, up to 1 s, sometimes
# two. In this process the slice is 0.1 s. What a stop waits for is the same
# (its consumers cancelled, running workers finished, messages acked or
# requeued); the service processes of the other tiers keep nameko's 1 s.
CONSUMER_SLICE_SECONDS = 0.1


@pytest.fixture(scope="session", autouse=True)
def prompt_consumer_stop():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QueueConsumer, "consume", functools.partialmethod(
            ConsumerMixin.consume, safety_interval=CONSUMER_SLICE_SECONDS))
        yield


@pytest.fixture
def run_service(container_factory, service_config, mongo_client):
    """run_service(ServiceClass, **config) -> Running: the service started with
    the tier's config, ``config`` over it; stopped after the test."""
    def run(service_class, **config):
        container = container_factory(service_class, dict(service_config, **config))
        container.start()
        return Running(container, mongo_client)
    return run


@pytest.fixture
def service(request, run_service):
    """The module's SERVICE, running with its SERVICE_CONFIG."""
    module = request.module
    return run_service(module.SERVICE, **getattr(module, "SERVICE_CONFIG", {}))


@pytest.fixture
def store(service):
    return service.store


@pytest.fixture
def as_staff(rpc_as, service):
    """The module's service, called by union staff."""
    return getattr(rpc_as(STAFF), service.name)


@pytest.fixture
def identity(run_service):
    return run_service(IdentityService)


@pytest.fixture
def databases(mongo_client, db_prefix):
    """databases(service name) -> that service's database in this test."""
    return lambda name: mongo_client[database_name(db_prefix, name)]


# ---- calling them ---------------------------------------------------------------

@pytest.fixture
def rpc_as(service_config):
    """rpc_as(caller) -> a cluster proxy whose calls carry that caller."""
    proxies = []

    def make(caller=None):
        context = {"caller": caller.to_context()} if caller else {}
        standalone = ClusterRpcProxy(service_config, context_data=context, timeout=10)
        proxies.append(standalone)
        return standalone.start()

    yield make
    for standalone in proxies:
        standalone.stop()


@pytest.fixture
def anonymous(rpc_as):
    return rpc_as(None)


@pytest.fixture
def staff_proxy(rpc_as):
    """A cluster proxy (every service) called by union staff."""
    return rpc_as(STAFF)


@pytest.fixture
def logged_in(anonymous, make_registration):
    """Register and log in a worker: returns (profile, tokens, caller)."""
    def make(**overrides):
        body = make_registration(**overrides)
        profile = anonymous.identity.register_worker(body)
        tokens = anonymous.identity.log_in({"phone": body["phone"],
                                            "password": body["password"]})
        claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
        caller = Caller(id=claims["sub"], roles=tuple(claims["roles"]), session_id=claims["sid"])
        return profile, tokens, caller
    return make


@pytest.fixture
def publish(amqp_uri):
    """publish(source, type, data) -> the envelope, sent as its producer would."""
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})

    def send(source, event_type, data, envelope=None):
        envelope = envelope or new_event(source, event_type, data, now=utcnow())
        dispatch(source, event_type, envelope)
        return envelope
    return send


# ---- identity's events and their test subscriber (tests/support/subscriber.py) ----

@pytest.fixture
def audit(databases):
    return Audit(databases(SUBSCRIBER_NAME))


@pytest.fixture
def identity_db(databases):
    return databases("identity")


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
def identity_declaring(run_service, clean_queues):
    """identity, declaring the subscriber's queues at start-up (Topology)."""
    return run_service(IdentityService, SUBSCRIPTIONS=SUBSCRIPTIONS)


@pytest.fixture
def start_subscriber(run_service):
    return lambda: run_service(AuditSubscriber)


@pytest.fixture
def subscriber(identity_declaring, start_subscriber):
    return start_subscriber()
