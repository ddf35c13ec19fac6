"""Settings read from environment variables, with the defaults of a local run.

Every process (nameko services, the gateway, scripts) reads its settings
through ``setting()``, so each variable and its default is named once, here,
and documented in the README's table.
"""
import os

DEFAULTS = {
    "AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/",
    # The embedded SecantusDB that `make run` starts listens here.
    "MONGO_URI": "mongodb://127.0.0.1:27117/?directConnection=true",
    # Each service's database is <prefix><service>; tests use a prefix per run.
    "MONGO_DB_PREFIX": "hongyi_",
    "JWT_SECRET": "",
    # volunteering: the Ed25519 key that signs certificates, 64 hex digits (a
    # 32-byte seed); `make run` generates one under var/. Kept like JWT_SECRET:
    # a lost key makes every certificate issued with it unverifiable.
    "CERTIFICATE_SIGNING_KEY": "",
    "ACCESS_TOKEN_TTL_SECONDS": "900",
    "REFRESH_TOKEN_TTL_SECONDS": str(30 * 24 * 3600),
    "LOGIN_MAX_FAILURES": "5",
    "LOGIN_LOCK_SECONDS": "900",
    # identity: how long the refresh token just replaced still answers the
    # same new pair (a retry), longer than the gateway's RPC timeout so a
    # retry after a timed-out refresh is still inside.
    "REFRESH_REUSE_GRACE_SECONDS": "10",
    "RPC_TIMEOUT_SECONDS": "5",
    "OUTBOX_RELAY_INTERVAL_SECONDS": "2",
    "LOG_LEVEL": "INFO",
    # Where log lines go (shared/logs.py): JSON to stderr unless told otherwise.
    "LOG_CONSOLE": "json",
    "LOG_DIR": "",
    "LOG_NAME": "",
    "MAX_WORKERS": "10",
    # courses: upcoming bookings one worker may hold; minutes a waitlisted
    # worker has to confirm a seat offered to them (a class may set its own).
    "MAX_UPCOMING_BOOKINGS": "3",
    "OFFER_MINUTES": "30",
    # ledger: the most statement lines one CSV export holds.
    "EXPORT_MAX_ROWS": "10000",
    # jobs: days an employer has to answer an application before it is
    # marked "no reply" and the worker is told.
    "APPLICATION_REPLY_DAYS": "7",
    # jobs: how often its sweep closes postings past their closing date and
    # marks applications past the reply window.
    "JOBS_SWEEP_SECONDS": "60",
    # volunteering: the gateway as the public reaches it, for the link in a
    # certificate's QR code (anyone verifies there, with no account); the
    # local run's gateway by default.
    "PUBLIC_URL": "http://127.0.0.1:8000",
    "PORT": "8000",
    "GATEWAY_HOST": "127.0.0.1",
    "GATEWAY_WORKERS": "2",
    "GATEWAY_THREADS": "8",
    # One proxy per thread is enough; more would only hold idle connections.
    "GATEWAY_RPC_POOL_SIZE": "8",
}


def setting(name):
    """The value of one setting: the environment, else the local default."""
    return os.environ.get(name) or DEFAULTS[name]


def int_setting(name):
    return int(setting(name))


def jwt_secret():
    """The HS256 key shared by identity (signs) and the gateway (verifies).

    An empty key would make every token forgeable, so refuse to start.
    """
    secret = setting("JWT_SECRET")
    if len(secret) < 32:
        raise RuntimeError(
            "JWT_SECRET must be set to at least 32 characters "
            "(`make run` generates one under var/)")
    return secret


def certificate_signing_key():
    """volunteering's signing key (hex seed). Refuse to start without a valid
    one: a made-up key would issue certificates nobody can verify later."""
    key = setting("CERTIFICATE_SIGNING_KEY")
    try:
        if len(bytes.fromhex(key)) == 32:
            return key
    except ValueError:
        pass
    raise RuntimeError("CERTIFICATE_SIGNING_KEY must be 64 hex digits "
                       "(`make run` generates one under var/)")


def nameko_config():
    """The config dict a nameko service container runs with."""
    return {
        "AMQP_URI": setting("AMQP_URI"),
        "MONGO_URI": setting("MONGO_URI"),
        "MONGO_DB_PREFIX": setting("MONGO_DB_PREFIX"),
        "max_workers": int_setting("MAX_WORKERS"),
        "serializer": "json",
    }
