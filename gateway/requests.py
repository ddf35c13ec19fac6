"""Reading what a client sent: the JSON body and the query string, validated."""
import json

from flask import request
from marshmallow import ValidationError

from gateway.errors import GatewayError
from shared.errors import invalid_from_validation


def json_body(schema_class):
    """The body checked against ``schema_class`` (as sent, for the service to
    load again); an empty body counts as ``{}``."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        document = {}
    else:
        try:
            document = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise GatewayError(400, "MALFORMED_JSON", "请求内容不是有效的 JSON")
    if not isinstance(document, dict):
        raise GatewayError(400, "MALFORMED_JSON", "请求内容须为 JSON 对象")
    validate(schema_class, document)
    return document


def query_params(schema_class):
    params = {}
    for key, values in request.args.lists():
        if len(values) > 1:
            raise invalid_from_validation(ValidationError({key: ["只能出现一次"]}))
        params[key] = values[0]
    validate(schema_class, params)
    return params


def validate(schema_class, document):
    try:
        schema_class().load(document)
    except ValidationError as err:
        raise invalid_from_validation(err)
