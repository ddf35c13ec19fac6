"""The OpenAPI document says what the gateway accepts, so an app can build its
forms from it (gateway/openapi.py): built here without a running system."""
import re
import warnings

import pytest
from marshmallow import ValidationError

from gateway.openapi import build_spec
from services.identity.schemas import RegisterRequest
from shared.domain import MOBILE_PATTERN


@pytest.fixture(scope="module")
def document():
    return build_spec()


def component(document, name):
    return document["components"]["schemas"][name]


def operation(document, method, path):
    return document["paths"][path][method]


def request_schemas(document):
    """Names of the component schemas a client sends (bodies, nested ones)."""
    names, pending = set(), []
    for item in document["paths"].values():
        for op in item.values():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                pending.append(body["schema"]["$ref"].rsplit("/", 1)[-1])
    while pending:
        name = pending.pop()
        if name not in names:
            names.add(name)
            pending += re.findall(r"#/components/schemas/(\w+)", str(component(document, name)))
    return names


def strings_in(schema):
    for prop in schema.get("properties", {}).values():
        prop = prop.get("items", prop)
        if prop.get("type") == "string":
            yield prop


def test_every_string_a_client_sends_is_constrained(document):
    parameters = [p["schema"] for item in document["paths"].values() for op in item.values()
                  for p in op.get("parameters", ())]
    strings = [prop for name in request_schemas(document)
               for prop in strings_in(component(document, name))]
    strings += [schema for schema in parameters if schema.get("type") == "string"]
    assert len(strings) > 80
    unconstrained = [s for s in strings if not ({"pattern", "enum", "format"} & set(s))]
    assert unconstrained == []


def test_registration_publishes_the_phone_and_password_rules(document):
    fields = component(document, "RegisterRequest")["properties"]
    assert fields["phone"]["pattern"] == MOBILE_PATTERN.pattern
    assert (fields["password"]["minLength"], fields["password"]["maxLength"]) == (8, 64)
    assert "pattern" in fields["password"]
    assert "pattern" in fields["name"] and fields["name"]["maxLength"] == 20


@pytest.mark.parametrize("password", ["Hongyi2026", "short1", "onlyletters", "1234567890",
                                      "a1" * 33, "abc 1234", "中文密码abc1", "abcd\x001234"])
def test_the_published_password_rule_is_the_one_checked(document, password):
    published = component(document, "RegisterRequest")["properties"]["password"]
    allowed = (published["minLength"] <= len(password) <= published["maxLength"]
               and re.search(published["pattern"], password) is not None)
    body = {"phone": "13812341234", "password": password, "name": "赵凯锋",
            "occupation": "food_delivery", "platform": "饿了么", "district": "武原街道"}
    try:
        RegisterRequest().load(body)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == allowed


def test_idempotency_key_is_published_required_where_it_is(document):
    def key(method, path):
        (header,) = [p for p in operation(document, method, path)["parameters"]
                     if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key"
        assert header["schema"]["pattern"] == "^[A-Za-z0-9_-]{8,64}$"
        assert "nullable" not in header["schema"]  # left out, never "null"
        return header["required"]
    assert key("post", "/api/v1/rewards/{reward_id}/redemptions") is True
    assert key("post", "/api/v1/points/adjustments") is True
    assert key("post", "/api/v1/classes/{class_id}/bookings") is False


def test_path_parameters_are_published_as_the_gateway_checks_them(document):
    params = {p["name"]: p["schema"] for p in operation(
        document, "put", "/api/v1/workers/{worker_id}/roles/{role}")["parameters"]}
    assert params["role"]["enum"] == ["employer", "station_keeper"]
    assert params["worker_id"]["maxLength"] == 64 and "pattern" in params["worker_id"]


@pytest.mark.parametrize("name", ["ProfileUpdateRequest", "ClassUpdateRequest",
                                  "LessonUpdateRequest", "RewardUpdateRequest"])
def test_a_patch_body_needs_any_one_field(document, name):
    schema = component(document, name)
    assert "required" not in schema
    assert schema["minProperties"] == 1
    assert schema["additionalProperties"] is False


def test_a_body_with_no_required_field_may_be_left_out(document):
    apply = operation(document, "post", "/api/v1/membership/applications")
    assert apply["requestBody"]["required"] is False
    assert operation(document, "post", "/api/v1/auth/register")["requestBody"]["required"]
    # A PATCH has no required field but must change something.
    assert operation(document, "patch", "/api/v1/rewards/{reward_id}")["requestBody"]["required"]


@pytest.mark.parametrize("method, path, words", [
    ("post", "/api/v1/classes", "ends_at after starts_at"),
    ("post", "/api/v1/quizzes", "closes_at after opens_at"),
    ("post", "/api/v1/quiz-attempts/{attempt_id}/submission", "one answer per question_id"),
    ("get", "/api/v1/points/export", "until not before since"),
    # A PATCH: its store checks the same on the edited class or quiz.
    ("patch", "/api/v1/classes/{class_id}", "ends_at after starts_at"),
    ("patch", "/api/v1/quizzes/{quiz_id}", "closes_at after opens_at"),
])
def test_rules_across_fields_are_described(document, method, path, words):
    assert words in operation(document, method, path)["description"]


def test_no_two_schemas_share_a_name():
    """apispec renames a clash (Venue1) with only a warning: the document's
    names would then depend on the order routes are read in."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build_spec()
    clashes = [str(w.message) for w in caught if "Multiple schemas resolved" in str(w.message)]
    assert clashes == []


def test_every_operation_id_is_unique(document):
    """An operation's id is its RPC's name: two services' RPCs of one name
    would give the document two operations of one id, which OpenAPI forbids."""
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()
           if isinstance(op, dict) and "operationId" in op]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
