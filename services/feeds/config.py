"""feeds' settings, from environment variables (shared/config.py)."""
import ipaddress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from shared.config import pseudonym_key, setting

SETTINGS = ("BROKER_ADMIN_URL", "DEPARTMENT_AMQP_URL", "ARCHIVE_RETENTION_DAYS",
            "WEBHOOK_RETRY_SECONDS", "WEBHOOK_TIMEOUT_SECONDS", "WEBHOOK_ALLOWED_NETWORKS",
            "FEEDS_SEND_SECONDS")


def service_config():
    config = {name: setting(name) for name in SETTINGS}
    config["PSEUDONYM_KEY"] = pseudonym_key()
    return config


@dataclass(frozen=True)
class FeedsSettings:
    # HMAC key of every pseudonym: kept like the JWT secret, since a new key
    # gives every worker a new pseudonym and breaks the departments' records.
    pseudonym_key: bytes
    # The broker's management API (users, permissions, queues), with an
    # administrator's credentials.
    broker_admin_url: str
    # The platform's own broker address (host, port, vhost) as the departments
    # reach it; their own user and password go in.
    department_amqp_url: str
    vhost: str
    retention_days: float
    # A webhook that keeps failing is retried with backoff this long, then parked.
    retry_seconds: float
    timeout_seconds: float
    # Where a webhook may point although the address is not public (tests:
    # loopback). Empty in production: no private, loopback or link-local target.
    allowed_networks: tuple

    @classmethod
    def from_config(cls, config):
        amqp = urlsplit(config["AMQP_URI"])
        return cls(
            pseudonym_key=bytes.fromhex(config["PSEUDONYM_KEY"]),
            broker_admin_url=config["BROKER_ADMIN_URL"].rstrip("/"),
            department_amqp_url=(config["DEPARTMENT_AMQP_URL"]
                                 or public_address(config["AMQP_URI"])),
            vhost=vhost_of(amqp.path),
            retention_days=float(config["ARCHIVE_RETENTION_DAYS"]),
            retry_seconds=float(config["WEBHOOK_RETRY_SECONDS"]),
            timeout_seconds=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
            allowed_networks=networks(config["WEBHOOK_ALLOWED_NETWORKS"]))


def vhost_of(path):
    """The vhost of an AMQP URI's path: "/" when empty (RabbitMQ's default)."""
    return unquote(path[1:]) if len(path) > 1 else "/"


def public_address(amqp_uri):
    """``amqp_uri`` without its user and password."""
    parts = urlsplit(amqp_uri)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def networks(text):
    return tuple(ipaddress.ip_network(item.strip()) for item in text.split(",")
                 if item.strip())
