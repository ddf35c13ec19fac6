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
    # Handlers applied in batches (shared/batches.py; the ledger's earnings):
    # the most events one transaction applies, and how long the first event
    # of a quiet moment waits for others to join it. 500, as Kafka's
    # max.poll.records: a backlog's batch posts to each account once for all
    # its events there, and a quiet moment's batch is whatever came in 5 ms.
    # A batch's events are one outbox document: under 1 KB each, far below
    # MongoDB's 16 MB.
    "EVENT_BATCH_SIZE": "500",
    "EVENT_BATCH_WAIT_MS": "5",
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
    # feeds: the HMAC key of the pseudonyms departments receive instead of
    # person ids, 64 hex digits; `make run` generates one under var/. Kept:
    # a new key gives every worker new pseudonyms in every department.
    "PSEUDONYM_KEY": "",
    # feeds: the broker's management API, with an administrator's credentials
    # (department users, permissions and queues are made there).
    "BROKER_ADMIN_URL": "http://guest:guest@127.0.0.1:15672",
    # feeds: the broker as departments reach it (host, port, vhost); empty:
    # AMQP_URI's, without its credentials.
    "DEPARTMENT_AMQP_URL": "",
    # feeds: days every published event is kept in the archive, for replays.
    "ARCHIVE_RETENTION_DAYS": "90",
    # feeds: how long a failing webhook delivery is retried before it is
    # parked for staff; how long one attempt may take.
    "WEBHOOK_RETRY_SECONDS": str(24 * 3600),
    "WEBHOOK_TIMEOUT_SECONDS": "5",
    # feeds: networks a webhook may point into although they are not public
    # (comma-separated CIDRs; tests: 127.0.0.0/8). Empty: none.
    "WEBHOOK_ALLOWED_NETWORKS": "",
    # feeds: how often waiting webhook deliveries and replays are sent on.
    "FEEDS_SEND_SECONDS": "1",
    # insight: how often queued pushes are fanned out to their segment's
    # inboxes, and how many notifications one write inserts.
    "INSIGHT_PUSH_SECONDS": "1",
    "INSIGHT_PUSH_BATCH": "500",
    # insight: how often live events a failed fold left queued are folded
    # again (each event asks for a fold as its handler commits).
    "LIVE_FOLD_SECONDS": "2",
    # insight: the live view's station visits cover this many last hours.
    "LIVE_VISIT_HOURS": "6",
    "PORT": "8000",
    "GATEWAY_HOST": "127.0.0.1",
    "GATEWAY_WORKERS": "2",
    "GATEWAY_THREADS": "8",
    # One proxy per thread is enough; more would only hold idle connections.
    "GATEWAY_RPC_POOL_SIZE": "8",
    # gateway: booking calls per class in flight from one process; a tap
    # beyond them is answered 503 BOOKING_BUSY at once (gateway/admission.py).
    # Below GATEWAY_THREADS, so that threads are left for the answers the
    # gateway gives itself. The embedded database books one tap at a time:
    # more in flight only queue there (the bench's open loop at 1,500 taps/s:
    # winners' p99 224-383 ms with 2, 386-834 ms with 4). Raise it with more
    # courses processes on a real MongoDB, or with fewer gateway processes.
    "GATEWAY_BOOKINGS_IN_FLIGHT": "2",
    # gateway: the console's live stream (gateway/live.py). Each open stream
    # holds one of a process's GATEWAY_THREADS, so at most this many per
    # process (half the threads by default; 503 BUSY beyond), and each ends
    # after this many seconds (the page reconnects) so threads come back.
    "LIVE_MAX_STREAMS": "4",
    "LIVE_STREAM_SECONDS": "300",
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


def hex_key(name, what):
    """A 32-byte key given as 64 hex digits. Refuse to start without a valid
    one: a made-up key would sign or pseudonymize with what nobody keeps."""
    key = setting(name)
    try:
        if len(bytes.fromhex(key)) == 32:
            return key
    except ValueError:
        pass
    raise RuntimeError("{} ({}) must be 64 hex digits "
                       "(`make run` generates one under var/)".format(name, what))


def certificate_signing_key():
    """volunteering's signing key (hex seed)."""
    return hex_key("CERTIFICATE_SIGNING_KEY", "the certificates' signing key")


def pseudonym_key():
    """feeds' pseudonym key (hex)."""
    return hex_key("PSEUDONYM_KEY", "the departments' pseudonym key")


def nameko_config():
    """The config dict a nameko service container runs with."""
    return {
        "AMQP_URI": setting("AMQP_URI"),
        "MONGO_URI": setting("MONGO_URI"),
        "MONGO_DB_PREFIX": setting("MONGO_DB_PREFIX"),
        "max_workers": int_setting("MAX_WORKERS"),
        "EVENT_BATCH_SIZE": int_setting("EVENT_BATCH_SIZE"),
        "EVENT_BATCH_WAIT_MS": int_setting("EVENT_BATCH_WAIT_MS"),
        "serializer": "json",
    }
