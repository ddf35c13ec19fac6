"""identity's settings, from environment variables (shared/config.py)."""
from dataclasses import dataclass

from shared.config import int_setting, jwt_secret


def service_config():
    return {
        "JWT_SECRET": jwt_secret(),
        "ACCESS_TOKEN_TTL_SECONDS": int_setting("ACCESS_TOKEN_TTL_SECONDS"),
        "REFRESH_TOKEN_TTL_SECONDS": int_setting("REFRESH_TOKEN_TTL_SECONDS"),
        "LOGIN_MAX_FAILURES": int_setting("LOGIN_MAX_FAILURES"),
        "LOGIN_LOCK_SECONDS": int_setting("LOGIN_LOCK_SECONDS"),
        "REFRESH_REUSE_GRACE_SECONDS": int_setting("REFRESH_REUSE_GRACE_SECONDS"),
    }


@dataclass(frozen=True)
class IdentitySettings:
    jwt_secret: str
    access_ttl: int
    refresh_ttl: int
    max_failures: int
    lock_seconds: int
    reuse_grace: int

    @classmethod
    def from_config(cls, config):
        return cls(jwt_secret=config["JWT_SECRET"],
                   access_ttl=config["ACCESS_TOKEN_TTL_SECONDS"],
                   refresh_ttl=config["REFRESH_TOKEN_TTL_SECONDS"],
                   max_failures=config["LOGIN_MAX_FAILURES"],
                   lock_seconds=config["LOGIN_LOCK_SECONDS"],
                   reuse_grace=config["REFRESH_REUSE_GRACE_SECONDS"])
