"""Every route names an RPC its service serves, and the gateway passes that RPC
the arguments it takes (no broker, no database).

The OpenAPI document is generated from the route table, so comparing the two
cannot catch a route whose RPC is missing or misspelt, or whose path
parameters, body, query or headers do not fit the RPC: each would only show
as an error when the route is first called. Here the gateway itself turns a
request for each route into an RPC call, and nameko's own signature check (the
one it runs on every incoming call) says whether the service would take it.
"""
import dataclasses
import importlib
import inspect
import re
from datetime import datetime, timedelta, timezone

import pytest
from nameko.containers import ServiceContainer
from nameko.exceptions import IncorrectSignature
from nameko.rpc import Rpc

import gateway.app
import gateway.requests
from gateway.routes import ROUTES, Route
from shared.caller import WORKER
from shared.errors import NotFound
from shared.tokens import encode_access_token
from tests.conftest import TEST_JWT_SECRET

PATH_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
HEADER_VALUE = "contract-check-1"  # a well-formed Idempotency-Key
# A path parameter's value is its own name, except where the gateway checks
# the value against a list (gateway/requests.PATH_PARAMETERS).
PATH_VALUES = {"role": "employer", "problem": "no_water"}
# What the gateway names a validated body and query string (gateway/app.py).
BODY_ARGUMENT, QUERY_ARGUMENT = "request", "query"


def route_id(route):
    return "{} {}".format(route.method, route.path)


class RecordingPool:
    """Stands in for the RPC pool: notes the call, then answers a domain error
    so the gateway needs no result of the right shape to finish the request."""

    def __init__(self):
        self.calls = []

    def call(self, service, method, context, kwargs=None, changes=False):
        self.calls.append((service, method, kwargs))
        raise NotFound("RECORDED", "recorded")


class Gateway:
    """The gateway's own app serving ``routes``, its RPC pool replaced."""

    def __init__(self, routes):
        self.pool = RecordingPool()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("JWT_SECRET", TEST_JWT_SECRET)
            patch.setattr(gateway.app, "ROUTES", routes)
            self.client = gateway.app.create_app(pool=self.pool, shortcuts={}).test_client()

    def arguments(self, route):
        """The keyword arguments the gateway gives the route's RPC, for a
        request whose path, body, query and headers it accepts."""
        self.pool.calls.clear()
        path = PATH_PARAMETER.sub(lambda m: PATH_VALUES.get(m[1], m[1]), route.path)
        response = self.client.open(path, method=route.method,
                                    headers=request_headers(route),
                                    data="{}" if route.body is not None else None)
        assert response.status_code == 404 and response.json["error"] == "RECORDED", \
            response.json
        [(service, rpc, kwargs)] = self.pool.calls
        assert (service, rpc) == (route.service, route.rpc)
        return kwargs


@pytest.fixture(scope="module", autouse=True)
def any_content_is_valid():
    # What a body and a query string contain is not at stake here, only what
    # they are passed as. (Header arguments are still checked: gateway.app
    # holds its own name for validate, and HEADER_VALUE is well-formed.)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gateway.requests, "validate", lambda schema_class, document: None)
        yield


@pytest.fixture(scope="module")
def served():
    return Gateway(ROUTES)


def request_headers(route):
    headers = {header: HEADER_VALUE for header, _ in route.headers}
    if not route.public:
        headers["Authorization"] = "Bearer " + token_with_roles(route.roles or (WORKER,))
    return headers


def token_with_roles(roles):
    now = datetime.now(timezone.utc)
    return encode_access_token({"sub": "w1", "roles": list(roles), "sid": "s1", "iat": now,
                                "exp": now + timedelta(minutes=5)}, TEST_JWT_SECRET)


def container(service):
    """The nameko container of ``services.<service>``, its entrypoints bound
    as when the service starts (nothing connects until start())."""
    service_class = importlib.import_module("services.{}.service".format(service)).SERVICE
    return ServiceContainer(service_class, {"AMQP_URI": "memory://"})


# Kept here: a bound entrypoint holds its container only by a weak reference.
CONTAINERS = {service: container(service) for service in {route.service for route in ROUTES}}
ENTRYPOINTS = {service: {entrypoint.method_name: entrypoint
                         for entrypoint in container.entrypoints if isinstance(entrypoint, Rpc)}
               for service, container in CONTAINERS.items()}


def contract_breaches(route, kwargs):
    """How the call the gateway makes for ``route`` does not fit its RPC."""
    entrypoint = ENTRYPOINTS.get(route.service, {}).get(route.rpc)
    if entrypoint is None:
        return ["{} serves no RPC {!r}".format(route.service, route.rpc)]
    try:
        entrypoint.check_signature((), kwargs)
    except IncorrectSignature as error:
        return [str(error)]
    # An RPC that reads a body or a query string the route never sends passes
    # the signature check when that parameter has a default.
    parameters = inspect.signature(getattr(CONTAINERS[route.service].service_cls,
                                           route.rpc)).parameters
    return ["{} takes {!r}, which the route never passes".format(route.rpc, name)
            for name in (BODY_ARGUMENT, QUERY_ARGUMENT) if name in parameters and name not in kwargs]


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_each_route_calls_an_rpc_of_its_service_with_what_it_takes(route, served):
    assert contract_breaches(route, served.arguments(route)) == []


def test_the_gateway_passes_path_parameters_body_query_and_headers_by_name():
    route = Route(method="POST", path="/api/v1/things/<thing_id>/parts/<part_id>",
                  service="courses", rpc="any", summary="s", tag="t", body=object,
                  query=object, headers=(("Idempotency-Key", "idempotency_key"),))
    assert Gateway((route,)).arguments(route) == {
        "thing_id": "thing_id", "part_id": "part_id", BODY_ARGUMENT: {}, QUERY_ARGUMENT: {},
        "idempotency_key": HEADER_VALUE}


def changed(name, **fields):
    """The route of RPC ``name``, with ``fields`` changed."""
    [route] = [route for route in ROUTES if route.rpc == name]
    return dataclasses.replace(route, **fields)


@pytest.mark.parametrize("route, breach", [
    pytest.param(changed("get_class", rpc="get_klass"), "courses serves no RPC 'get_klass'",
                 id="missing RPC"),
    pytest.param(changed("get_class", path="/api/v1/classes/<klass_id>"),
                 "get_class() got an unexpected keyword argument 'klass_id'",
                 id="misspelt path parameter"),
    pytest.param(changed("get_class", path="/api/v1/classes"),
                 "get_class() missing 1 required positional argument: 'class_id'",
                 id="path parameter left out"),
    pytest.param(changed("update_class", body=None),
                 "update_class() missing 1 required positional argument: 'request'",
                 id="body left out"),
    pytest.param(changed("get_class", query=object),
                 "get_class() got an unexpected keyword argument 'query'",
                 id="query the RPC does not take"),
    pytest.param(changed("reconcile_balances", query=None),
                 "reconcile_balances takes 'query', which the route never passes",
                 id="query with a default left out"),
    pytest.param(changed("book_seat", headers=(("Idempotency-Key", "idempotency"),),
                         header_schema=None),
                 "book_seat() got an unexpected keyword argument 'idempotency'",
                 id="misspelt header argument"),
])
def test_a_route_that_does_not_fit_its_rpc_is_named(route, breach):
    assert contract_breaches(route, Gateway((route,)).arguments(route)) == [breach]
