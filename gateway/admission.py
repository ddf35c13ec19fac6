"""Admission to a class rush: at most a few booking calls per class in
flight from each gateway process; any tap beyond them is answered at once
with 503 BOOKING_BUSY and Retry-After, having done nothing.

Why shed rather than queue: the courses service books one tap at a time
against its database (about a hundred a second on the embedded server), and
thousands tap at the opening. Queued taps would wait in the gateway's
threads, every answer behind the whole queue: winners after seconds, and
the refusals the gateway could give itself (gateway/class_facts.py) stuck
behind them. Shed at once, the few in flight are booked in a few
milliseconds each, the class fills as fast as the database allows, and a
shed tap is retried by the app (with its Idempotency-Key) after Retry-After,
by when it is usually answered "full" by the gateway itself. The limit per
process keeps threads free for those answers: it must stay below
GATEWAY_THREADS.
"""
import threading
from collections import Counter
from contextlib import contextmanager

from gateway.errors import GatewayError

RETRY_AFTER_SECONDS = "1"


def booking_busy():
    return GatewayError(503, "BOOKING_BUSY", "抢课的人太多,请稍后再试(本次未预约)",
                        {"Retry-After": RETRY_AFTER_SECONDS})


class Admission:
    """Counts the calls in flight per class in this process."""

    def __init__(self, limit):
        self.limit = limit
        self.lock = threading.Lock()
        self.in_flight = Counter()

    @contextmanager
    def admit(self, class_id):
        """Hold one of the class's places in flight for the call, or raise
        booking_busy() when all are held."""
        with self.lock:
            if self.in_flight[class_id] >= self.limit:
                raise booking_busy()
            self.in_flight[class_id] += 1
        try:
            yield
        finally:
            with self.lock:
                self.in_flight[class_id] -= 1
                if not self.in_flight[class_id]:
                    del self.in_flight[class_id]
