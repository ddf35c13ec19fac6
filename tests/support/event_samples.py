"""An example ``data`` for every event schema, as its producer dumps it, with
known personal values planted: every person id is PERSON_ID, every withheld
field holds WITHHELD_VALUE, and every free-text string carries a phone number,
so a test can look for them in whatever a department receives."""
from datetime import datetime, timezone

from marshmallow import fields

from shared.event_privacy import PSEUDONYM, WITHHELD, kind_of, nested_schema

PERSON_ID = "w-7f3a9c1e2b4d"
NAME = "沈建明"
PHONE = "13800001234"
WITHHELD_VALUE = "{} {} 138****1234".format(NAME, PHONE)
FREE_TEXT = "联系 {} 或 138****1234".format(PHONE)
AT = datetime(2026, 12, 6, 9, 30, tzinfo=timezone.utc)


def sample(schema):
    """The data to give new_event (which dumps it with ``schema``)."""
    return {name: _value(field) for name, field in schema.fields.items()}


def _value(field):
    if kind_of(field) == PSEUDONYM:
        return [PERSON_ID] if isinstance(field, fields.List) else PERSON_ID
    if kind_of(field) == WITHHELD:
        return WITHHELD_VALUE
    inner = nested_schema(field)
    if inner is not None:
        one = {name: _value(f) for name, f in inner.fields.items()}
        return [one] if isinstance(field, fields.List) else one
    if isinstance(field, fields.List):
        return [_value(field.inner)]
    return _scalar(field)


def _scalar(field):
    if isinstance(field, fields.DateTime):
        return AT
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, (fields.Integer, fields.Float)):
        return 1
    choices = getattr(getattr(field, "validate", None), "choices", None)
    for validator in field.validators:
        choices = getattr(validator, "choices", choices)
    return sorted(choices)[0] if choices else FREE_TEXT
