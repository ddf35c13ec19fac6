"""The OpenAPI 3 document, generated from the route table and the marshmallow
schemas (apispec), and a Swagger UI page served from the swagger-ui-bundle
package, so the docs work with no network."""
import re

import swagger_ui_bundle
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import jsonify, render_template_string, send_from_directory
from marshmallow import Schema, fields

from gateway.requests import path_parameter_field
from gateway.routes import ROUTES
from shared.schemas import AtLeastOne, PartialUpdate, Text

ERROR_STATUSES = {400: "Malformed request", 401: "Not signed in or token invalid",
                  403: "Role not allowed", 404: "Not found", 409: "Conflicts with current state",
                  413: "Body too large", 422: "Invalid content", 429: "Too many attempts",
                  503: "Not processed: a service or the broker is unavailable, no service "
                       "took the request in time, or (a booking) too many taps on the class "
                       "at once. Nothing was done; retry after Retry-After"}
# Only for operations that change something (gateway/rpc.py).
OUTCOME_UNKNOWN = (504, "Outcome unknown: the service took the request but did not answer "
                        "in time. Check the result (booking, balance) or retry with the same "
                        "Idempotency-Key")


class ErrorBody(Schema):
    error = fields.String(required=True, metadata={"example": "PHONE_TAKEN"})
    message = fields.String(required=True, metadata={"example": "该手机号已注册,请直接登录"})
    details = fields.Dict()


class Converter(OpenAPIConverter):
    """apispec's marshmallow converter, publishing what it does not read from
    our schemas, so the document allows exactly what the gateway accepts.
    (It already reads Length, Range, OneOf, the first Regexp, required,
    allow_none and the refusal of unknown fields.)"""

    def init_attribute_functions(self):
        super().init_attribute_functions()
        self.add_attribute_function(text_pattern)
        self.add_attribute_function(nullable_object)

    def schema2jsonschema(self, schema):
        jsonschema = super().schema2jsonschema(schema)
        kind = resolve_schema_cls(schema)
        if issubclass(kind, PartialUpdate):  # a PATCH: any of the fields
            jsonschema.pop("required", None)
        if issubclass(kind, AtLeastOne):
            jsonschema["minProperties"] = 1
        return jsonschema


def text_pattern(self, field, ret, **kwargs):
    """A Text field's character rule, unless a narrower rule is published
    already: its own format (a Regexp, e.g. six digits) or a list of values."""
    if isinstance(field, Text) and "pattern" not in ret and "enum" not in ret:
        return {"pattern": field.pattern}
    return {}


# What apispec (OpenAPI 3.0) puts beside a nullable nested schema: it admits
# any object at all, {} included, which the nested schema refuses.
ANY_OBJECT_OR_NULL = {"type": "object", "nullable": True}


def nullable_object(self, field, ret, **kwargs):
    """A nullable Nested field as its schema or null (allOf + nullable),
    instead of apispec's anyOf with any object."""
    choices = ret.get("anyOf")
    if not choices or ANY_OBJECT_OR_NULL not in choices:
        return {}
    del ret["anyOf"]
    return {"allOf": [choice for choice in choices if choice != ANY_OBJECT_OR_NULL],
            "nullable": True}


class Plugin(MarshmallowPlugin):
    Converter = Converter


def cross_field_rules(schema):
    """What a schema (and the schemas nested in it) checks across fields,
    which JSON Schema cannot say: each rule's docstring, to publish beside the
    schema. A request that breaks one is 422 VALIDATION_FAILED. A PATCH
    schema names the rules its store checks on the edited document
    (``checked_with_current``)."""
    schema = resolve_schema_cls(schema)
    checks = [getattr(schema, name) for name, *_ in schema._hooks["validates_schema"]]
    checks += getattr(schema, "checked_with_current", ())
    rules = [" ".join(check.__doc__.split()) for check in checks]
    for field in schema._declared_fields.values():
        nested = getattr(getattr(field, "inner", field), "nested", None)
        if nested is not None:
            rules += cross_field_rules(nested)
    return rules


def described(rules):
    return "Also checked (422 VALIDATION_FAILED): " + "; ".join(rules) + "."


def openapi_path(flask_path):
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", flask_path)


def operation(route, converter):
    op = {"summary": route.summary, "tags": [route.tag], "operationId": route.rpc,
          "parameters": [{"in": "path", "name": name, "required": True,
                          "schema": converter.field2property(path_parameter_field(name))}
                         for name in re.findall(r"<(?:\w+:)?(\w+)>", route.path)],
          "responses": {}}
    if route.query is not None:
        op["parameters"].append({"in": "query", "schema": route.query})
    for header, argument in route.headers:
        field = route.header_schema._declared_fields[argument]
        schema = converter.field2property(field)
        schema.pop("nullable", None)  # allow_none: the header may be left out, not be "null"
        op["parameters"].append({"in": "header", "name": header, "required": field.required,
                                 "schema": schema})
    if route.body is not None:
        # An empty body is read as {} (gateway/requests.py): optional when {} is acceptable.
        required = (issubclass(route.body, AtLeastOne)
                    or any(field.required for field in route.body._declared_fields.values()))
        op["requestBody"] = {"required": required, "content": {
            "application/json": {"schema": route.body}}}
    rules = [rule for schema in (route.body, route.query) if schema is not None
             for rule in cross_field_rules(schema)]
    if rules:
        op["description"] = described(rules)
    if route.response is None:
        op["responses"][str(route.status)] = {"description": "Done"}
    elif route.download:
        op["responses"][str(route.status)] = {"description": "A file", "content": {
            route.download: {"schema": {"type": "string"}}}}
    else:
        op["responses"][str(route.status)] = {"description": "OK", "content": {
            "application/json": {"schema": route.response}}}
    if route.other_status:  # e.g. 202 waitlisted beside 201 booked
        status, description = route.other_status
        op["responses"][str(status)] = {"description": description, "content": {
            "application/json": {"schema": route.response}}}
    errors = dict(ERROR_STATUSES)
    if route.changes:
        errors.update([OUTCOME_UNKNOWN])
    for status, text in errors.items():
        op["responses"][str(status)] = {"description": text, "content": {
            "application/json": {"schema": "ErrorBody"}}}
    if not route.public:
        op["security"] = [{"bearer": []}]
    return op


def build_spec():
    plugin = Plugin()
    spec = APISpec(title="Hongyi 红驿 API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[plugin],
                   info={"description": "Backend of the county trade union's service app "
                                        "for new-employment-form workers. The events other "
                                        "departments can subscribe to: [event catalog]"
                                        "(/docs/events), [AsyncAPI document](/asyncapi.json)."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "bearerFormat": "JWT"})
    spec.components.schema("ErrorBody", schema=ErrorBody)
    operations = {}
    for route in ROUTES:
        path = operations.setdefault(openapi_path(route.path), {})
        path[route.method.lower()] = operation(route, plugin.converter)
    for path, ops in operations.items():
        spec.path(path=path, operations=ops)
    return spec.to_dict()


DOCS_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Hongyi 红驿 API</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui"});</script>
</body></html>"""


def register(app):
    document = build_spec()

    @app.get("/openapi.json")
    def openapi_document():
        return jsonify(document)

    @app.get("/docs")
    def docs_page():
        return render_template_string(DOCS_PAGE)

    @app.get("/docs/static/<path:filename>")
    def docs_static(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)
