"""Fixtures shared by every tier: the real RabbitMQ (a vhost per test run), the
embedded MongoDB-compatible server (or MONGO_URI), a database prefix per test,
and factories for the data tests need.

Services under test run in this process (nameko containers need eventlet),
so monkey-patch before anything else is imported.
"""
import os

os.environ.setdefault("EVENTLET_NO_GREENDNS", "yes")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import itertools  # noqa: E402
import random  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402

from scripts import embedded_mongo, rabbit_vhost  # noqa: E402
from shared.mongo import connect  # noqa: E402

TEST_JWT_SECRET = "test-secret-" + "x" * 32
TEST_SIGNING_KEY = "5e" * 32
TEST_PSEUDONYM_KEY = "9a" * 32
# The secrets every process of a test system is started with.
TEST_SECRETS = {"JWT_SECRET": TEST_JWT_SECRET, "CERTIFICATE_SIGNING_KEY": TEST_SIGNING_KEY,
                "PSEUDONYM_KEY": TEST_PSEUDONYM_KEY}


@pytest.fixture(scope="session")
def make_vhost():
    """make_vhost() -> the URI of a fresh vhost on the real broker, removed at
    the end of the run. Each tier that runs services gets its own, so one
    tier's long-lived processes never answer another tier's RPCs.
    TEST_AMQP_URI points the suite at a broker this machine cannot administer
    (every tier then shares it)."""
    if os.environ.get("TEST_AMQP_URI"):
        yield lambda: os.environ["TEST_AMQP_URI"]
        return
    if not rabbit_vhost.available():
        pytest.exit("rabbitmqctl not found: run `make test` (it starts RabbitMQ) "
                    "or set TEST_AMQP_URI", returncode=2)
    made = []

    def make():
        vhost, uri = rabbit_vhost.create("hongyi-test")
        made.append(vhost)
        return uri
    yield make
    for vhost in made:
        rabbit_vhost.delete(vhost)


@pytest.fixture(scope="session")
def amqp_uri(make_vhost):
    """The vhost of the in-process (integration) tier."""
    return make_vhost()


@pytest.fixture
def rabbit_config(amqp_uri):
    """Replaces nameko's fixture (which needs the management plugin)."""
    return {"AMQP_URI": amqp_uri}


@pytest.fixture(scope="session")
def mongo_uri():
    """MONGO_URI if given (a real MongoDB), else an in-memory embedded server."""
    with embedded_mongo.given_or_temporary() as uri:
        yield uri


@pytest.fixture
def db_prefix():
    """Databases of one test never meet another's."""
    return "t{}_".format(uuid.uuid4().hex[:10])


@pytest.fixture
def mongo_client(mongo_uri):
    client = connect(mongo_uri)
    yield client
    client.close()


@pytest.fixture
def service_config(amqp_uri, mongo_uri, db_prefix):
    """The config a service container runs with in integration tests."""
    return {
        "AMQP_URI": amqp_uri,
        "MONGO_URI": mongo_uri,
        "MONGO_DB_PREFIX": db_prefix,
        "serializer": "json",
        "max_workers": 10,
        "JWT_SECRET": TEST_JWT_SECRET,
        "CERTIFICATE_SIGNING_KEY": TEST_SIGNING_KEY,
        "PSEUDONYM_KEY": TEST_PSEUDONYM_KEY,
        "PUBLIC_URL": "http://127.0.0.1:8000",
        "ACCESS_TOKEN_TTL_SECONDS": 900,
        "REFRESH_TOKEN_TTL_SECONDS": 3600,
        "LOGIN_MAX_FAILURES": 3,
        "LOGIN_LOCK_SECONDS": 60,
        "REFRESH_REUSE_GRACE_SECONDS": 10,
    }


# Counting up from a random start: unique within a run, unlikely to meet
# another run's phones in a shared database.
_phones = itertools.count(random.randrange(10**7, 9 * 10**7))


def unique_phone():
    return "139{:08d}".format(next(_phones))


@pytest.fixture
def make_registration():
    """Factory: a valid registration body; override any field."""
    def make(**overrides):
        body = {"phone": unique_phone(), "password": "Hongyi2026", "name": "赵凯锋",
                "occupation": "food_delivery", "platform": "饿了么", "district": "武原街道"}
        body.update(overrides)
        return body
    return make
