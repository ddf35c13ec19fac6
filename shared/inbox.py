"""The consuming side of events: exactly-once effect over at-least-once delivery.

``@handles(source, event_type)`` wraps a service method as a nameko event
handler that:

1. checks the envelope and loads ``data`` with the event's shared schema (a
   malformed message is dead-lettered at once: retrying cannot fix it);
2. runs the handler and records the event's id in ``processed_events`` (a
   unique ``_id``) in one transaction: an event this handler applied before
   stops at that insert, and a consumer killed mid-handler leaves nothing
   behind, so the redelivered message is applied once (after the server aborts
   the dead consumer's transaction, see 5.);
3. publishes the events the handler recorded in its outbox as soon as the
   transaction commits (the service's relay; its timer only catches up after
   a crash), so what a handler causes is not held back by the timer;
4. retries a failing handler a few times, then stores the event in
   ``dead_letters`` (inspect it there, replay it with ``replay_dead_letters``);
5. if even that write fails, or the failure is a transient transaction error
   (a conflict that clears by itself), the exception propagates and nameko
   requeues the message (``requeue_on_error``): an event is never silently
   dropped.
"""
import hashlib
import json
import logging
import time

from marshmallow import ValidationError
from nameko.events import event_handler
from nameko.extensions import DependencyProvider
from shared.rpc import rpc
from pymongo.errors import DuplicateKeyError

from shared.caller import UNION_STAFF
from shared.clock import utcnow
from shared.events import UnknownEvent, read_event
from shared.mongo import store_of
from shared.store import is_transient, retrying_conflicts
from shared.topology import HANDLED_EVENT

log = logging.getLogger(__name__)

RETRY_DELAYS_SECONDS = (0.2, 1.0, 3.0)


def content_key(payload):
    """A message without an id is keyed by its content: two different ones are
    both kept, and replaying one does not add a copy."""
    text = json.dumps(payload, sort_keys=True, default=str)
    return "no-id-" + hashlib.sha1(text.encode()).hexdigest()


def message_key(handler_name, event_id):
    """One event as one handler sees it: the unique key of processed_events
    and dead_letters (two handlers of the same event each apply it once)."""
    return "{}:{}".format(handler_name, event_id)


def processed_record(key, envelope):
    return {"_id": key, "type": envelope["type"], "source": envelope["source"],
            "processed_at": utcnow()}


class Inbox:
    def __init__(self, client, db):
        self.client = client
        self.processed = db.processed_events
        self.dead_letters = db.dead_letters

    @staticmethod
    def prepare(db):
        db.dead_letters.create_index("dead_lettered_at")

    def consume(self, handler_name, payload, apply):
        envelope = self._readable(handler_name, payload)
        if envelope is None:
            return None
        key = message_key(handler_name, envelope["id"])
        error = None
        for attempt, delay in enumerate(RETRY_DELAYS_SECONDS + (None,), 1):
            try:
                # A conflict with a concurrent handler is retried at once,
                # a few times, before it counts as a failed attempt here.
                return retrying_conflicts(lambda: self._apply_once(key, envelope, apply))
            except Exception as exc:  # any handler failure is retried, then kept
                error = exc
                log.warning("handler %s failed on event %s (attempt %d)",
                            handler_name, envelope["id"], attempt, exc_info=True)
                if delay is not None:
                    time.sleep(delay)
        if is_transient(error):
            # Not the handler's fault, e.g. a write conflict with the open
            # transaction of a consumer killed mid-handler, which the server
            # aborts only when its lifetime (60 s) ends: requeue, retry later.
            raise error
        self.dead_letter(handler_name, payload, repr(error), attempt)
        return None

    def _readable(self, handler_name, payload):
        """The message's envelope, or None when it is malformed: then it is
        dead-lettered at once (retrying cannot fix it)."""
        try:
            return read_event(payload)
        except (ValidationError, UnknownEvent, TypeError) as exc:
            self.dead_letter(handler_name, payload, "invalid event: {!r}".format(exc), 0)
            return None

    def _apply_once(self, key, envelope, apply):
        """What ``apply`` returns (the events it recorded), once committed;
        None when this event was applied before."""
        with self.client.start_session() as session:
            with session.start_transaction():
                try:
                    self.processed.insert_one(processed_record(key, envelope), session=session)
                except DuplicateKeyError:
                    session.abort_transaction()
                    return None  # applied before, or by a concurrent delivery
                return apply(envelope, session)

    # ---- batches (shared/batches.py) --------------------------------------------

    def consume_batch(self, deliveries, apply, one_by_one):
        """Apply ``deliveries`` ([(handler name, payload)]) in one transaction:
        ``apply([(handler name, envelope)], session)`` for those not applied
        before, returning the events it recorded. If the batch fails, each
        delivery goes through ``one_by_one(handler name, payload)`` instead
        (the handler's own retries, dead letter and requeue: a poison message
        does not hold up the others). Returns ([may each be acknowledged],
        the events recorded by the batch's commit)."""
        readable = []
        for index, (name, payload) in enumerate(deliveries):
            envelope = self._readable(name, payload)
            if envelope is not None:
                readable.append((index, name, payload, envelope))
        try:
            recorded = retrying_conflicts(lambda: self._apply_batch_once(
                [(name, envelope) for _, name, _, envelope in readable], apply))
            return [True] * len(deliveries), recorded
        except Exception:  # any failure: each delivery on its own, as if unbatched
            log.warning("a batch of %d events failed: applying them one by one",
                        len(readable), exc_info=True)
        applied = [True] * len(deliveries)
        for index, name, payload, _ in readable:
            applied[index] = self._consumed_alone(name, payload, one_by_one)
        return applied, []

    @staticmethod
    def _consumed_alone(name, payload, one_by_one):
        try:
            one_by_one(name, payload)
            return True
        except Exception:  # transient: the message goes back to its queue
            return False

    def _apply_batch_once(self, events, apply):
        """One transaction: the events not applied before (nor twice in the
        batch) recorded as processed, then applied; the events recorded."""
        fresh = {message_key(name, envelope["id"]): (name, envelope)
                 for name, envelope in events}
        with self.client.start_session() as session:
            with session.start_transaction():
                for done in self.processed.find({"_id": {"$in": list(fresh)}}, {"_id": 1},
                                                session=session):
                    del fresh[done["_id"]]
                if not fresh:
                    return []
                self.processed.insert_many(
                    [processed_record(key, envelope) for key, (_, envelope) in fresh.items()],
                    session=session)
                return apply(list(fresh.values()), session)

    def dead_letter(self, handler_name, payload, error, attempts):
        event_id = payload.get("id") if isinstance(payload, dict) else None
        log.error("dead-lettered event %s for %s: %s", event_id, handler_name, error)
        self.dead_letters.update_one(
            {"_id": message_key(handler_name, event_id or content_key(payload))},
            {"$set": {"handler": handler_name, "payload": payload, "error": error,
                      "attempts": attempts, "dead_lettered_at": utcnow()}},
            upsert=True)

    def list_dead_letters(self, limit=100):
        return list(self.dead_letters.find({}, limit=limit).sort("dead_lettered_at", 1))

    def was_processed(self, handler_name, event_id):
        return self.processed.find_one(
            {"_id": message_key(handler_name, event_id)}, {"_id": 1}) is not None

    def forget_dead_letter(self, dead_letter_id):
        self.dead_letters.delete_one({"_id": dead_letter_id})


