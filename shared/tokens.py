"""Access-token format, shared by identity (signs) and the gateway (verifies)."""
import jwt

ISSUER = "hongyi-identity"
ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "sid", "iss"]


def encode_access_token(claims, secret):
    return jwt.encode(dict(claims, iss=ISSUER), secret, algorithm=ALGORITHM)


def decode_access_token(token, secret):
    """Claims of a valid token; raises jwt.InvalidTokenError otherwise."""
    return jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                      options={"require": REQUIRED_CLAIMS})
