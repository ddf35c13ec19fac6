"""Reading what a client sent: the JSON body, the query string and the path
parameters, validated."""
import json

from flask import request
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from gateway.errors import GatewayError
from services.identity.schemas import RoleChange
from services.insight.schemas import TagPath
from services.stations.schemas import ReportRequest
from shared.errors import invalid_from_validation
from shared.schemas import Name, load

# A path parameter is an id or a code: one line, nothing invisible, checked
# before any service is asked (and published in the OpenAPI document). A
# role is one of those identity grants, checked with identity's own field; a
# station's problem one of the problems a worker reports; a tag insight's slug.
PATH_PARAMETER = Name(1, 64)
PATH_PARAMETERS = {"role": RoleChange._declared_fields["role"],
                   "problem": ReportRequest._declared_fields["problem"],
                   "tag": TagPath._declared_fields["tag"]}


def path_parameter_field(name):
    return PATH_PARAMETERS.get(name, PATH_PARAMETER)


def checked_path_params(values):
    """``values`` (parameter name -> value) if each one is acceptable."""
    errors = {}
    for name, value in values.items():
        try:
            path_parameter_field(name).deserialize(value)
        except ValidationError as err:
            errors[name] = err.messages
    if errors:
        raise invalid_from_validation(ValidationError(errors))
    return values


def json_body(schema_class):
    """The body checked against ``schema_class`` (as sent, for the service to
    load again); an empty body counts as ``{}``."""
    raw = read_body()
    if not raw.strip():
        document = {}
    else:
        try:
            document = json.loads(raw)
        # RecursionError: nesting deep enough (``[[[[...``) to exhaust the
        # parser's stack is malformed for us, not a server error.
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise GatewayError(400, "MALFORMED_JSON", "请求内容不是有效的 JSON")
    if not isinstance(document, dict):
        raise GatewayError(400, "MALFORMED_JSON", "请求内容须为 JSON 对象")
    validate(schema_class, document)
    return document


def read_body():
    raw = request.get_data(cache=True)
    limit = request.max_content_length
    # A chunked body (no Content-Length) is cut off at the limit by werkzeug
    # without an error; if the server still has more of it, it was too large.
    if (limit is not None and request.content_length is None and len(raw) >= limit
            and request.environ["wsgi.input"].read(1)):
        raise RequestEntityTooLarge()
    return raw


def query_params(schema_class):
    params = {}
    for key, values in request.args.lists():
        if len(values) > 1:
            raise invalid_from_validation(ValidationError({key: ["只能出现一次"]}))
        params[key] = values[0]
    validate(schema_class, params)
    return params


def validate(schema_class, document):
    """Checked as the service will load it (the service loads it again)."""
    load(schema_class, document)
