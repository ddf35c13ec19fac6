"""The gateway: HTTP in, nameko RPC out; no business rules, no database.

Each request: give it an id, authenticate, check the route's roles, validate
the body and query with the service's own schemas, call the RPC with the
caller and request id as context data, answer with the service's result or
the one error body.
"""
import base64
import logging
import re
import time
import uuid
from urllib.parse import quote

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from gateway import auth, class_facts, console, event_catalog, health, live, openapi
from gateway.admission import Admission
from gateway.errors import (GatewayError, domain_error_response, error_response,
                            gateway_error_response)
from gateway.requests import checked_path_params, json_body, query_params, validate
from gateway.routes import ROUTES
from gateway.rpc import RpcPool
from shared.caller import CONTEXT_KEY
from shared.config import int_setting, jwt_secret, setting
from shared.errors import DomainError
from shared.logs import REQUEST_ID_KEY, request_id_var, request_log

log = logging.getLogger("gateway")

MAX_BODY_BYTES = 64 * 1024
REQUEST_ID_HEADER = "X-Request-Id"
# A client may pass its own id so it can find its request in our logs.
CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def create_app(pool=None, shortcuts=None, live_hub=None):
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.ensure_ascii = False  # Chinese messages as UTF-8, not \u escapes
    app.json.sort_keys = False  # as the service built it: sorting every answer's keys buys nothing
    app.extensions["rpc_pool"] = pool or RpcPool(
        setting("AMQP_URI"), int_setting("GATEWAY_RPC_POOL_SIZE"),
        int_setting("RPC_TIMEOUT_SECONDS"))
    app.extensions["jwt_secret"] = jwt_secret()
    # Routes the gateway may answer itself when the answer is sure to be a
    # refusal (gateway/class_facts.py), and whose calls it admits a few at a
    # time (gateway/admission.py): (service, rpc) -> hook.
    if shortcuts is None:
        shortcuts = {("courses", "book_seat"): class_facts.BookingShortcut(
            class_facts.start(setting("AMQP_URI")),
            Admission(int_setting("GATEWAY_BOOKINGS_IN_FLIGHT")))}
    app.extensions["shortcuts"] = shortcuts
    for route in ROUTES:
        app.add_url_rule(route.path, endpoint="{}.{}".format(route.service, route.rpc),
                         methods=[route.method],
                         view_func=make_view(route))
    health.register(app)
    openapi.register(app)
    event_catalog.register(app)
    live.register(app, live_hub)  # connects to the broker with its first stream
    console.register(app)
    install_request_hooks(app)
    install_error_handlers(app)
    return app


def rpc_pool():
    return current_app.extensions["rpc_pool"]


def make_view(route):
    def view(**path_params):
        return forward(route, path_params)
    view.__name__ = route.rpc
    return view


def forward(route, path_params):
    context = {REQUEST_ID_KEY: g.request_id}
    caller = None
    if not route.public:
        caller = auth.caller_from_request(current_app.extensions["jwt_secret"])
        auth.require_roles(caller, route.roles)
        context[CONTEXT_KEY] = caller.to_context()
    kwargs = dict(checked_path_params(path_params))
    if route.body is not None:
        kwargs["request"] = json_body(route.body)
    if route.query is not None:
        kwargs["query"] = query_params(route.query)
    headers = {argument: request.headers.get(header) for header, argument in route.headers}
    if route.header_schema is not None:
        validate(route.header_schema, headers)
    kwargs.update(headers)
    result = call_service(route, path_params, caller, context, kwargs)
    if route.response is None:
        return "", 204
    if route.download:
        return file_response(result, route.download)
    status = route.status_of(result) if route.status_of else route.status
    return jsonify(result), status


def file_response(result, media_type):
    """A download: the body is the file; whether it was cut short is a header."""
    headers = {"Content-Disposition": "attachment; filename*=UTF-8''{}".format(
        quote(result["filename"])), "X-Export-Truncated": str(result["truncated"]).lower()}
    body = (base64.b64decode(result["content_base64"]) if "content_base64" in result
            else result["content"])  # bytes (a PDF) travel over RPC's JSON as base64
    return Response(body, mimetype=media_type, headers=headers)


def call_service(route, path_params, caller, context, kwargs):
    def call():
        return rpc_pool().call(route.service, route.rpc, context, kwargs,
                               changes=route.changes)
    shortcut = current_app.extensions["shortcuts"].get((route.service, route.rpc))
    if shortcut is None:
        return call()
    return shortcut.around(path_params, caller, kwargs, call)  # may answer itself


def install_request_hooks(app):
    @app.before_request
    def assign_request_id():
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if CLIENT_REQUEST_ID.match(offered) else uuid.uuid4().hex
        g.started = time.perf_counter()
        request_id_var.set(g.request_id)

    @app.after_request
    def log_and_tag(response):
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        request_log.info("%s %s %s", request.method, request.path, response.status_code,
                         extra={"status": response.status_code, "ms": round(elapsed_ms, 1)})
        return response


def install_error_handlers(app):
    app.register_error_handler(DomainError, domain_error_response)
    app.register_error_handler(GatewayError, gateway_error_response)

    @app.errorhandler(HTTPException)
    def http_error(error):
        code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
                413: "BODY_TOO_LARGE"}.get(error.code, "BAD_REQUEST")
        message = {404: "没有这个接口", 405: "该接口不支持此请求方法",
                   413: "请求内容过大(上限 {} KB)".format(MAX_BODY_BYTES // 1024)
                   }.get(error.code, "请求无法处理")
        # A 405 must say what is allowed (RFC 9110), as werkzeug's own page does.
        allowed = getattr(error, "valid_methods", None)
        headers = {"Allow": ", ".join(sorted(allowed))} if allowed else None
        return error_response(error.code, {"error": code, "message": message}, headers)

    @app.errorhandler(Exception)
    def unexpected(error):
        log.exception("unexpected error")
        return error_response(500, {"error": "INTERNAL_ERROR", "message": "系统繁忙,请稍后再试"})
