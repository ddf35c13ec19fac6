"""GET /health: does the broker answer, and does each service?"""
from flask import current_app, jsonify
from kombu import Connection

from gateway.errors import GatewayError
from gateway.routes import ROUTES
from shared.config import setting
from shared.errors import DomainError

SERVICES = sorted({route.service for route in ROUTES})
BROKER_TIMEOUT_SECONDS = 2


def broker_answers():
    try:
        with Connection(setting("AMQP_URI"), connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:  # any failure to connect means "not answering"
        return False


def service_answers(name):
    try:
        current_app.extensions["rpc_pool"].call(name, "report_health", {})
        return True
    except (GatewayError, DomainError):
        return False


def register(app):
    @app.get("/health")
    def report_health():
        broker = broker_answers()
        services = {name: "ok" if broker and service_answers(name) else "unavailable"
                    for name in SERVICES}
        healthy = broker and all(state == "ok" for state in services.values())
        body = {"status": "ok" if healthy else "unavailable",
                "broker": "ok" if broker else "unavailable", "services": services}
        return jsonify(body), 200 if healthy else 503
