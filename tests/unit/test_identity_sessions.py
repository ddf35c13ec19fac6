"""The session rules as pure functions: when a session is live, and what a
presented refresh token may do."""
from datetime import datetime, timedelta, timezone

import pytest

from services.identity import sessions

NOW = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)


def session(**changes):
    return dict({"_id": "s1", "token_hash": "current", "previous_hashes": ["earlier"],
                 "revoked_at": None, "expires_at": NOW + timedelta(days=1)}, **changes)


def test_a_session_is_live_until_it_expires_or_is_revoked():
    assert sessions.is_live(session(), NOW)
    assert not sessions.is_live(session(expires_at=NOW), NOW)
    assert not sessions.is_live(session(revoked_at=NOW), NOW)
    assert not sessions.is_live(None, NOW)


@pytest.mark.parametrize("found, token_hash, verdict", [
    (session(), "current", sessions.ROTATE),
    (session(), "earlier", sessions.REUSED),
    # Reused even after the session ran out: someone still holds a copy.
    (session(expires_at=NOW), "earlier", sessions.REUSED),
    (session(expires_at=NOW), "current", sessions.INVALID),
    (session(revoked_at=NOW), "current", sessions.INVALID),
    (session(revoked_at=NOW), "earlier", sessions.INVALID),
    (None, "unknown", sessions.INVALID),
])
def test_what_a_presented_refresh_token_does(found, token_hash, verdict):
    assert sessions.refresh_verdict(found, token_hash, NOW) == verdict
