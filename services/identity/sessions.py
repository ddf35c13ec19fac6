"""The login-session rules, apart from storage: when a session is live, and
what a presented refresh token may do. Pure functions (``now`` passed in),
unit-tested in tests/unit/test_identity_sessions.py.

A refresh token is good once: refreshing swaps it for the next. One that
comes back after it was swapped away means two holders, the worker and
whoever copied it, so the session is revoked and neither can go on.

Except for a short grace window (REFRESH_REUSE_GRACE_SECONDS), as Amazon
Cognito's RetryGracePeriodSeconds or Connect2id's rotatedReuseGracePeriod
give: a phone that lost the answer to its refresh, or fired two at once,
sends the same token again a moment later. The token just replaced, and only
that one (an older one is reuse at once), then answers the same new pair as
the refresh that replaced it: no revocation, and no third token to race with.
"""
from datetime import timedelta

ROTATE, REPLAY, REUSED, INVALID = "rotate", "replay", "reused", "invalid"


def is_live(session, now):
    """Not logged out, not revoked, not expired (None: no such session)."""
    return (session is not None and session["revoked_at"] is None
            and now < session["expires_at"])


def refresh_verdict(session, token_hash, now, grace_seconds):
    """What refreshing with the token hashed ``token_hash`` does, given the
    session that token is the current or a previous one of (None if none):
    ROTATE (swap it for a new one), REPLAY (answer the pair the last swap
    gave), REUSED (revoke the session) or INVALID."""
    if session is None:
        return INVALID
    if session["token_hash"] == token_hash:
        return ROTATE if is_live(session, now) else INVALID
    if session["revoked_at"] is not None:
        return INVALID
    if just_replaced(session, token_hash, now, grace_seconds):
        return REPLAY if is_live(session, now) else INVALID
    # A token rotated away from a session nobody revoked yet: reused.
    return REUSED


def just_replaced(session, token_hash, now, grace_seconds):
    """Whether ``token_hash`` is the token the session's last rotation
    replaced, presented before the window after that rotation closed. A
    refresh that lost the race read the clock before the winner stored its
    rotation, so "before" includes a moment ahead of ``rotated_at``."""
    return (session["previous_hashes"][-1:] == [token_hash]
            and now < session["rotated_at"] + timedelta(seconds=grace_seconds))
