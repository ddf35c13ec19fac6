"""What every event's ``data`` schema is built on."""
from marshmallow import INCLUDE, Schema


class EventData(Schema):
    """Unknown fields are kept on load: a producer may add a field without
    breaking the consumers that do not know it yet."""

    class Meta:
        unknown = INCLUDE