class InboxProvider(DependencyProvider):
    def start(self):
        Inbox.prepare(store_of(self.container, "an event consumer").db)

    def get_dependency(self, worker_ctx):
        store = store_of(self.container, "an event consumer")
        return Inbox(store.client, store.db)


def one_event(source, event_type, method):
    """``method(self, data, envelope, session)`` as the function that applies
    one message (its payload) through the inbox, then publishes what it
    recorded. Also what a dead letter's replay, and a failed batch, call."""
    def apply_one(self, payload):
        recorded = self.inbox.consume(
            method.__name__, payload,
            lambda envelope, session: method(
                self, envelope["data"], envelope=envelope, session=session))
        if recorded:
            self.relay.publish(recorded)
    apply_one.__name__ = method.__name__
    apply_one.__qualname__ = method.__qualname__
    apply_one.__doc__ = method.__doc__
    # What shared/topology.py reads to declare this handler's queue in
    # every service at start-up.
    setattr(apply_one, HANDLED_EVENT, (source, event_type))
    return apply_one


def handles(source, event_type):
    """Decorate ``method(self, data, envelope, session)`` as an idempotent,
    retried, dead-lettering handler of ``source``'s ``event_type``. The method
    returns the events it recorded in the outbox (or nothing); they are
    published once its transaction commits. Its queue is declared by every
    service at start-up (shared/topology.py): writing the method is enough."""
    def decorator(method):
        return event_handler(source, event_type, requeue_on_error=True)(
            one_event(source, event_type, method))
    return decorator


class EventConsumer:
    """Mixin for a service with ``@handles`` methods (and ServiceBase's
    ``caller``). Dead letters are union staff's to read and replay: they hold
    other workers' data, and a replay applies events again."""
    inbox = InboxProvider()

    @rpc
    def list_dead_letters(self):
        self.caller.require_role(UNION_STAFF)
        return [{"id": d["_id"], "handler": d["handler"], "error": d["error"],
                 "attempts": d["attempts"], "payload": d["payload"],
                 "dead_lettered_at": d["dead_lettered_at"].isoformat()}
                for d in self.inbox.list_dead_letters()]

    @rpc
    def replay_dead_letters(self):
        """Run each dead letter through its handler again; keep the ones that
        still fail. Returns how many were applied."""
        self.caller.require_role(UNION_STAFF)
        applied = 0
        for letter in self.inbox.list_dead_letters():
            handler = getattr(self, letter["handler"], None)
            payload = letter["payload"]
            if handler is None or not isinstance(payload, dict):
                continue
            handler(payload)
            if self.inbox.was_processed(letter["handler"], payload.get("id")):
                self.inbox.forget_dead_letter(letter["_id"])
                applied += 1
        return applied
