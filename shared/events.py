"""The event envelope: CloudEvents attribute names, one data schema per event.

``new_event`` builds an envelope whose ``data`` has passed the event's schema;
``read_event`` checks an incoming envelope and loads its ``data`` with the same
schema, so producer and consumer agree by construction.
"""
import uuid

from marshmallow import Schema, ValidationError, fields, validate

from shared.event_schemas import EVENT_SCHEMAS
from shared.schemas import schema_of

SPEC_VERSION = "1.0"


class EnvelopeSchema(Schema):
    id = fields.UUID(required=True)
    source = fields.String(required=True)
    type = fields.String(required=True)
    time = fields.AwareDateTime(required=True, format="iso")
    specversion = fields.String(required=True,
                                validate=validate.Equal(SPEC_VERSION))
    datacontenttype = fields.String(load_default="application/json")
    data = fields.Dict(required=True)


class UnknownEvent(Exception):
    pass


def schema_for(source, event_type):
    """The event's data schema, one instance each (schema_of)."""
    try:
        return schema_of(EVENT_SCHEMAS[(source, event_type)])
    except KeyError:
        raise UnknownEvent("{}.{}".format(source, event_type))


def new_event(source, event_type, data, *, now):
    """An envelope ready to store in the outbox and publish. ``now`` is when
    the fact happened, given by the caller like every store verb's time (the
    envelope's ``time``, by which consumers order facts)."""
    schema = schema_for(source, event_type)
    dumped = schema.dump(data)
    errors = schema.validate(dumped)
    if errors:
        raise ValidationError(errors)
    return {
        "id": str(uuid.uuid4()),
        "source": source,
        "type": event_type,
        # Fixed width, so stored envelopes compare by time as strings.
        "time": now.isoformat(timespec="microseconds"),
        "specversion": SPEC_VERSION,
        "datacontenttype": "application/json",
        "data": dumped,
    }


def read_event(payload):
    """The envelope with ``data`` loaded by its schema; ValidationError if bad."""
    envelope = schema_of(EnvelopeSchema).load(payload)
    envelope["id"] = str(envelope["id"])
    schema = schema_for(envelope["source"], envelope["type"])
    envelope["data"] = schema.load(envelope["data"])
    return envelope
