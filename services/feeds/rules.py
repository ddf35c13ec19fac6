"""feeds' rules: what a department may be given and asked for. No I/O but
the webhook address check's name lookup."""
import hashlib
import secrets
import uuid
from datetime import timedelta

from services.feeds import exceptions, webhooks
from services.feeds.schemas import HTTPS, REVOKED


def new_id():
    """A department's or a replay's id: short, as a department's goes into
    broker names."""
    return uuid.uuid4().hex[:12]


def new_api_key(department_id):
    """(the key shown once, the hash kept)."""
    key = "hyd_{}_{}".format(department_id, secrets.token_urlsafe(24))
    return key, key_hash(key)


def key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def new_broker_password():
    return secrets.token_urlsafe(24)


def check_webhook(url, allowed_networks):
    refused = webhooks.refusal(url, allowed_networks)
    if refused:
        raise exceptions.webhook_refused(refused)


def check_webhook_change(department, url, allowed_networks):
    if department["delivery"] != HTTPS:
        raise exceptions.not_webhook()
    check_webhook(url, allowed_networks)


def replay_types(department, requested):
    """The types a replay sends: those asked for, all of them the department's."""
    types = set(requested or department["event_types"])
    extra = types - set(department["event_types"])
    if extra:
        raise exceptions.types_not_subscribed(extra)
    return sorted(types)


def check_replay_window(since, until, now):
    if since >= until or until > now:
        raise exceptions.replay_window()


def check_not_revoked(department):
    if department["status"] == REVOKED:
        raise exceptions.department_revoked()


def check_backfill_window(since, until, now, retention_days):
    """[since, until) up to now, and no older than the archive keeps events."""
    if since >= until or until > now:
        raise exceptions.backfill_window()
    if since < now - timedelta(days=retention_days):
        raise exceptions.backfill_before_archive(retention_days)
