"""Instants as a request body carries them."""
from datetime import datetime, timedelta, timezone


def at(**delta):
    """Now moved by ``delta`` (timedelta's arguments), in ISO 8601."""
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat()
