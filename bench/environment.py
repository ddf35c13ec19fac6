"""What a benchmark runs against: a vhost of its own on the local RabbitMQ,
an in-memory embedded MongoDB-compatible server, and the whole system
(services and gunicorn gateway) as child processes, all on loopback.

    with bench_environment() as target:
        target.amqp_uri, target.url

BENCH_AMQP_URI points the run at a broker this machine cannot administer
(no vhost is created then); MONGO_URI at a real MongoDB.
"""
import contextlib
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from scripts import embedded_mongo, rabbit_vhost
from scripts.system import System


@dataclass(frozen=True)
class Target:
    """Where the load goes: the broker (for direct RPC) and the gateway."""
    amqp_uri: str
    url: str
    system: object = None   # scripts.system.System when this run started it


@contextlib.contextmanager
def broker_vhost():
    """A fresh vhost for this run, deleted afterwards."""
    if os.environ.get("BENCH_AMQP_URI"):
        yield os.environ["BENCH_AMQP_URI"]
        return
    if not rabbit_vhost.available():
        raise SystemExit("rabbitmqctl not found: run `make bench` (it starts RabbitMQ) "
                         "or set BENCH_AMQP_URI")
    with rabbit_vhost.temporary_vhost("hongyi-bench") as uri:
        yield uri


def system_env(amqp_uri, mongo_uri, **extra):
    env = {"AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri,
           "MONGO_DB_PREFIX": "bench{}_".format(uuid.uuid4().hex[:6]),
           "JWT_SECRET": secrets.token_urlsafe(48),
           "CERTIFICATE_SIGNING_KEY": secrets.token_hex(32),
           "PSEUDONYM_KEY": secrets.token_hex(32),
           # feeds: the benchmark's webhook receivers listen on loopback.
           "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
           "GATEWAY_HOST": "127.0.0.1"}
    env.update(extra)
    return env


@contextlib.contextmanager
def bench_environment(processes=None, log_dir=None, **settings):
    """Broker vhost + database + system; yields a Target. `processes`
    ({service: count}) scales services; `settings` are extra environment
    settings for every process (e.g. GATEWAY_WORKERS="4")."""
    with broker_vhost() as amqp_uri, embedded_mongo.given_or_temporary() as mongo_uri:
        env = system_env(amqp_uri, mongo_uri, **settings)
        port = embedded_mongo.free_port()
        log_dir = Path(log_dir) if log_dir else None
        with System(env, port, processes=processes, log_dir=log_dir) as running:
            yield Target(amqp_uri=amqp_uri, url=running.url, system=running)
