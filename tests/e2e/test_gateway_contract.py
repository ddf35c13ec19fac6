"""The gateway's own contract: the OpenAPI document and its docs page, the
health report, and a 503 (not a hang, not a 500) when the broker is gone."""
import os
import re
import signal
import subprocess
import time

import pytest
import requests

from gateway.routes import ROUTES
from scripts import embedded_mongo
from scripts.system import ROOT, gateway_command
from tests.e2e.conftest import assert_error

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def openapi_path(flask_path):
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", flask_path)


@pytest.fixture(scope="module")
def document(system):
    response = requests.get(system.url + "/openapi.json", timeout=15)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def test_openapi_document_is_valid_openapi_3(document):
    from openapi_spec_validator import validate  # pinned in requirements-dev.txt
    assert document["openapi"].startswith("3.")
    validate(document)  # raises on any violation of the OpenAPI 3 schema


def test_openapi_documents_every_route_with_its_method(document):
    documented = {(method.upper(), path)
                  for path, item in document["paths"].items()
                  for method in item if method in HTTP_METHODS}
    served = {(route.method, openapi_path(route.path)) for route in ROUTES}
    assert served <= documented, served - documented
    assert documented <= served, documented - served  # nothing documented that is not served


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: "{} {}".format(r.method, r.path))
def test_each_operation_says_how_to_call_it(document, route):
    operation = document["paths"][openapi_path(route.path)][route.method.lower()]
    assert str(route.status) in operation["responses"]
    assert ("requestBody" in operation) == (route.body is not None)
    assert bool(operation.get("security")) == (not route.public)
    path_names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
    assert path_names == set(re.findall(r"<(?:\w+:)?(\w+)>", route.path))
    error = operation["responses"]["422"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/ErrorBody"}


def test_docs_page_uses_only_local_static_files_that_are_served(system):
    page = requests.get(system.url + "/docs", timeout=15)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert any(ref.endswith(".js") for ref in references)
    assert any(ref.endswith(".css") for ref in references)
    assert "/openapi.json" in page.text
    for ref in references:
        assert ref.startswith("/docs/static/"), ref  # nothing from the network
        static = requests.get(system.url + ref, timeout=15)
        assert static.status_code == 200, ref
        assert len(static.content) > 1000, ref


@pytest.mark.parametrize("path", ["/docs/static/no-such-file.js",
                                  "/docs/static/%2e%2e/%2e%2e/gateway/app.py",
                                  "/docs/static/..%2f..%2fgateway%2fapp.py"])
def test_docs_static_serves_nothing_else(system, path):
    response = requests.get(system.url + path, timeout=15)
    assert_error(response, 404, "NOT_FOUND")


def test_health_reports_broker_and_identity_ok(system):
    response = requests.get(system.url + "/health", timeout=15)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["broker"] == "ok"
    assert body["services"]["identity"] == "ok"


# ---- the broker is gone ----------------------------------------------------

@pytest.fixture(scope="module")
def gateway_without_broker(system):
    """A second gunicorn gateway, like the system's, whose broker port is closed."""
    port = embedded_mongo.free_port()
    env = dict(system.env, PORT=str(port), GATEWAY_WORKERS="1",
               AMQP_URI="amqp://guest:guest@127.0.0.1:{}/".format(embedded_mongo.free_port()))
    process = subprocess.Popen(gateway_command(), cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    url = "http://127.0.0.1:{}".format(port)
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url + "/openapi.json", timeout=5)  # answered without the broker
            break
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "the second gateway did not start"
            assert process.poll() is None, "the second gateway exited"
            time.sleep(0.2)
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def timed(method, url, **kwargs):
    started = time.monotonic()
    # The client's own timeout is far above the bound, so a hang shows as slow, not as an error.
    response = requests.request(method, url, timeout=60, **kwargs)
    return response, time.monotonic() - started


@pytest.fixture(scope="module")
def limit_seconds(system):
    return int(system.env["RPC_TIMEOUT_SECONDS"]) + 2


def test_broker_down_answers_503_in_time(gateway_without_broker, new_worker, limit_seconds):
    worker = new_worker()  # on the working system; its token is valid at either gateway
    calls = [
        ("GET", "/api/v1/me", {"headers": worker.headers}),
        ("POST", "/api/v1/auth/login", {"json": {"phone": worker.body["phone"],
                                                  "password": worker.body["password"]}}),
        ("GET", "/api/v1/ping", {}),
        ("GET", "/api/v1/me", {"headers": worker.headers}),  # again: no broken proxy kept
    ]
    for method, path, kwargs in calls:
        response, elapsed = timed(method, gateway_without_broker + path, **kwargs)
        assert_error(response, 503, "SERVICE_UNAVAILABLE")
        assert response.headers["Retry-After"].isdigit()
        assert elapsed < limit_seconds, "{} {} took {:.1f}s".format(method, path, elapsed)


def test_broker_down_health_is_503(gateway_without_broker, limit_seconds):
    response, elapsed = timed("GET", gateway_without_broker + "/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["broker"] == "unavailable"
    assert body["services"]["identity"] == "unavailable"
    assert elapsed < limit_seconds


def test_broker_down_still_checks_requests_first(gateway_without_broker):
    """The gateway authenticates and validates before it needs the broker."""
    url = gateway_without_broker
    assert_error(requests.get(url + "/api/v1/me", timeout=15), 401, "AUTH_REQUIRED")
    assert_error(requests.post(url + "/api/v1/auth/login", data="{", timeout=15),
                 400, "MALFORMED_JSON")
    assert_error(requests.post(url + "/api/v1/auth/login", json={"phone": {"$gt": ""}},
                               timeout=15), 422, "VALIDATION_FAILED")
    assert requests.get(url + "/openapi.json", timeout=15).status_code == 200
