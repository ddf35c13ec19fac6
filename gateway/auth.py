"""Who is calling: the bearer token verified, turned into a ``Caller``."""
import functools
import time

import jwt
from flask import request

from gateway.errors import GatewayError
from shared.tokens import decode_access_token
from shared.caller import Caller


# A client sends the same token on every request for its 15-minute life, and
# PyJWT's checks are a quarter of the cost of a refusal the gateway answers
# itself. So each token's signature and claims are checked once per process;
# only its expiry is checked again on every use.
VERIFIED_TOKENS = 8192


@functools.lru_cache(maxsize=VERIFIED_TOKENS)
def _verified_claims(token, secret):
    return decode_access_token(token, secret)  # raises: nothing is cached


def claims_of(token, secret):
    claims = _verified_claims(token, secret)
    if claims["exp"] <= time.time():  # as PyJWT decides it, with no leeway
        raise jwt.ExpiredSignatureError("Signature has expired")
    return claims


def unauthenticated(code, message):
    return GatewayError(401, code, message, {"WWW-Authenticate": "Bearer"})


def caller_from_request(secret):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise unauthenticated("AUTH_REQUIRED", "请先登录")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated("INVALID_TOKEN", "登录凭证格式不正确")
    try:
        claims = claims_of(token.strip(), secret)
    except jwt.ExpiredSignatureError:
        raise unauthenticated("TOKEN_EXPIRED", "登录已过期,请重新登录")
    except jwt.InvalidTokenError:
        raise unauthenticated("INVALID_TOKEN", "登录凭证无效,请重新登录")
    return Caller(id=claims["sub"], roles=tuple(claims.get("roles") or ()),
                  session_id=claims["sid"])


def require_roles(caller, roles):
    if roles and not set(roles) & set(caller.roles):
        raise GatewayError(403, "FORBIDDEN", "您没有权限进行此操作")
