"""The event catalog: an AsyncAPI 3.0.0 document of every event another
department can subscribe to, generated from the event schemas
(``shared.event_schemas.EVENT_SCHEMAS``), so a new event is in it by being
written. The gateway serves it at /asyncapi.json and as a page at
/docs/events (gateway/event_catalog.py).

It shows each event as a department receives it from the feeds service
(services/feeds/, shared/department_feed.py): a CloudEvent in structured mode
on the topic exchange ``feeds.departments`` under the routing key
``<department>.<source>.<type>``, its ``data`` with the withheld fields left
out and person ids replaced by pseudonyms (shared/event_privacy.py). Where the
event comes from inside the platform is kept beside each channel, in the
``x-platform-exchange`` and ``x-platform-routing-key`` extensions.
"""
import inspect
from urllib.parse import urlsplit

from apispec.ext.marshmallow import OpenAPIConverter
from marshmallow import fields, validate

from shared.config import setting
from shared.department_feed import (CLOUDEVENTS_JSON, DEPARTMENT, DEPARTMENT_EXCHANGE,
                                    REPLAYED, department_broker, department_queue,
                                    department_user, event_type_name, routing_key, vhost_of)
from shared.event_privacy import (PHONE_BLOTTED, PSEUDONYM, WITHHELD, kind_of, nested_schema,
                                  personal_fields)
from shared.event_schemas import EVENT_SCHEMAS
from shared.events import SPEC_VERSION
from shared.topology import events_exchange

ASYNCAPI_VERSION = "3.0.0"
AMQP_BINDING_VERSION = "0.3.0"
AMQP_PORTS = {"amqp": 5672, "amqps": 5671}
BROKER = "broker"
DEPARTMENT_USER = "departmentUser"
# A channel address expression: the department's id in its routing keys.
DEPARTMENT_PARAMETER = "{" + DEPARTMENT + "}"
PSEUDONYM_NOTE = "pseudonym: stable for your department, different for every other department"
WITHHELD_NOTE = "withheld: never sent"
# The CloudEvents attributes a department can rely on being there.
ENVELOPE_REQUIRED = ("specversion", "id", "source", "type", "time", "datacontenttype",
                     DEPARTMENT, REPLAYED, "data")

DESCRIPTION = "\n\n".join([
    "Events of the Hongyi (红驿) platform that another government department can subscribe "
    "to. Each message below is one event type exactly as your department receives it: a "
    "CloudEvents 1.0 event in structured mode (`{content_type}`), the envelope and its `data` "
    "in one JSON document.",
    "## Delivery",
    "Each subscription is delivered one of two ways:",
    "- **Your own queue**: the durable AMQP queue `{queue}` on the broker below, read with "
    "your own broker user `{user}`. It is bound to the topic exchange `{exchange}` with the "
    "routing key `{key}` of each event type you subscribed to.\n"
    "- **Webhook**: an HTTPS POST of each event to your URL, the body being the CloudEvent in "
    "structured mode, signed as Standard Webhooks (https://www.standardwebhooks.com/) "
    "describes: headers `webhook-id` (the event's `id`), `webhook-timestamp` and "
    "`webhook-signature`. Answer with a 2xx status once you have stored the event; any other "
    "answer is retried later.",
    "## At least once",
    "An event may reach you more than once (after a retry or a lost acknowledgement), every "
    "copy with the same `id`: drop repeats by `id`.",
    "## Order",
    "Events of one type from one service mostly arrive in the order they were published; "
    "nothing is promised across services or after a retry, so order by `time` where it "
    "matters. A replay delivers archived events again in their original time order, with the "
    "ids they had before and marked `{replayed}: true`.",
    "## Privacy",
    "You never receive a person's name, a phone number or a membership number: those fields "
    "are withheld. Ids of people, and of records tied to one person (an application, a "
    "sign-up, a points entry), are pseudonyms: stable for your department and different for "
    "every other department, so no two departments can join their data on them; the "
    "envelope's `id` is your department's own too. Phone numbers in free text are replaced by "
    "`{blotted}`. Each message lists its personal fields and what is done with them in "
    "`x-personal`.",
]).format(content_type=CLOUDEVENTS_JSON, queue=department_queue("<your id>"),
          user=department_user("<your id>"), exchange=DEPARTMENT_EXCHANGE,
          key=routing_key("<your id>", "<source>", "<type>"), replayed=REPLAYED,
          blotted=PHONE_BLOTTED)


