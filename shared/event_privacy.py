"""What another department may see of an event: every event schema declares
its personal fields, and this module is the one place that reads those
declarations (the feeds service when it delivers, the catalog when it shows
what a department will receive).

A field is declared personal with ``metadata=personal(PSEUDONYM)`` (an id of
a person: replaced by a pseudonym stable for one department and different
for every other, so two departments cannot join their data on it) or
``personal(WITHHELD)`` (a name, a phone, a membership number: never sent).
Free text a person typed (a reason, a note) may still hold a phone number,
so every string a department receives has phone numbers blotted out too.
"""
import re

from marshmallow import fields

PSEUDONYM = "pseudonym"
WITHHELD = "withheld"
PERSONAL = "personal"

# A mainland mobile number, whole or masked (138****1234), standing alone.
PHONE_PATTERN = re.compile(r"(?<!\d)1[3-9]\d(?:\d{4}|\*{4})\d{4}(?!\d)")
PHONE_BLOTTED = "[电话已隐去]"


def personal(kind):
    """The metadata that declares a field personal (``PSEUDONYM`` or ``WITHHELD``)."""
    assert kind in (PSEUDONYM, WITHHELD)
    return {PERSONAL: kind}


def kind_of(field):
    """PSEUDONYM, WITHHELD or None for a marshmallow field."""
    return field.metadata.get(PERSONAL)


def nested_schema(field):
    """The schema inside a Nested field or a List of Nested, else None."""
    inner = field.inner if isinstance(field, fields.List) else field
    return inner.schema if isinstance(inner, fields.Nested) else None


def blot_phones(value):
    """``value`` with every phone number in its strings blotted out."""
    if isinstance(value, str):
        return PHONE_PATTERN.sub(PHONE_BLOTTED, value)
    if isinstance(value, list):
        return [blot_phones(item) for item in value]
    if isinstance(value, dict):
        return {key: blot_phones(item) for key, item in value.items()}
    return value


def for_department(schema, data, pseudonym_of):
    """``data`` (as dumped by ``schema``) as a department receives it:
    withheld fields gone, person ids through ``pseudonym_of(id)``, phone
    numbers blotted out of free text. Fields the schema does not know (a
    producer ahead of this code) are dropped: only what is declared travels."""
    shown = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if key not in data or kind_of(field) == WITHHELD:
            continue
        shown[key] = _shown_value(field, data[key], pseudonym_of)
    return shown


def _shown_value(field, value, pseudonym_of):
    if value is None:
        return None
    if kind_of(field) == PSEUDONYM:
        return ([pseudonym_of(item) for item in value] if isinstance(value, list)
                else pseudonym_of(value))
    inner = nested_schema(field)
    if inner is not None:
        return ([for_department(inner, item, pseudonym_of) for item in value]
                if isinstance(value, list) else for_department(inner, value, pseudonym_of))
    return blot_phones(value)


def personal_fields(schema, prefix=""):
    """{dotted field name: PSEUDONYM or WITHHELD} of ``schema``, nested ones included."""
    found = {}
    for name, field in schema.fields.items():
        path = prefix + (field.data_key or name)
        if kind_of(field):
            found[path] = kind_of(field)
        inner = nested_schema(field)
        if inner is not None:
            found.update(personal_fields(inner, path + "."))
    return found
