"""What the production form (Dockerfile, docker-compose.yml, deploy/*.yaml)
must say, shared by its checks: one image, one way to start each process
(`python -m shared.run <service>`, gunicorn for the gateway), settings from
the environment only, secrets never written down."""
import re
from pathlib import Path

import yaml

import services

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
# The service scaled alone during a class-booking rush (DESIGN.md, Scaling).
AUTOSCALED_SERVICE = "courses"

GATEWAY_COMMAND = ["gunicorn", "-c", "gateway/gunicorn_conf.py", "gateway.wsgi:app"]
IMAGE_UID = 10001
# Settings every app process gets (shared/config.py reads them).
REQUIRED_SETTINGS = {
    "AMQP_URI", "MONGO_URI", "MONGO_DB_PREFIX", "JWT_SECRET",
    "ACCESS_TOKEN_TTL_SECONDS", "REFRESH_TOKEN_TTL_SECONDS",
    "LOGIN_MAX_FAILURES", "LOGIN_LOCK_SECONDS", "RPC_TIMEOUT_SECONDS",
    "LOG_LEVEL", "MAX_WORKERS",
}
SECRET_KEYS = {"JWT_SECRET", "RABBITMQ_PASSWORD"}
# Secrets only one service gets (least privilege): volunteering signs
# certificates; feeds makes pseudonyms and administers the broker.
SERVICE_SECRET_KEYS = {"volunteering": {"CERTIFICATE_SIGNING_KEY"},
                       "feeds": {"PSEUDONYM_KEY", "BROKER_ADMIN_URL"}}
SECRET_LIKE = re.compile(r"SECRET|PASSWORD|PASS$|_KEY$|CREDENTIAL")
USERINFO = re.compile(r"://[^/:@]+:([^@]+)@")


def service_command(name):
    return ["python", "-m", "shared.run", name]


# Every service: the one list (services/__init__.py).
service_names = services.names


def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def service_probe_code():
    """The services' health probe: compose's healthcheck, Kubernetes' readiness probe."""
    return compose()["services"]["identity"]["healthcheck"]["test"][3]
