"""feeds' settings, from environment variables (shared/config.py)."""
import ipaddress
from dataclasses import dataclass

from shared.config import pseudonym_key, setting
from shared.department_feed import department_broker

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
    # The platform's own broker address (host, port, vhost) as the departments
    # reach it; their own user and password go in.
    department_amqp_url: str
    retention_days: float
    # A webhook that keeps failing is retried with backoff this long, then parked.
    retry_seconds: float
    timeout_seconds: float
    # Where a webhook may point although the address is not public (tests:
    # loopback). Empty in production: no private, loopback or link-local target.
    allowed_networks: tuple

    @classmethod
    def from_config(cls, config):
        return cls(
            pseudonym_key=bytes.fromhex(config["PSEUDONYM_KEY"]),
            department_amqp_url=department_broker(config["DEPARTMENT_AMQP_URL"],
                                                  config["AMQP_URI"]),
            retention_days=float(config["ARCHIVE_RETENTION_DAYS"]),
            retry_seconds=float(config["WEBHOOK_RETRY_SECONDS"]),
            timeout_seconds=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
            allowed_networks=networks(config["WEBHOOK_ALLOWED_NETWORKS"]))


def networks(text):
    return tuple(ipaddress.ip_network(item.strip()) for item in text.split(",")
                 if item.strip())
