"""What the gateway knows about classes, so that a tap on "book" that cannot
succeed is refused without an RPC.

In a class rush nearly every tap is a refusal: before booking opens, and once
all seats and waitlist places are gone. The courses service publishes the
facts (class_published/updated with the opening time, class_full, and every
seat or place taken or freed); each gateway process keeps them in memory from
its own exclusive queue, and also learns from the answers it relays. Only two
refusals are given from here, and only when they are true for this caller:

- BOOKING_NOT_OPEN before the opening time (the same for everyone);
- CLASS_FULL while the class is known full, to a caller not known to hold a
  seat or place there. With or without an Idempotency-Key: a key replays what
  it took, and a refused tap took nothing (a retry is answered afresh), so
  only holders, whose retries replay their seat or place, must ask.

Anything unknown goes to the service. A freed seat or place clears "full" at
once; a "full" learned from an answer to a request sent before the last
release is ignored; losing the broker connection forgets everything.
"""
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from kombu import Connection, Queue, binding
from kombu.mixins import ConsumerMixin

from services.courses import exceptions
from shared.errors import DomainError
from shared.topology import events_exchange

log = logging.getLogger(__name__)

FACT_EVENTS = ("class_published", "class_updated", "class_full", "class_cancelled",
               "seat_booked", "waitlist_joined", "seat_released", "waitlist_offered",
               "waitlist_left")
FREEING_EVENTS = ("seat_released", "waitlist_offered", "waitlist_left", "class_updated")
HOLDING_EVENTS = ("seat_booked", "waitlist_joined")


def parse_time(text):
    return datetime.fromisoformat(text)


@dataclass
class Fact:
    opens_at: datetime = None
    full: bool = False
    # monotonic time of the last event that may have freed a seat or place
    freed_at: float = 0.0
    holders: set = field(default_factory=set)


class ClassFacts:
    def __init__(self):
        self.lock = threading.Lock()
        self.classes = {}

    def _fact(self, class_id):
        return self.classes.setdefault(class_id, Fact())

    def apply(self, envelope):
        """Take in one published event (any other type is ignored)."""
        kind, data = envelope.get("type"), envelope.get("data") or {}
        class_id = data.get("class_id")
        if kind not in FACT_EVENTS or not class_id:
            return
        with self.lock:
            if kind == "class_cancelled":
                self.classes.pop(class_id, None)
                return
            fact = self._fact(class_id)
            if kind in ("class_published", "class_updated"):
                fact.opens_at = parse_time(data["booking_opens_at"])
            if kind in FREEING_EVENTS:
                fact.full, fact.freed_at = False, time.monotonic()
            if kind in ("seat_released", "waitlist_left"):
                fact.holders.discard(data.get("worker_id"))
            if kind in HOLDING_EVENTS:
                fact.holders.add(data.get("worker_id"))
            if kind == "class_full":
                fact.full = True

    def forget_all(self):
        with self.lock:
            self.classes.clear()

    def refusal(self, class_id, worker_id, now=None):
        """The DomainError to answer with, or None to ask the service."""
        with self.lock:
            fact = self.classes.get(class_id)
            if fact is None:
                return None
            if fact.opens_at and (now or datetime.now(timezone.utc)) < fact.opens_at:
                return exceptions.booking_not_open(fact.opens_at)
            if fact.full and worker_id not in fact.holders:
                return exceptions.class_full()
            return None

    def learn(self, class_id, worker_id, sent_at, result=None, error=None):
        """Learn from the service's answer to a booking sent at ``sent_at``
        (a monotonic time)."""
        with self.lock:
            fact = self._fact(class_id)
            if result is not None:
                fact.holders.add(worker_id)
            elif error.code == "BOOKING_NOT_OPEN":
                fact.opens_at = parse_time(error.details["booking_opens_at"])
            elif error.code == "CLASS_FULL" and sent_at > fact.freed_at:
                fact.full = True
            elif error.code in ("ALREADY_BOOKED", "ALREADY_WAITLISTED"):
                fact.holders.add(worker_id)


class FactsConsumer(ConsumerMixin):
    """Feeds ClassFacts from an exclusive queue bound to courses' events."""

    def __init__(self, connection, facts):
        self.connection = connection
        self.facts = facts
        exchange = events_exchange("courses")
        self.queue = Queue("gateway-class-facts-" + uuid.uuid4().hex[:12],
                           bindings=[binding(exchange, routing_key=kind) for kind in FACT_EVENTS],
                           exclusive=True, auto_delete=True)

    def get_consumers(self, Consumer, channel):
        return [Consumer(queues=[self.queue], callbacks=[self.on_message],
                         accept=["json"], no_ack=True)]

    def on_message(self, body, message):
        try:
            self.facts.apply(body)
        except (KeyError, TypeError, ValueError):  # a malformed event: skip it
            log.warning("ignored a malformed courses event", exc_info=True)

    def on_connection_error(self, exc, interval):
        # Events may be missed while away: forget rather than trust stale facts.
        self.facts.forget_all()
        super().on_connection_error(exc, interval)

    def on_connection_revived(self):
        self.facts.forget_all()


def start(amqp_uri):
    """ClassFacts fed by a daemon thread for this gateway process."""
    facts = ClassFacts()
    consumer = FactsConsumer(Connection(amqp_uri), facts)
    thread = threading.Thread(target=consumer.run, name="class-facts", daemon=True)
    thread.start()
    return facts


class BookingShortcut:
    """The gateway route hook for POST /classes/{id}/bookings."""

    def __init__(self, facts):
        self.facts = facts

    def before(self, path_params, caller):
        refusal = self.facts.refusal(path_params["class_id"], caller.id)
        if refusal is not None:
            raise refusal
        return time.monotonic()

    def after(self, path_params, caller, sent_at, result=None, error=None):
        if result is not None or isinstance(error, DomainError):
            self.facts.learn(path_params["class_id"], caller.id, sent_at, result, error)
