"""Access tokens: what identity signs, the gateway must accept; nothing else."""
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from services.identity import tokens
from services.identity.config import IdentitySettings
from shared.tokens import decode_access_token

SETTINGS = IdentitySettings(jwt_secret="s" * 40, access_ttl=900, refresh_ttl=3600,
                            max_failures=5, lock_seconds=900, reuse_grace=0)
WORKER = {"_id": "w1", "roles": ["worker"]}


def issue(now=None, settings=SETTINGS):
    return tokens.issue_access_token(WORKER, "session-1", settings,
                                     now or datetime.now(timezone.utc))


def test_round_trip_carries_worker_roles_and_session():
    claims = decode_access_token(issue(), SETTINGS.jwt_secret)
    assert (claims["sub"], claims["roles"], claims["sid"]) == ("w1", ["worker"], "session-1")
    assert claims["exp"] - claims["iat"] == 900


def test_expired_token_is_refused():
    old = datetime.now(timezone.utc) - timedelta(hours=1)
    with pytest.raises(jwt.ExpiredSignatureError):
        decode_access_token(issue(now=old), SETTINGS.jwt_secret)


def test_token_signed_with_another_key_is_refused():
    with pytest.raises(jwt.InvalidSignatureError):
        decode_access_token(issue(), "another-key-" + "k" * 30)


def test_unsigned_token_is_refused():
    claims = jwt.decode(issue(), options={"verify_signature": False})
    forged = jwt.encode(dict(claims, roles=["union_staff"]), None, algorithm="none")
    with pytest.raises(jwt.InvalidTokenError):
        decode_access_token(forged, SETTINGS.jwt_secret)


def test_refresh_tokens_are_random_and_stored_only_as_hashes():
    first, first_hash = tokens.new_refresh_token()
    second, _ = tokens.new_refresh_token()
    assert first != second and len(first) >= 40
    assert first_hash == tokens.hash_refresh_token(first) and first not in first_hash
