"""The envelope: CloudEvents attribute names and the shared data schemas."""
import uuid
from datetime import datetime, timezone

import pytest
from marshmallow import ValidationError

from shared.clock import utcnow
from shared.events import UnknownEvent, new_event, read_event

FACTS = {"worker_id": "w1", "name": "赵凯锋", "phone_masked": "138****1234",
         "occupation": "courier", "platform": "顺丰", "district": "武原街道",
         "roles": ["worker"], "registered_at": datetime(2026, 11, 28, tzinfo=timezone.utc)}


def test_new_event_has_cloudevents_attributes():
    event = new_event("identity", "worker_registered", FACTS, now=utcnow())
    assert set(event) == {"id", "source", "type", "time", "specversion",
                          "datacontenttype", "data"}
    assert uuid.UUID(event["id"]) and event["specversion"] == "1.0"
    assert event["data"]["registered_at"] == "2026-11-28T00:00:00+00:00"


def test_read_event_loads_data_with_the_same_schema():
    event = read_event(new_event("identity", "worker_registered", FACTS, now=utcnow()))
    assert event["data"]["registered_at"] == FACTS["registered_at"]


def test_producer_cannot_emit_data_that_breaks_the_schema():
    with pytest.raises(ValidationError):
        new_event("identity", "worker_registered", dict(FACTS, worker_id=None), now=utcnow())


def test_unknown_event_type_is_refused():
    with pytest.raises(UnknownEvent):
        new_event("identity", "worker_teleported", FACTS, now=utcnow())


@pytest.mark.parametrize("damage", [{"specversion": "0.3"}, {"id": "not-a-uuid"},
                                    {"time": "yesterday"}, {"data": {"worker_id": "w1"}}])
def test_consumer_refuses_a_damaged_envelope(damage):
    event = new_event("identity", "worker_registered", FACTS, now=utcnow())
    with pytest.raises(ValidationError):
        read_event(dict(event, **damage))
