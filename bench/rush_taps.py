"""What both rushes (bench/rush.py closed loop, bench/rush_open.py open
loop) share: a tap and its answer, sending one, and the clock of a run."""
import threading
import time
import uuid
from dataclasses import dataclass

from bench import measure as m
from gateway.admission import RETRY_AFTER_SECONDS

BOOK_PATH = "/api/v1/classes/{}/bookings"
RUSH_DEADLINE_SECONDS = 60     # after this, remaining taps are not sent (a FAIL)
OPENING_LEAD_SECONDS = 3.0     # class published → not-open phase starts (callers connect)
FIRE_AFTER_OPENING_SECONDS = 0.02
REFUSAL_P99_MS = 50.0          # the target for every 409, in both loops
# A tap the gateway shed at once (gateway/admission.py): it took nothing, so
# it is neither a refusal nor a server error; the same latency target holds.
BUSY = (503, "BOOKING_BUSY")


@dataclass
class Tap:
    """One booking request and what came back (times from the opening, s)."""
    worker: int
    kind: str                # first | retry (same key) | again (no key) | not_open
    key: str = None
    status: int = None       # None: no answer (error holds why)
    code: str = None         # the error code, or booked/waitlisted
    sent: float = None
    done: float = None
    error: str = None

    @property
    def ms(self):
        return (self.done - self.sent) * 1000.0


def is_busy(tap):
    return (tap.status, tap.code) == BUSY


def is_server_error(tap):
    """A 5xx other than a busy answer (which the gateway gives by design)."""
    return (tap.status or 0) >= 500 and not is_busy(tap)


def busy_backoff(rng):
    """How long a closed-loop caller waits after a busy answer: the app's
    wait, Retry-After spread out so the retries do not arrive together."""
    return float(RETRY_AFTER_SECONDS) * rng.uniform(0.2, 1.0)


def by_answer_time(taps):
    return sorted((t for t in taps if t.status is not None), key=lambda t: t.done)


def first_wins(taps):
    """Each worker's first 201/202 by answer time: the new bookings (a later
    one is a replay)."""
    wins = {}
    for tap in by_answer_time(taps):
        if tap.status in (201, 202):
            wins.setdefault(tap.worker, tap)
    return list(wins.values())


def first_decided(taps):
    """{worker: their first answer that decided something}, by answer time:
    a busy tap decided nothing, so the worker's next one is their first."""
    firsts = {}
    for tap in by_answer_time(taps):
        if tap.kind != "not_open" and not is_busy(tap):
            firsts.setdefault(tap.worker, tap)
    return firsts


def new_key():
    return uuid.uuid4().hex


def send_tap(http, path, account, tap, clock):
    """POST one booking tap on `http` (rush_setup.Http or lean_http.LeanHttp)
    and record its answer on `tap`."""
    tap.sent = clock.now()
    try:
        status, body = http.call("POST", path, token=account.token, key=tap.key)
    except Exception as exc:  # no answer: counted; the next call connects afresh
        tap.error = repr(exc)[:200]
        http.close()
        return
    tap.done = clock.now()
    tap.status = status
    body = body if isinstance(body, dict) else {}
    tap.code = body.get("error") or body.get("status")


class Clock:
    """Times relative to the opening of booking, on perf_counter."""

    def __init__(self, opens_at_wall, not_open_seconds, key_share):
        now_wall, now_perf = time.time(), time.perf_counter()
        self.origin = now_perf + (opens_at_wall - now_wall)
        self.fire = FIRE_AFTER_OPENING_SECONDS
        self.not_open_end = -0.5
        self.not_open_start = self.not_open_end - not_open_seconds
        self.key_share = key_share
        self.ready = threading.Event()

    def now(self):
        return time.perf_counter() - self.origin

    def sleep_until(self, moment):
        while True:
            left = moment - self.now()
            if left <= 0:
                return
            time.sleep(min(left, 0.05) if left > 0.002 else 0)


def pct(values, q):
    return m.percentile(sorted(values), q) if values else float("nan")
