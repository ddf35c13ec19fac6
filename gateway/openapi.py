"""The OpenAPI 3 document, generated from the route table and the marshmallow
schemas (apispec), and a Swagger UI page served from the swagger-ui-bundle
package, so the docs work with no network."""
import re

import swagger_ui_bundle
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify, render_template_string, send_from_directory
from marshmallow import Schema, fields

from gateway.routes import ROUTES

ERROR_STATUSES = {400: "Malformed request", 401: "Not signed in or token invalid",
                  403: "Role not allowed", 404: "Not found", 409: "Conflicts with current state",
                  413: "Body too large", 422: "Invalid content", 429: "Too many attempts",
                  503: "A service or the broker is unavailable"}


class ErrorBody(Schema):
    error = fields.String(required=True, metadata={"example": "PHONE_TAKEN"})
    message = fields.String(required=True, metadata={"example": "该手机号已注册,请直接登录"})
    details = fields.Dict()


def openapi_path(flask_path):
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", flask_path)


def operation(route):
    op = {"summary": route.summary, "tags": [route.tag], "operationId": route.rpc,
          "parameters": [{"in": "path", "name": name, "required": True,
                          "schema": {"type": "string"}}
                         for name in re.findall(r"<(?:\w+:)?(\w+)>", route.path)],
          "responses": {}}
    if route.query is not None:
        op["parameters"].append({"in": "query", "schema": route.query})
    for header, _ in route.headers:
        op["parameters"].append({"in": "header", "name": header, "required": False,
                                 "schema": {"type": "string"}})
    if route.body is not None:
        op["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": route.body}}}
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
    for status, text in ERROR_STATUSES.items():
        op["responses"][str(status)] = {"description": text, "content": {
            "application/json": {"schema": "ErrorBody"}}}
    if not route.public:
        op["security"] = [{"bearer": []}]
    return op


def build_spec():
    spec = APISpec(title="Hongyi 红驿 API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Backend of the county trade union's service app "
                                        "for new-employment-form workers."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "bearerFormat": "JWT"})
    spec.components.schema("ErrorBody", schema=ErrorBody)
    operations = {}
    for route in ROUTES:
        operations.setdefault(openapi_path(route.path), {})[route.method.lower()] = operation(route)
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
