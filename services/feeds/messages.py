"""An event as one department receives it: a CloudEvent (the CloudEvents
SDK's, in structured mode) whose data has been through the privacy rules
(shared/event_privacy.py), whose person ids are this department's
pseudonyms, and whose id is this department's own.

The id is derived, not the platform's: two departments given the same id
for one event could join their pseudonyms on it. It is the same every time
the event is delivered to that department (retries, replays), so a
department drops repeats by it.
"""
import base64
import hashlib
import hmac
import uuid
from datetime import datetime

from cloudevents.core.bindings import http, rabbitmq
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from shared.department_feed import DEPARTMENT, REPLAYED
from shared.event_privacy import for_department
from shared.events import schema_for

FORMAT = JSONFormat()


def _digest(key, department_id, purpose, value):
    text = "{}\x00{}\x00{}".format(department_id, purpose, value)
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def pseudonym(key, department_id, value):
    """A person id (or a record tied to one person) as ``department_id`` sees
    it: stable for that department, unrelated for every other."""
    code = base64.b32encode(_digest(key, department_id, "person", value)[:15])
    return "p_" + code.decode().lower()


def event_id(key, department_id, platform_event_id):
    return str(uuid.UUID(bytes=_digest(key, department_id, "event", platform_event_id)[:16],
                         version=4))


def department_event(envelope, department_id, key, replayed=False):
    data = for_department(schema_for(envelope["source"], envelope["type"]),
                          envelope["data"],
                          lambda value: pseudonym(key, department_id, value))
    return CloudEvent({
        "id": event_id(key, department_id, envelope["id"]),
        "source": envelope["source"],
        "type": envelope["type"],
        "time": datetime.fromisoformat(envelope["time"]),
        "datacontenttype": "application/json",
        DEPARTMENT: department_id,
        REPLAYED: replayed,
    }, data)


def http_body(event):
    """The POST body (structured mode: the whole CloudEvent as JSON)."""
    return http.to_structured(event, FORMAT).body


def amqp_message(event):
    """(content type, body) of the message put on the department's queue."""
    message = rabbitmq.to_structured(event, FORMAT)
    return message.content_type, message.body
