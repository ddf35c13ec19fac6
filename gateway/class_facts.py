"""What the gateway knows about classes, so that a tap on "book" that cannot
succeed is refused without an RPC.

In a class rush nearly every tap is a refusal: before booking opens, and once
all seats and waitlist places are gone. The courses service publishes the
facts (class_published/updated with the opening time; class_full with who
holds every seat and place; every seat or place taken or freed after), and
each gateway process keeps them in memory from its own exclusive queue. The
gateway answers:

- BOOKING_NOT_OPEN before the opening time (the same for everyone);
- while the class is full: CLASS_FULL to a worker holding nothing there, and
  ALREADY_BOOKED / ALREADY_WAITLISTED to a holder tapping again without an
  Idempotency-Key. A refused tap takes nothing and its key keeps nothing, so
  a key changes none of these;
- while the class is full, a holder's retry with the key this process saw
  take their seat or place gets that first answer again (a client retries
  on its kept-alive connection, so usually to the same process). Any other
  keyed retry of a holder asks the service, which replays what the key took.

"Full" is believed only from class_full, which lists every holder at its
time: a worker whose own seat_booked is late (its process died before
publishing) is still known. Events are applied in the order of their ``at``
times, per worker and for "full" against the last freeing event, whatever
order they arrive in. Anything unknown goes to the service; losing the broker
connection forgets everything.
"""
import logging
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from kombu import Connection, Queue, binding
from kombu.mixins import ConsumerMixin

from services.courses import exceptions
from shared.errors import DomainError
from shared.topology import events_exchange

log = logging.getLogger(__name__)

SEAT, PLACE = "seat", "place"  # the kinds services/courses/booking.py holds
HOLDING_EVENTS = {"seat_booked": SEAT, "waitlist_offered": SEAT, "waitlist_joined": PLACE}
LEAVING_EVENTS = ("seat_released", "waitlist_left")
# A seat or place may have come free: "full" is no longer known.
FREEING_EVENTS = ("seat_released", "waitlist_offered", "waitlist_left", "class_updated")
FACT_EVENTS = (("class_published", "class_updated", "class_full", "class_cancelled")
               + tuple(HOLDING_EVENTS) + LEAVING_EVENTS)
EPOCH = datetime.min.replace(tzinfo=timezone.utc)


def parse_time(text):
    return datetime.fromisoformat(text)


@dataclass
class Fact:
    opens_at: datetime = None
    full: bool = False
    freed_at: datetime = EPOCH    # ``at`` of the last event that may have freed one
    holders: dict = field(default_factory=dict)   # worker -> SEAT | PLACE
    seen_at: dict = field(default_factory=dict)   # worker -> ``at`` of their last event
    # worker -> (key, the answer this process relayed when that key took a
    # seat or place); dropped when they leave it
    answers: dict = field(default_factory=dict)

    def newer(self, worker_id, at):
        """True (and remembered) if ``at`` is not older than what is known."""
        if at < self.seen_at.get(worker_id, EPOCH):
            return False
        self.seen_at[worker_id] = at
        return True

    def hold(self, worker_id, kind, at):
        if self.newer(worker_id, at):
            self.holders[worker_id] = kind

    def leave(self, worker_id, at):
        if self.newer(worker_id, at):
            self.holders.pop(worker_id, None)
            self.answers.pop(worker_id, None)

    def replay(self, worker_id, key):
        """The first answer to this key, if this process relayed it and the
        worker still holds what it took."""
        kept_key, result = self.answers.get(worker_id, (None, None))
        if kept_key != key:
            return None
        taken = SEAT if result["status"] == "booked" else PLACE
        return result if self.holders.get(worker_id) == taken else None

    def learn_full(self, data):
        at = parse_time(data["at"])
        if at <= self.freed_at:
            return  # something was freed after those holders were read
        self.full = True
        listed = dict.fromkeys(data["waitlist_holders"], PLACE)
        listed.update(dict.fromkeys(data["seat_holders"], SEAT))
        for worker_id in set(self.holders) - set(listed):
            self.leave(worker_id, at)
        for worker_id, kind in listed.items():
            self.hold(worker_id, kind, at)


class ClassFacts:
    def __init__(self):
        self.lock = threading.Lock()
        self.classes = {}

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
            self._apply(self.classes.setdefault(class_id, Fact()), kind, data)

    @staticmethod
    def _apply(fact, kind, data):
        if kind in ("class_published", "class_updated"):
            fact.opens_at = parse_time(data["booking_opens_at"])
        if kind in FREEING_EVENTS:
            fact.full = False
            fact.freed_at = max(fact.freed_at, parse_time(data["at"]))
            # Someone ahead in line may have left: the service recounts.
            fact.answers = {worker: kept for worker, kept in fact.answers.items()
                            if kept[1]["status"] == "booked"}
        if kind in HOLDING_EVENTS:
            fact.hold(data["worker_id"], HOLDING_EVENTS[kind], parse_time(data["at"]))
        if kind in LEAVING_EVENTS:
            fact.leave(data["worker_id"], parse_time(data["at"]))
        if kind == "class_full":
            fact.learn_full(data)

    def forget_all(self):
        with self.lock:
            self.classes.clear()

    def shortcut(self, class_id, worker_id, key, now=None):
        """The answer the gateway may give itself: a DomainError to refuse
        with, a replayed result, or None to ask the service."""
        with self.lock:
            fact = self.classes.get(class_id)
            if fact is None:
                return None
            if fact.opens_at and (now or datetime.now(timezone.utc)) < fact.opens_at:
                return exceptions.booking_not_open(fact.opens_at)
            if not fact.full:
                return None
            held = fact.holders.get(worker_id)
            if held is None:
                return exceptions.class_full()
            if key:
                return fact.replay(worker_id, key)
            return exceptions.already_holding(held)

    def learn(self, class_id, worker_id, key, result=None, error=None):
        """From the service's answer to a booking: the opening time a
        BOOKING_NOT_OPEN names, or what a key took (to replay it)."""
        with self.lock:
            fact = self.classes.setdefault(class_id, Fact())
            if error is not None and error.code == "BOOKING_NOT_OPEN":
                fact.opens_at = parse_time(error.details["booking_opens_at"])
            elif key and result and result["status"] in ("booked", "waitlisted"):
                fact.answers[worker_id] = (key, result)


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
    """The gateway route hook for POST /classes/{id}/bookings: a refusal or
    replay the facts allow, else the call, admitted (gateway/admission.py)."""

    def __init__(self, facts, admission):
        self.facts = facts
        self.admission = admission

    def around(self, path_params, caller, kwargs, call):
        class_id, key = path_params["class_id"], kwargs.get("idempotency_key")
        answer = self.facts.shortcut(class_id, caller.id, key)
        if isinstance(answer, DomainError):
            raise answer
        if answer is not None:
            return answer
        with self.admission.admit(class_id):
            try:
                result = call()
            except DomainError as error:
                self.facts.learn(class_id, caller.id, key, error=error)
                raise
        self.facts.learn(class_id, caller.id, key, result=result)
        return result