class Converter(OpenAPIConverter):
    """apispec's marshmallow converter, speaking OpenAPI 3.1, whose schemas
    are JSON Schema (a type list with "null" for allow_none, not OpenAPI
    3.0's ``nullable``), which is what an AsyncAPI schema is."""

    def __init__(self):
        # Nested schemas are shown by data_as_received, never referenced.
        super().__init__("3.1.0", schema_name_resolver=lambda schema: None, spec=None)

    def init_attribute_functions(self):
        super().init_attribute_functions()
        self.add_attribute_function(exclusive_bounds)


def exclusive_bounds(self, field, ret, **kwargs):
    """A Range that leaves its bound out (hours > 0) as draft-07's
    exclusiveMinimum/exclusiveMaximum: apispec publishes every bound as inclusive."""
    bounds = {}
    for rule in field.validators:
        if not isinstance(rule, validate.Range):
            continue
        if rule.min is not None and not rule.min_inclusive and ret.get("minimum") == rule.min:
            bounds["exclusiveMinimum"] = ret.pop("minimum")
        if rule.max is not None and not rule.max_inclusive and ret.get("maximum") == rule.max:
            bounds["exclusiveMaximum"] = ret.pop("maximum")
    return bounds


def build_document():
    converter = Converter()
    channels, messages, operations = {}, {}, {}
    for (source, event_type), schema_cls in EVENT_SCHEMAS.items():
        name = event_type_name(source, event_type)
        channels[name] = channel(source, event_type)
        messages[name] = message(source, event_type, schema_cls(), converter)
        operations[name] = operation(source, event_type)
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": "Hongyi 红驿 events for departments", "version": "1.0.0",
                 "description": DESCRIPTION, "tags": source_tags()},
        "defaultContentType": CLOUDEVENTS_JSON,
        "servers": {BROKER: broker_server()},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "securitySchemes": {DEPARTMENT_USER: {
            "type": "userPassword",
            "description": "Your department's own broker user `{}`.".format(
                department_user("<your id>"))}}},
    }


def broker_url():
    """The broker as departments reach it; only its host, port and vhost are shown."""
    return department_broker(setting("DEPARTMENT_AMQP_URL"), setting("AMQP_URI"))


def broker_server():
    uri = urlsplit(broker_url())
    return {"host": "{}:{}".format(uri.hostname, uri.port or AMQP_PORTS[uri.scheme]),
            "protocol": uri.scheme, "protocolVersion": "0.9.1",
            "description": "The platform's RabbitMQ broker (vhost `{}`).".format(
                vhost_of(broker_url())),
            "security": [{"$ref": "#/components/securitySchemes/" + DEPARTMENT_USER}]}


def channel(source, event_type):
    name = event_type_name(source, event_type)
    return {
        "address": routing_key(DEPARTMENT_PARAMETER, source, event_type),
        "title": name,
        "description": "Delivered to your queue `{}` (bound with this routing key) or your "
                       "webhook.".format(department_queue(DEPARTMENT_PARAMETER)),
        "servers": [{"$ref": "#/servers/" + BROKER}],
        "parameters": {DEPARTMENT: {"description": "your department's id",
                                    "location": "$message.payload#/" + DEPARTMENT}},
        "messages": {event_type: {"$ref": "#/components/messages/" + name}},
        "bindings": {"amqp": {"is": "routingKey", "bindingVersion": AMQP_BINDING_VERSION,
                              "exchange": {"name": DEPARTMENT_EXCHANGE, "type": "topic",
                                           "durable": True, "autoDelete": False,
                                           "vhost": vhost_of(broker_url())}}},
        "x-platform-exchange": events_exchange(source).name,
        "x-platform-routing-key": event_type,
    }


