"""feeds' request and response schemas and the vocabulary they validate with
(a leaf: the gateway imports it, so it imports nothing of the service).

Event types are named ``<source>.<type>`` (``stations.station_visited``), the
catalog's names (GET /asyncapi.json)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.department_feed import event_type_name
from shared.event_schemas import EVENT_SCHEMAS
from shared.schemas import Name, PartialUpdate, StrictBoolean, Text, refuse_repeats

EVENT_TYPE_NAMES = tuple(sorted(event_type_name(source, event_type)
                                for source, event_type in EVENT_SCHEMAS))
AMQP, HTTPS = "amqp", "https"
DELIVERY_KINDS = {AMQP: "消息队列(AMQP,部门专属队列)", HTTPS: "HTTPS 推送(签名 webhook)"}
ACTIVE, PAUSED, REVOKED = "active", "paused", "revoked"
STATUSES = {ACTIVE: "接收中", PAUSED: "已暂停", REVOKED: "已撤销"}


def event_types(**kwargs):
    kwargs.setdefault("metadata", {"description": "catalog names, <source>.<type>"})
    return fields.List(
        fields.String(validate=validate.OneOf(EVENT_TYPE_NAMES, error="没有这种事件类型")),
        validate=validate.Length(min=1, max=len(EVENT_TYPE_NAMES)), **kwargs)


def webhook_url(**kwargs):
    return Text(None, 500, metadata={"description": "https://…, a public address"}, **kwargs)


class DepartmentCreateRequest(Schema):
    name = Name(1, 60, required=True, metadata={"example": "县人力社保局"})
    contact = Name(1, 100, required=True, metadata={"example": "就业科 王科长 0573-86000000"})
    purpose = Text(1, 500, required=True, multiline=True,
                   metadata={"example": "掌握新就业形态劳动者的岗位供需"})
    event_types = event_types(required=True)
    delivery = fields.String(required=True, validate=validate.OneOf(tuple(DELIVERY_KINDS)))
    webhook_url = webhook_url(load_default=None)

    @validates_schema
    def check_delivery(self, data, **kwargs):
        """A webhook URL with HTTPS delivery, and only with it; each event type once."""
        refuse_repeats(data, "event_types", None, "事件类型不能重复")
        if data.get("delivery") == HTTPS and not data.get("webhook_url"):
            raise ValidationError({"webhook_url": ["HTTPS 推送须填写推送地址"]})
        if data.get("delivery") == AMQP and data.get("webhook_url"):
            raise ValidationError({"webhook_url": ["消息队列接收不需要推送地址"]})


class DepartmentUpdateRequest(PartialUpdate, Schema):
    event_types = event_types()
    paused = StrictBoolean(metadata={"description": "false resumes, and replays what "
                                                   "was published while paused"})
    contact = Name(1, 100)
    purpose = Text(1, 500, multiline=True)
    webhook_url = webhook_url()

    @validates_schema
    def check_types(self, data, **kwargs):
        """Each event type once."""
        refuse_repeats(data, "event_types", None, "事件类型不能重复")


class DepartmentStats(Schema):
    delivered = fields.Integer(metadata={"description": "events handed over"})
    waiting = fields.Integer(metadata={"description": "not yet taken: in its queue, or "
                                                      "webhook deliveries not yet accepted"})
    failed = fields.Integer(metadata={"description": "webhook deliveries parked after a "
                                                     "day of failures"})
    last_delivery_at = fields.AwareDateTime(allow_none=True)
    lag_seconds = fields.Float(metadata={"description": "age of the oldest event not yet "
                                                        "taken (0: none waiting)"})


class DepartmentView(Schema):
    id = fields.String()
    name = fields.String()
    contact = fields.String()
    purpose = fields.String()
    event_types = fields.List(fields.String())
    delivery = fields.String()
    webhook_url = fields.String(allow_none=True)
    status = fields.String(metadata={"description": ", ".join(STATUSES)})
    status_label = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime(allow_none=True)
    stats = fields.Nested(DepartmentStats)


class DepartmentList(Schema):
    items = fields.List(fields.Nested(DepartmentView))


class AmqpCredentials(Schema):
    url = fields.String(metadata={"description": "amqp://user:password@host:port/vhost"})
    queue = fields.String()
    username = fields.String()
    password = fields.String()


class Credentials(Schema):
    """Shown once: only hashes are kept, or the broker keeps them."""
    department_id = fields.String()
    api_key = fields.String(metadata={"description": "X-Department-Key, for the "
                                                     "department's own replays"})
    amqp = fields.Nested(AmqpCredentials, allow_none=True)
    webhook_secret = fields.String(allow_none=True, metadata={
        "description": "Standard Webhooks secret (whsec_…) to check signatures"})


class DepartmentCreated(Schema):
    department = fields.Nested(DepartmentView)
    credentials = fields.Nested(Credentials)


class ReplayRequest(Schema):
    since = fields.AwareDateTime(required=True, metadata={"example": "2026-12-01T00:00:00+08:00"})
    until = fields.AwareDateTime(load_default=None, metadata={"description": "default: now"})
    event_types = event_types(load_default=None, metadata={
        "description": "default: every type the department takes; only those"})

    @validates_schema
    def check_window(self, data, **kwargs):
        """``since`` before ``until``, neither after now (the service checks
        now); the types among the department's own."""
        if data.get("until") and data.get("since") and data["since"] >= data["until"]:
            raise ValidationError({"until": ["终点须晚于起点"]})


