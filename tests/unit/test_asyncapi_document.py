"""The event catalog (gateway/asyncapi.py): an AsyncAPI 3.0.0 document built
from the event schemas, showing each event as a department receives it.

It is validated against tests/data/asyncapi-3.0.0.schema.json: the AsyncAPI
specification's own JSON Schema for 3.0.0, ``schemas/3.0.0-without-$id.json``
of the npm package @asyncapi/specs 6.11.1 (Apache-2.0), copied unchanged.
"""
import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest
from marshmallow import Schema, fields

from gateway.asyncapi import PSEUDONYM_NOTE, build_document
from services.feeds.messages import amqp_message, department_event, http_body
from shared.department_feed import CLOUDEVENTS_JSON, DEPARTMENT_EXCHANGE, routing_key
from shared.event_privacy import PSEUDONYM, WITHHELD, personal, personal_fields
from shared.event_schemas import EVENT_SCHEMAS
from shared.event_schemas.base import EventData
from shared.events import new_event

ASYNCAPI_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "asyncapi-3.0.0.schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def document():
    return build_document()


def asyncapi_errors(validator, document):
    return ["{}: {}".format("/".join(map(str, e.absolute_path)), e.message)
            for e in validator.iter_errors(document)]


def name_of(source, event_type):
    return "{}.{}".format(source, event_type)


def data_schema(document, source, event_type):
    message = document["components"]["messages"][name_of(source, event_type)]
    return message["payload"]["properties"]["data"]


def property_at(schema, path):
    """The property at a dotted path (``shifts.shift_id``), through arrays; None if absent."""
    for name in path.split("."):
        schema = schema.get("items", schema).get("properties", {}).get(name)
        if schema is None:
            return None
    return schema


def resolve(document, ref):
    """What a local reference points to, through references to references."""
    node = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return resolve(document, node["$ref"]) if "$ref" in node else node