def operation(source, event_type):
    name = event_type_name(source, event_type)
    return {"action": "receive", "title": name, "tags": [{"name": source}],
            "channel": {"$ref": "#/channels/" + name},
            "messages": [{"$ref": "#/channels/{}/messages/{}".format(name, event_type)}]}


def message(source, event_type, schema, converter):
    shown = {"name": event_type, "title": event_type_name(source, event_type),
             "contentType": CLOUDEVENTS_JSON, "tags": [{"name": source}]}
    description = docstring(type(schema))
    if description:
        shown["description"] = description
    shown["payload"] = envelope(source, event_type, data_as_received(schema, converter))
    shown["x-personal"] = personal_fields(schema)
    return shown


def docstring(owner):
    """``owner``'s own docstring (not one inherited), as CommonMark."""
    if not owner.__doc__:
        return None
    return inspect.cleandoc(owner.__doc__).replace("``", "`")


def source_tags():
    """A tag per source, in EVENT_SCHEMAS' order: the page's table of contents."""
    return [{"name": source} for source in dict.fromkeys(source for source, _ in EVENT_SCHEMAS)]


def envelope_attributes():
    """The CloudEvents attributes of every event a department receives, ``data`` aside."""
    return {
        "specversion": {"type": "string", "const": SPEC_VERSION},
        "id": {"type": "string", "description": "the event's id for your department: the "
               "same on every copy you receive, different for every other department"},
        "source": {"type": "string", "description": "the platform service that published it"},
        "type": {"type": "string", "description": "what happened, in the past tense"},
        "time": {"type": "string", "format": "date-time",
                 "description": "when it happened (RFC 3339)"},
        "datacontenttype": {"type": "string", "const": "application/json"},
        DEPARTMENT: {"type": "string", "description": "your department's id"},
        REPLAYED: {"type": "boolean", "description": "true when delivered again by a replay"},
    }


def envelope(source, event_type, data):
    properties = envelope_attributes()
    properties["source"]["const"] = source
    properties["type"]["const"] = event_type
    properties["data"] = data
    return {"type": "object", "required": list(ENVELOPE_REQUIRED), "properties": properties}


def data_as_received(schema, converter):
    """JSON Schema of data dumped by ``schema`` as a department receives it
    (shared.event_privacy.for_department): withheld fields absent, person
    ids pseudonyms, nested schemas likewise."""
    properties, required = {}, []
    for name, field in schema.fields.items():
        if kind_of(field) == WITHHELD:
            continue
        key = field.data_key or name
        properties[key] = property_as_received(field, converter)
        if field.required:
            required.append(key)
    shown = {"type": "object", "properties": properties}
    if required:
        shown["required"] = required
    return shown


def property_as_received(field, converter):
    if kind_of(field) == PSEUDONYM:
        return or_null(field, pseudonym_property(field))
    inner = nested_schema(field)
    if inner is not None:
        shown = data_as_received(inner, converter)
        if isinstance(field, fields.List):
            shown = {"type": "array", "items": shown}
        return or_null(field, described(field, shown))
    return plain_property(field, converter)


def pseudonym_property(field):
    # What a pseudonym is, not what the id was: its own pattern or length no longer hold.
    own = field.metadata.get("description")
    shown = ({"type": "array", "items": {"type": "string"}}
             if isinstance(field, fields.List) else {"type": "string"})
    shown["description"] = "{}; {}".format(own, PSEUDONYM_NOTE) if own else PSEUDONYM_NOTE
    return shown


def plain_property(field, converter):
    shown = converter.field2property(field)
    # A load default is how our consumers read a field left out; a department
    # gets what was dumped, and a field left out stays out.
    shown.pop("default", None)
    if "example" in shown:  # OpenAPI's keyword; JSON Schema's is a list
        shown["examples"] = [shown.pop("example")]
    return shown


def described(field, shown):
    if "description" in field.metadata:
        shown["description"] = field.metadata["description"]
    return shown


def or_null(field, shown):
    if field.allow_none:
        shown["type"] = [shown["type"], "null"]
    return shown
