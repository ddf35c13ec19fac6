"""Access tokens (JWT, HS256, short-lived) and refresh tokens (opaque, rotated).

A session's first refresh token is 256 random bits; each next one is derived
from the one it replaces (successor_of). Only their SHA-256 is stored, so a
copy of the database does not let anyone log in.
"""
import base64
import hashlib
import hmac
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


def successor_of(token, settings):
    """The refresh token that replaces ``token``: HMAC-SHA256 of it under a
    key derived from the JWT secret.

    Within the grace window a retry must get back the very token the first
    refresh answered (sessions.py), and that token is not stored. Derived,
    it need not be: whoever presents the old token can be given its successor
    again, and nothing but its hash is kept (an encrypted copy would be one
    more secret in the database). It is as unguessable as a random one to
    anyone without the key, and the database does not yield it even with
    the key: it holds hashes of tokens, and the HMAC takes the token itself.
    The key is the JWT secret's, under its own label, so it never signs a JWT.
    """
    key = hmac.new(settings.jwt_secret.encode(), b"hongyi refresh-token successor",
                   hashlib.sha256).digest()
    successor = hmac.new(key, token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(successor).rstrip(b"=").decode()


def hash_refresh_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def token_pair(access_token, refresh_token, settings):
    return {"access_token": access_token, "refresh_token": refresh_token,
            "token_type": "Bearer", "expires_in": settings.access_ttl}
