"""Access tokens (JWT, HS256, short-lived) and refresh tokens (opaque, rotated).

A refresh token is 256 random bits; only its SHA-256 is stored, so a copy of
the database does not let anyone log in.
"""
import hashlib
import secrets
import uuid
from datetime import timedelta

from shared.tokens import encode_access_token


def issue_access_token(worker, session_id, settings, now):
    claims = {
        "sub": worker["_id"],
        "roles": worker["roles"],
        "sid": session_id,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + timedelta(seconds=settings.access_ttl),
    }
    return encode_access_token(claims, settings.jwt_secret)


def new_refresh_token():
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def token_pair(access_token, refresh_token, settings):
    return {"access_token": access_token, "refresh_token": refresh_token,
            "token_type": "Bearer", "expires_in": settings.access_ttl}
