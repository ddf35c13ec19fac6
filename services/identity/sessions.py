"""The login-session rules, apart from storage: when a session is live, and
what a presented refresh token may do. Pure functions (``now`` passed in),
unit-tested in tests/unit/test_identity_sessions.py.

A refresh token is good once: refreshing swaps it for the next. One that
comes back after it was swapped away means two holders, the worker and
whoever copied it, so the session is revoked and neither can go on.
"""
ROTATE, REUSED, INVALID = "rotate", "reused", "invalid"


def is_live(session, now):
    """Not logged out, not revoked, not expired (None: no such session)."""
    return (session is not None and session["revoked_at"] is None
            and now < session["expires_at"])


def refresh_verdict(session, token_hash, now):
    """What refreshing with the token hashed ``token_hash`` does, given the
    session that token is the current or a previous one of (None if none):
    ROTATE (swap it for a new one), REUSED (revoke the session) or INVALID."""
    if session is None:
        return INVALID
    if session["token_hash"] == token_hash:
        return ROTATE if is_live(session, now) else INVALID
    # A token rotated away from a session nobody revoked yet: reused.
    return REUSED if session["revoked_at"] is None else INVALID
