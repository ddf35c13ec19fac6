"""Schema helpers every service and the gateway use."""
import functools
import re

from marshmallow import Schema, ValidationError, fields, validate

from shared.errors import invalid_from_validation

# Character classes (the inside of [...]) in a syntax both Python's re and the
# ECMA-262 regexes of JSON Schema read, so the document publishes the rule the
# field checks. Control characters: Unicode category Cc (C0, DEL, C1).
CONTROL = "\\u0000-\\u001f\\u007f-\\u009f"
# The same but tab, line feed and carriage return, for multi-line text.
CONTROL_BUT_LINE_BREAKS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
# Characters that reorder or hide text: bidi embeddings, overrides and
# isolates, zero-width space, joiners, word joiner and BOM. In a name they make
# one name show as another in a staff list.
INVISIBLE = "\\u200b-\\u200d\\u2060\\ufeff\\u202a-\\u202e\\u2066-\\u2069"
# A lone surrogate is valid JSON ("\ud800") but not text: UTF-8 cannot encode
# it, so MongoDB's driver cannot store it. JSON Schema patterns cannot say so
# (they see characters, not UTF-16 units), so it is checked, not published.
SURROGATE = re.compile("[\ud800-\udfff]")


def any_of(characters):
    return re.compile("[{}]".format(characters))


class Text(fields.String):
    """Any string a client sends (bodies, query strings, path parameters,
    headers): one line unless ``multiline``, which keeps tab and line breaks
    (a Markdown body, a description). ``pattern`` is the same rule as a JSON
    Schema pattern, which gateway/openapi.py publishes."""

    def __init__(self, min_length=None, max_length=None, *, multiline=False, **kwargs):
        validators = kwargs.pop("validate", None) or []
        validators = [validators] if callable(validators) else list(validators)
        if min_length is not None or max_length is not None:
            validators.insert(0, validate.Length(min=min_length, max=max_length))
        super().__init__(validate=validators, **kwargs)
        self.control = CONTROL_BUT_LINE_BREAKS if multiline else CONTROL
        self.pattern = "^[^{}]*$".format(self.control)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if SURROGATE.search(value):
            raise ValidationError("含有无法识别的字符")
        if any_of(self.control).search(value):
            raise ValidationError("不能含有控制字符")
        return value


class Name(Text):
    """A name or title, shown in lists: one line, none of the INVISIBLE
    characters, and not only spaces (empty only where ``min_length`` is 0)."""

    def __init__(self, min_length=None, max_length=None, **kwargs):
        super().__init__(min_length, max_length, **kwargs)
        refused = self.control + INVISIBLE
        # Empty, or at least one character that is neither refused nor a space.
        self.pattern = "^(?:[^{0}]*[^\\s{0}][^{0}]*)?$".format(refused)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if any_of(INVISIBLE).search(value):
            raise ValidationError("不能含有不可见字符或改变文字方向的字符")
        if value and not value.strip():
            raise ValidationError("不能为空")
        return value


# A web address as a browser opens it: http(s), a host name with a top-level
# domain, an optional port, then anything but spaces and control characters.
LINK = (r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
        r"(?::\d{1,5})?(?:[/?#][^\s%s]*)?$" % CONTROL)


def Link(max_length, **kwargs):  # noqa: N802 (a field, named like one)
    """A link to a picture, a video or a page (one pattern the document
    publishes, where marshmallow's Url checks more than it can say)."""
    return Text(None, max_length, validate=validate.Regexp(
        LINK, error="请输入以 http:// 或 https:// 开头的有效网址"), **kwargs)


def IdempotencyKey(**kwargs):  # noqa: N802 (a field, named like one)
    """What an Idempotency-Key header may hold (a client-made UUID fits)."""
    return Text(validate=validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$",
                                         error="Idempotency-Key 须为8到64位字母、数字、-或_"),
                **kwargs)


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


def dump(schema_class, data):
    """``data`` dumped by the schema's one instance (schema_of): building a
    schema, and the schemas nested in it, costs more than dumping a page."""
    return schema_of(schema_class).dump(data)


def count(low, high, **kwargs):
    """An integer in [low, high]; "3" is refused, not read as 3."""
    return fields.Integer(strict=True, validate=validate.Range(min=low, max=high), **kwargs)


class StrictBoolean(fields.Boolean):
    """true or false in a JSON body (marshmallow's Boolean also takes 1, 0,
    "yes", …, and a set of truthy values cannot tell 0 from False)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("须为 true 或 false")
        return value


class FileDownload(Schema):
    """What the gateway sends as a download (gateway/app.py, a route's
    ``download``): text in ``content``, or bytes (a PDF) in ``content_base64``,
    which is how they travel in RPC's JSON."""
    filename = fields.String()
    content = fields.String(metadata={"description": "text: UTF-8 (a CSV with a BOM, "
                                                     "so Excel shows Chinese)"})
    content_base64 = fields.String()
    truncated = fields.Boolean(metadata={"description": "cut short at a size limit"})


class Paging(Schema):
    """The page and page size of a list query (and echoed in its answer)."""
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def refuse_repeats(data, field, key, message):
    """A cross-field rule: no two items of the list ``data[field]`` share
    ``item[key]`` (one answer per question, one rule per code), or are the
    same value when ``key`` is None (each event type once)."""
    keys = [item if key is None else item[key] for item in data.get(field, ())]
    if len(keys) != len(set(keys)):
        raise ValidationError({field: [message]})


def checked(rule, document):
    """``rule(document)``: a schema's cross-field rule run again on the whole
    document a store has merged with an edit; its ValidationError is the one
    InvalidInput error."""
    try:
        rule(document)
    except ValidationError as err:
        raise invalid_from_validation(err)


class AtLeastOne:
    """Mixin for a schema none of whose fields is required but that must not
    be empty (the OpenAPI document says minProperties: 1)."""
    empty_message = "至少需要填写一项"

    def load(self, data, **kwargs):
        loaded = super().load(data, **kwargs)
        if not loaded:
            raise ValidationError({"_schema": [self.empty_message]})
        return loaded


class PartialUpdate(AtLeastOne):
    """Mixin for PATCH schemas: any of the fields, at least one."""
    empty_message = "至少需要修改一项"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)
