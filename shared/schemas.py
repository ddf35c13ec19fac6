"""Schema helpers every service and the gateway use."""
import functools

from marshmallow import Schema, ValidationError, fields, validate

from shared.errors import invalid_from_validation

# What an Idempotency-Key header may hold (a client-made UUID fits).
IDEMPOTENCY_KEY = validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$",
                                  error="Idempotency-Key 须为8到64位字母、数字、-或_")


@functools.lru_cache(maxsize=None)
def schema_of(schema_class):
    # One instance per schema: building one costs more than loading a small
    # document (a class-rush tap loads two), and a schema keeps no state
    # between loads.
    return schema_class()


def load(schema_class, data):
    """``data`` loaded by the schema, or the one InvalidInput error."""
    try:
        return schema_of(schema_class).load(data)
    except ValidationError as err:
        raise invalid_from_validation(err)


def text(min_length, max_length, **kwargs):
    return fields.String(validate=validate.Length(min=min_length, max=max_length), **kwargs)


def count(low, high, **kwargs):
    """An integer in [low, high]; "3" is refused, not read as 3."""
    return fields.Integer(strict=True, validate=validate.Range(min=low, max=high), **kwargs)


class Paging(Schema):
    """The page and page size of a list query (and echoed in its answer)."""
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def checked(rule, document):
    """``rule(document)``: a schema's cross-field rule run again on the whole
    document a store has merged with an edit; its ValidationError is the one
    InvalidInput error."""
    try:
        rule(document)
    except ValidationError as err:
        raise invalid_from_validation(err)


class PartialUpdate:
    """Mixin for PATCH schemas: any of the fields, at least one."""

    def load(self, data, **kwargs):
        loaded = super().load(data, partial=True, **kwargs)
        if not loaded:
            raise ValidationError({"_schema": ["至少需要修改一项"]})
        return loaded
