"""The session rules as pure functions: when a session is live, and what a
presented refresh token may do."""
from datetime import datetime, timedelta, timezone

import pytest

from services.identity import sessions

NOW = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)
GRACE = 10


def session(**changes):
    """Rotated from "earlier" to "current" an hour ago, long past the window."""
    return dict({"_id": "s1", "token_hash": "current", "previous_hashes": ["older", "earlier"],
                 "revoked_at": None, "rotated_at": NOW - timedelta(hours=1),
                 "expires_at": NOW + timedelta(days=1)}, **changes)


def just_rotated(seconds_ago, **changes):
    return session(rotated_at=NOW - timedelta(seconds=seconds_ago), **changes)


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
    assert sessions.refresh_verdict(found, token_hash, NOW, GRACE) == verdict


@pytest.mark.parametrize("found, token_hash, verdict", [
    # The token just replaced, again inside the window: a retry, same pair.
    (just_rotated(0), "earlier", sessions.REPLAY),
    (just_rotated(GRACE - 1), "earlier", sessions.REPLAY),
    # A loser of the race may have read the clock just before the winner.
    (just_rotated(-1), "earlier", sessions.REPLAY),
    # The window is open until, not at, its end.
    (just_rotated(GRACE), "earlier", sessions.REUSED),
    # Only the token just replaced: one replaced before it is reuse at once.
    (just_rotated(0), "older", sessions.REUSED),
    (just_rotated(0), "current", sessions.ROTATE),
    (just_rotated(0, revoked_at=NOW), "earlier", sessions.INVALID),
    # A session that ran out answers no pair, but a retry is no theft.
    (just_rotated(0, expires_at=NOW), "earlier", sessions.INVALID),
])
def test_within_the_grace_window_the_replaced_token_answers_the_same_pair(
        found, token_hash, verdict):
    assert sessions.refresh_verdict(found, token_hash, NOW, GRACE) == verdict


def test_no_grace_window_makes_every_later_reuse_a_theft():
    assert sessions.refresh_verdict(just_rotated(0), "earlier", NOW, 0) == sessions.REUSED
