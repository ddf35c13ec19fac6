"""End-to-end: the real processes (services and gunicorn gateway) over HTTP."""
import pytest
import requests

from scripts import embedded_mongo
from scripts.system import System
from tests.conftest import TEST_JWT_SECRET


@pytest.fixture(scope="session")
def system(amqp_uri, mongo_uri, tmp_path_factory):
    env = {"AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri, "MONGO_DB_PREFIX": "e2e_",
           "JWT_SECRET": TEST_JWT_SECRET, "LOGIN_MAX_FAILURES": "3",
           "LOGIN_LOCK_SECONDS": "60", "RPC_TIMEOUT_SECONDS": "5"}
    logs = tmp_path_factory.mktemp("system-logs")
    with System(env, embedded_mongo.free_port(), log_dir=logs) as running:
        yield running


@pytest.fixture
def api(system):
    """A requests session whose paths are relative to the gateway."""
    class Api(requests.Session):
        def request(self, method, url, *args, **kwargs):
            kwargs.setdefault("timeout", 15)
            return super().request(method, system.url + url, *args, **kwargs)
    with Api() as session:
        yield session