def refs_in(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_in(value)


def keys_in(node):
    if isinstance(node, dict):
        yield from node
        for value in node.values():
            yield from keys_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from keys_in(value)


def test_the_vendored_schema_is_the_asyncapi_3_0_0_specification():
    schema = json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["title"] == "AsyncAPI 3.0.0 schema."
    assert schema["properties"]["asyncapi"]["const"] == "3.0.0"


def test_the_document_is_valid_asyncapi_3_0_0(validator, document):
    assert asyncapi_errors(validator, document) == []


def break_version(document):
    document["asyncapi"] = "2.6.0"


def break_channel(document):  # AsyncAPI 2's name for what 3 calls the address
    document["channels"]["identity.worker_registered"]["name"] = "identity"


def break_operation(document):  # AsyncAPI 2's verb; 3 has send and receive
    document["operations"]["identity.worker_registered"]["action"] = "subscribe"


def break_binding(document):
    binding = document["channels"]["identity.worker_registered"]["bindings"]["amqp"]
    binding["exchange"]["type"] = "broadcast"


def break_payload(document):
    data = data_schema(document, "identity", "worker_registered")
    data["properties"]["district"]["type"] = "text"


@pytest.mark.parametrize("breaking, where", [
    (break_version, "asyncapi"),
    (break_channel, "channels/identity.worker_registered"),
    (break_operation, "operations/identity.worker_registered"),
    (break_binding, "channels/identity.worker_registered"),
    (break_payload, "components/messages/identity.worker_registered")])
def test_the_check_rejects_a_broken_document(validator, document, breaking, where):
    broken = copy.deepcopy(document)
    breaking(broken)
    errors = asyncapi_errors(validator, broken)
    assert errors and all(error.startswith(where + ":") for error in errors), errors


def test_no_openapi_only_keyword_is_left(document):
    # The AsyncAPI schema lets unknown keywords through, so it cannot catch these.
    assert {"nullable", "example"} & set(keys_in(document["components"])) == set()


def test_every_reference_resolves(document):
    for ref in refs_in(document):
        assert resolve(document, ref) is not None, ref


def test_every_event_has_a_channel_a_message_and_an_operation(document):
    assert len(document["channels"]) == len(EVENT_SCHEMAS)
    for source, event_type in EVENT_SCHEMAS:
        name = name_of(source, event_type)
        channel = document["channels"][name]
        assert channel["address"] == routing_key("{department}", source, event_type)
        assert channel["bindings"]["amqp"]["exchange"]["name"] == DEPARTMENT_EXCHANGE
        assert (channel["x-platform-exchange"], channel["x-platform-routing-key"]) == (
            source + ".events", event_type)
        [message_ref] = channel["messages"].values()
        message = resolve(document, message_ref["$ref"])
        assert message["contentType"] == CLOUDEVENTS_JSON
        attributes = message["payload"]["properties"]
        assert (attributes["source"]["const"], attributes["type"]["const"]) == (source,
                                                                                event_type)
        operation = document["operations"][name]
        assert operation["action"] == "receive"
        assert resolve(document, operation["channel"]["$ref"]) is channel
        assert [resolve(document, ref["$ref"]) for ref in operation["messages"]] == [message]


class Guest(Schema):
    guest_id = fields.String(metadata=personal(PSEUDONYM))
    name = fields.String(metadata=personal(WITHHELD))
    age = fields.Integer(allow_none=True)


class MealServed(EventData):
    """A canteen served a worker <a meal>."""
    canteen_id = fields.String(required=True, metadata={"description": "the canteen"})
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    phone = fields.String(required=True, metadata=personal(WITHHELD))
    guests = fields.List(fields.Nested(Guest), required=True)


def test_a_new_event_appears_with_no_other_change(validator, monkeypatch):
    monkeypatch.setitem(EVENT_SCHEMAS, ("canteens", "meal_served"), MealServed)
    document = build_document()
    assert asyncapi_errors(validator, document) == []
    assert "canteens.meal_served" in document["operations"]
    assert {"name": "canteens"} in document["info"]["tags"]
    message = document["components"]["messages"]["canteens.meal_served"]
    assert message["description"] == "A canteen served a worker <a meal>."
    data = message["payload"]["properties"]["data"]
    assert set(data["properties"]) == {"canteen_id", "worker_id", "guests"}
    assert data["properties"]["canteen_id"]["description"] == "the canteen"
    guest = data["properties"]["guests"]["items"]
    assert set(guest["properties"]) == {"guest_id", "age"}
    assert guest["properties"]["age"]["type"] == ["integer", "null"]
    assert message["x-personal"] == {"worker_id": PSEUDONYM, "phone": WITHHELD,
                                     "guests.guest_id": PSEUDONYM, "guests.name": WITHHELD}


def declared(kind):
    """(source, type, dotted path) of every field of every event declared ``kind``."""
    return [(source, event_type, path)
            for (source, event_type), schema_cls in EVENT_SCHEMAS.items()
            for path, found in personal_fields(schema_cls()).items() if found == kind]


def test_withheld_fields_never_appear_in_a_payload(document):
    withheld = declared(WITHHELD)
    assert {path for _, _, path in withheld} >= {"name", "phone_masked", "member_number"}
    for source, event_type, path in withheld:
        assert property_at(data_schema(document, source, event_type), path) is None, \
            name_of(source, event_type) + " " + path


def is_pseudonym(prop):
    return (PSEUDONYM_NOTE in prop.get("description", "")
            and prop.get("items", prop)["type"] == "string")


def test_every_pseudonym_field_is_there_and_described_as_one(document):
    pseudonyms = declared(PSEUDONYM)
    assert len(pseudonyms) > 30
    for source, event_type, path in pseudonyms:
        prop = property_at(data_schema(document, source, event_type), path)
        assert prop is not None and is_pseudonym(prop), name_of(source, event_type) + " " + path


def test_only_pseudonyms_are_described_as_pseudonyms(document):
    described = {(source, event_type, name)
                 for source, event_type in EVENT_SCHEMAS
                 for name, prop in data_schema(document, source, event_type)[
                     "properties"].items() if is_pseudonym(prop)}
    assert described == {(source, event_type, path)
                         for source, event_type, path in declared(PSEUDONYM)}


def test_a_field_s_own_description_is_kept_beside_the_pseudonym_note(document):
    worker_ids = data_schema(document, "courses", "class_cancelled")["properties"]["worker_ids"]
    assert worker_ids["description"] == (
        "everyone who held a seat, an offer or a waitlist place; " + PSEUDONYM_NOTE)
    assert worker_ids["items"] == {"type": "string"}


def test_each_message_lists_its_personal_fields(document):
    for (source, event_type), schema_cls in EVENT_SCHEMAS.items():
        message = document["components"]["messages"][name_of(source, event_type)]
        assert message["x-personal"] == personal_fields(schema_cls())
    registered = document["components"]["messages"]["identity.worker_registered"]
    assert registered["x-personal"] == {"worker_id": PSEUDONYM, "name": WITHHELD,
                                        "phone_masked": WITHHELD}


def test_json_schema_says_what_marshmallow_checks(document):
    hours = data_schema(document, "volunteering", "volunteer_hours_confirmed")[
        "properties"]["hours"]
    assert (hours["exclusiveMinimum"], hours["maximum"]) == (0, 24) and "minimum" not in hours
    quiz = data_schema(document, "learning", "quiz_passed")["properties"]
    assert quiz["quiz_title"]["examples"] == ["第3期"]
    assert quiz["passed_at"] == {"type": "string", "format": "date-time"}
    note = data_schema(document, "stations", "station_status_changed")["properties"]["note"]
    assert note["type"] == ["string", "null"]


def delivered(source, event_type, data):
    """The event as the feeds service delivers it to one department (the body
    of its AMQP message and of its webhook POST), decoded."""
    schema = EVENT_SCHEMAS[(source, event_type)]()
    envelope = new_event(source, event_type, schema.load(data), now=datetime.now(timezone.utc))
    event = department_event(envelope, "hrss", b"k" * 32, replayed=True)
    content_type, body = amqp_message(event)
    assert content_type == CLOUDEVENTS_JSON and http_body(event) == body
    return json.loads(body)


EXAMPLES = [
    ("identity", "worker_registered", {
        "worker_id": "w1", "name": "赵凯锋", "phone_masked": "138****1234",
        "occupation": "food_delivery", "platform": "饿了么", "district": "武原街道",
        "roles": ["worker"], "registered_at": "2026-05-01T08:30:00+00:00"}),
    ("volunteering", "activity_published", {
        "activity_id": "a1", "title": "驿站义诊", "station_id": None, "district": "武原街道",
        "organizer_id": "w2", "at": "2026-05-01T08:30:00+00:00",
        "shifts": [{"shift_id": "s1", "starts_at": "2026-05-02T01:00:00+00:00",
                    "ends_at": "2026-05-02T03:00:00+00:00", "places": 5}]}),
]


@pytest.mark.parametrize("source, event_type, data", EXAMPLES)
def test_what_the_feeds_service_delivers_matches_the_message(document, source, event_type,
                                                             data):
    payload = document["components"]["messages"][name_of(source, event_type)]["payload"]
    check = jsonschema.Draft7Validator(payload, format_checker=jsonschema.FormatChecker())
    event = delivered(source, event_type, data)
    assert list(check.iter_errors(event)) == []
    for wrong in ({"replayed": "no"}, {"type": "other"}, {"time": "yesterday"}):
        assert list(check.iter_errors({**event, **wrong})) != [], wrong


def test_the_broker_is_shown_as_departments_reach_it_without_credentials(monkeypatch):
    monkeypatch.setenv("AMQP_URI", "amqp://gateway:s3cret@rabbit:5673/hongyi")
    monkeypatch.delenv("DEPARTMENT_AMQP_URL", raising=False)
    document = build_document()
    assert "s3cret" not in json.dumps(document)
    assert document["servers"]["broker"]["host"] == "rabbit:5673"
    binding = document["channels"]["identity.worker_registered"]["bindings"]["amqp"]
    assert binding["exchange"]["vhost"] == "hongyi"
    monkeypatch.setenv("DEPARTMENT_AMQP_URL", "amqps://mq.example.gov.cn/%2F")
    server = build_document()["servers"]["broker"]
    assert (server["protocol"], server["host"]) == ("amqps", "mq.example.gov.cn:5671")