class ReplayView(Schema):
    id = fields.String()
    department_id = fields.String()
    since = fields.AwareDateTime()
    until = fields.AwareDateTime()
    event_types = fields.List(fields.String())
    status = fields.String(metadata={"description": "running or done"})
    total = fields.Integer(metadata={"description": "archived events it delivers"})
    delivered = fields.Integer()
    requested_by = fields.String(metadata={"description": "staff or department"})
    created_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)


class BackfillRequest(Schema):
    service = Text(1, 60, required=True, metadata={
        "description": "the service whose handlers get the archived events", "example": "insight"})
    since = fields.AwareDateTime(required=True, metadata={
        "example": "2026-12-01T00:00:00+08:00",
        "description": "no older than the archive keeps events (ARCHIVE_RETENTION_DAYS)"})
    until = fields.AwareDateTime(load_default=None, metadata={"description": "default: now"})

    @validates_schema
    def check_window(self, data, **kwargs):
        """``since`` before ``until`` (the service checks now and the archive's
        retention)."""
        if data.get("until") and data.get("since") and data["since"] >= data["until"]:
            raise ValidationError({"until": ["终点须晚于起点"]})


class BackfillView(Schema):
    id = fields.String()
    service = fields.String()
    since = fields.AwareDateTime()
    until = fields.AwareDateTime()
    event_types = fields.List(fields.String(), metadata={
        "description": "the archived types it sends: those the service handles"})
    status = fields.String(metadata={"description": "queued, running or done"})
    total = fields.Integer(metadata={"description": "archived events of those types in the "
                                                    "window, when it was asked for"})
    sent = fields.Integer(metadata={"description": "events sent so far (each to every "
                                                   "handler of its type)"})
    requested_by = fields.String()
    created_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)


class BackfillList(Schema):
    items = fields.List(fields.Nested(BackfillView))


class ParkedDelivery(Schema):
    id = fields.String()
    event_id = fields.String()
    event_type = fields.String()
    event_time = fields.AwareDateTime()
    replayed = fields.Boolean()
    attempts = fields.Integer()
    first_failed_at = fields.AwareDateTime(allow_none=True)
    last_error = fields.String(allow_none=True)


class ParkedList(Schema):
    items = fields.List(fields.Nested(ParkedDelivery))


class Redelivered(Schema):
    redelivered = fields.Integer()


class DepartmentKeyHeader(Schema):
    department_key = Text(1, 200, required=True, metadata={
        "description": "the department's API key, shown when it was registered or rotated"})
