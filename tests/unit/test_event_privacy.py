"""What a department receives of every event type: no name, no phone, no
membership number, person ids only as its own pseudonyms, and no id two
departments could join on (shared/event_privacy.py, services/feeds/messages.py)."""
import json
import re

import pytest
from marshmallow import fields

from services.feeds.messages import department_event, event_id, http_body, pseudonym
from shared.event_privacy import (PHONE_BLOTTED, PSEUDONYM, WITHHELD, blot_phones,
                                  personal_fields)
from shared.event_schemas import EVENT_SCHEMAS
from shared.events import new_event
from tests.support.event_samples import AT, NAME, PERSON_ID, PHONE, sample

KEY = bytes.fromhex("9a" * 32)
EVERY_EVENT = sorted(EVENT_SCHEMAS)
# Field names that hold a person, or a record of one person, wherever they appear.
PERSONAL_NAMES = re.compile(r"(^|_)(worker|owner|organizer|keeper|holder|member|applicant)s?"
                            r"(_ids?|_number)?$|_by$|phone|contact|^name$|"
                            r"^(application|signup|entry)_id$")
# Names that match but hold no person: a station's or a company's name.
NOT_A_PERSON = {("stations", "name"), ("jobs", "name")}


def received(source, event_type, department="dept-a"):
    envelope = new_event(source, event_type, sample(EVENT_SCHEMAS[(source, event_type)]()),
                         now=AT)
    return envelope, department_event(envelope, department, KEY)


@pytest.mark.parametrize("source,event_type", EVERY_EVENT)
def test_no_name_phone_or_person_id_reaches_a_department(source, event_type):
    envelope, event = received(source, event_type)
    body = http_body(event).decode()
    text = json.dumps(json.loads(body), ensure_ascii=False)
    assert PHONE not in text and "138****1234" not in text and NAME not in text
    assert PERSON_ID not in text
    assert envelope["id"] not in text  # the department's own event id
    assert json.loads(body)["type"] == event_type


@pytest.mark.parametrize("source,event_type", EVERY_EVENT)
def test_person_fields_are_pseudonyms_and_withheld_fields_are_gone(source, event_type):
    _, event = received(source, event_type)
    data = event.get_data()
    for path, kind in personal_fields(EVENT_SCHEMAS[(source, event_type)]()).items():
        assert "." not in path  # no nested personal field today; the walk would need one
        if kind == WITHHELD:
            assert path not in data
        else:
            value = data[path]
            values = value if isinstance(value, list) else [value]
            assert values == [pseudonym(KEY, "dept-a", PERSON_ID)] * len(values)


@pytest.mark.parametrize("source,event_type", EVERY_EVENT)
def test_every_field_that_names_a_person_is_declared(source, event_type):
    schema = EVENT_SCHEMAS[(source, event_type)]()
    declared = personal_fields(schema)
    undeclared = [name for name, field in schema.fields.items()
                  if PERSONAL_NAMES.search(name) and name not in declared
                  and not isinstance(field, (fields.Boolean, fields.Number))
                  and (source, name) not in NOT_A_PERSON]
    assert undeclared == []


def test_pseudonyms_are_stable_per_department_and_differ_between_departments():
    first, second = pseudonym(KEY, "a", PERSON_ID), pseudonym(KEY, "a", PERSON_ID)
    other = pseudonym(KEY, "b", PERSON_ID)
    assert first == second and first != other and first.startswith("p_")
    assert pseudonym(KEY, "a", "w-other") != first
    assert pseudonym(bytes(32), "a", PERSON_ID) != first  # the key is what makes them


def test_two_departments_get_different_ids_for_one_event():
    envelope, at_a = received("stations", "station_visited", "a")
    again_a = department_event(envelope, "a", KEY)
    at_b = department_event(envelope, "b", KEY)
    assert at_a.get_id() == again_a.get_id() == event_id(KEY, "a", envelope["id"])
    assert at_a.get_id() != at_b.get_id()
    assert at_a.get_data()["worker_id"] != at_b.get_data()["worker_id"]


def test_phone_numbers_in_free_text_are_blotted_and_other_numbers_kept():
    assert blot_phones("请拨13912345678或139****5678") == "请拨{0}或{0}".format(PHONE_BLOTTED)
    assert blot_phones({"note": ["电话 15000000000"], "n": 3}) == {
        "note": ["电话 " + PHONE_BLOTTED], "n": 3}
    # Not a mobile number: an order number, a landline, a price.
    for kept in ("订单 213800001234567", "0573-86000000", "每单 6.5 元"):
        assert blot_phones(kept) == kept


def test_a_field_the_schema_does_not_declare_is_not_passed_on():
    envelope = new_event("stations", "station_visited", sample(
        EVENT_SCHEMAS[("stations", "station_visited")]()), now=AT)
    envelope["data"]["contact_phone"] = PHONE  # a producer ahead of this code
    assert "contact_phone" not in department_event(envelope, "a", KEY).get_data()


def test_the_declarations_are_what_the_schemas_say():
    assert personal_fields(EVENT_SCHEMAS[("identity", "worker_registered")]()) == {
        "worker_id": PSEUDONYM, "name": WITHHELD, "phone_masked": WITHHELD}
