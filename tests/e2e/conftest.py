"""End-to-end: the real processes (services and gunicorn gateway) over HTTP."""
import uuid

import pytest
import requests

from scripts import embedded_mongo
from scripts.system import System
from shared.mongo import connect, database_name
from shared.run import service_modules
from shared.topology import queue_name
from tests.conftest import TEST_SECRETS, unique_phone
from tests.support.audit import Audit
from tests.support.broker import queue_exists, wait_for
from tests.support.database_state import nothing_written_check
from tests.support.subscriber import NAME as SUBSCRIBER_NAME
from tests.support.subscriber import SUBSCRIPTIONS

# MONGO_DB_PREFIX of every process of the system.
DB_PREFIX = "e2e_"


@pytest.fixture(scope="session")
def e2e_amqp_uri(make_vhost):
    """The end-to-end tier's own vhost: its processes live all session."""
    return make_vhost()


# A subscriber to identity's events runs beside the system, as another
# department's consumer would (tests/support/subscriber.py).
SUBSCRIBER = "tests.support.subscriber"


@pytest.fixture(scope="session")
def system(e2e_amqp_uri, mongo_uri, tmp_path_factory):
    env = {"AMQP_URI": e2e_amqp_uri, "MONGO_URI": mongo_uri, "MONGO_DB_PREFIX": DB_PREFIX,
           "LOGIN_MAX_FAILURES": "3",
           "LOGIN_LOCK_SECONDS": "60", "RPC_TIMEOUT_SECONDS": "5",
           # The journey presents a rotated-away token at once and expects
           # theft; the grace window is proved in tests/integration.
           "REFRESH_REUSE_GRACE_SECONDS": "0",
           # jobs' sweep every second: a test that moves a deadline into the
           # past sees it acted on at once (the deadlines themselves are the
           # real ones, so nothing lapses behind another test's back).
           "JOBS_SWEEP_SECONDS": "1",
           # feeds: the tests' webhook receivers listen on loopback; waiting
           # deliveries and replays move on every fifth of a second.
           "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8", "FEEDS_SEND_SECONDS": "0.2",
           **TEST_SECRETS}
    logs = tmp_path_factory.mktemp("system-logs")
    with System(env, embedded_mongo.free_port(), processes={SUBSCRIBER: 1},
                log_dir=logs) as running:
        # Its queues must exist before the first event is published.
        for subscription in SUBSCRIPTIONS:
            wait_for(lambda: queue_exists(e2e_amqp_uri, queue_name(*subscription)),
                     timeout=30, what="the subscriber's queues")
        yield running


@pytest.fixture(scope="session")
def e2e_databases(system, mongo_uri):
    """The system's databases by service name, read directly to prove what
    was (or was not) written. One client for the whole run."""
    client = connect(mongo_uri)
    yield lambda service: client[database_name(DB_PREFIX, service)]
    client.close()


def service_name(process):
    """The nameko name (and so the database) of a process ``System`` runs."""
    return service_modules(process)[0].SERVICE.name


@pytest.fixture(scope="session")
def system_databases(system, e2e_databases):
    """The database of every service process the system runs (scripts/system.py
    starts them), so a service added there is watched too."""
    return [e2e_databases(service_name(process)) for process in system.services]


@pytest.fixture(scope="session")
def e2e_audit(e2e_databases):
    """What the subscriber applied, read from its own database."""
    return Audit(e2e_databases(SUBSCRIBER_NAME))


class GatewaySession(requests.Session):
    """A requests session whose paths are relative to the gateway at ``url``."""

    def __init__(self, url, timeout=15):
        super().__init__()
        self.url, self.timeout = url, timeout

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, self.url + url, *args, **kwargs)


@pytest.fixture
def api(system):
    with GatewaySession(system.url) as session:
        yield session


# ---- accounts and requests -----------------------------------------------------

STAFF_PASSWORD = "Staff2026ok"


def make_staff(mongo_uri, db_prefix):
    """A new union staff account made the way operators make one
    (scripts/staff.py), in the databases of a system on these settings."""
    from scripts.staff import ensure_staff
    phone = unique_phone()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MONGO_URI", mongo_uri)
        patch.setenv("MONGO_DB_PREFIX", db_prefix)
        worker, created = ensure_staff(phone, STAFF_PASSWORD, "沈建芳")
    assert created
    return {"id": worker["_id"], "phone": phone, "password": STAFF_PASSWORD}


@pytest.fixture(scope="session")
def staff_account(system, mongo_uri):
    return make_staff(mongo_uri, DB_PREFIX)


def bearer(tokens):
    return {"Authorization": "Bearer " + tokens["access_token"]}


@pytest.fixture
def log_in(api):
    """log_in(phone, password) -> the token pair (asserts the login worked)."""
    def log_in(phone, password):
        response = api.post("/api/v1/auth/login", json={"phone": phone, "password": password})
        assert response.status_code == 200, response.text
        return response.json()
    return log_in


@pytest.fixture
def staff(staff_account, log_in):
    """Headers of a freshly logged-in staff session (its own, so a test may end it)."""
    return bearer(log_in(staff_account["phone"], staff_account["password"]))


@pytest.fixture
def new_worker(api, make_registration, log_in):
    """Factory: register over HTTP and log in. Returns a namespace with the
    registration ``body``, ``profile``, ``tokens`` and ``headers``."""
    class Worker:
        pass

    def make(**overrides):
        worker = Worker()
        worker.body = make_registration(**overrides)
        response = api.post("/api/v1/auth/register", json=worker.body)
        assert response.status_code == 201, response.text
        worker.profile = response.json()
        worker.id = worker.profile["id"]
        worker.tokens = log_in(worker.body["phone"], worker.body["password"])
        worker.headers = bearer(worker.tokens)
        return worker
    return make


@pytest.fixture
def with_role(api, staff, new_worker, log_in):
    """with_role(role) -> a new worker granted ``role`` by staff, logged in
    again (a token issued after the grant carries it), in ``headers``."""
    def make(role):
        worker = new_worker()
        granted = api.put("/api/v1/workers/{}/roles/{}".format(worker.id, role),
                          headers=staff)
        assert granted.status_code == 200, granted.text
        worker.headers = bearer(log_in(worker.body["phone"], worker.body["password"]))
        return worker
    return make


def assert_error(response, status, code):
    """The one error body: {"error": CODE, "message": text} with the status."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == code, body
    assert isinstance(body["message"], str) and body["message"].strip()
    assert set(body) <= {"error", "message", "details"}
    return body


def request_id():
    return "e2e-" + uuid.uuid4().hex


@pytest.fixture
def nothing_written(system_databases):
    """Use as ``with nothing_written():`` around requests that must not write
    to any service's database (tests/support/database_state.py)."""
    return nothing_written_check(system_databases)
