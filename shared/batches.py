"""Event handlers applied in batches, as TigerBeetle applies transfers.

A handler declared with ``@handles_in_batches(source, event_type)`` is the
same one-event method as ``@handles`` (shared/inbox.py), with the same queue,
but its messages are not each given a worker: the service's ``Batcher``
collects the deliveries of all its batched handlers and hands them, up to
EVENT_BATCH_SIZE at a time, to the service's one ``@applies_batches`` method,
which applies them in one transaction (``Inbox.consume_batch``) and says,
delivery by delivery, whether to acknowledge it (after the commit) or give
it back to the queue.

Batches are applied one after another: under load a batch takes whatever
arrived while the previous one was applied; when it is quiet the first
delivery waits at most EVENT_BATCH_WAIT_MS for company. One batch at a time
also means the batches of one process never conflict with each other.

The batched queues are consumed on a connection of their own (a prefetch of
a whole batch per queue; nameko's consumer gives every queue MAX_WORKERS).
"""
import time

import eventlet
from eventlet.event import Event
from eventlet.queue import Empty, LightQueue
from nameko.events import EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.extensions import Entrypoint, SharedExtension
from nameko.messaging import QueueConsumer

from shared.config import DEFAULTS
from shared.inbox import EventConsumer, one_event

STOP = object()  # put in the deliveries' queue: the batches' loop ends


def batch_settings(config):
    """(most deliveries per batch, seconds the first one waits for company)."""
    def get(name):
        return config.get(name) or DEFAULTS[name]
    return int(get("EVENT_BATCH_SIZE")), int(get("EVENT_BATCH_WAIT_MS")) / 1000.0


class BatchQueueConsumer(QueueConsumer):
    """nameko's queue consumer with a batch's prefetch per queue."""

    @property
    def prefetch_count(self):
        return batch_settings(self.container.config)[0]


class Batcher(SharedExtension):
    """The service's batches: deliveries in, one worker per batch out."""

    def __init__(self):
        super().__init__()
        # Here, not in setup(): the target registers in its own setup(),
        # which may run before this one's.
        self.deliveries = LightQueue()
        self.target = None
        self.loop = None
        self.stopping = False
        self.size = self.wait = None

    def setup(self):
        self.size, self.wait = batch_settings(self.container.config)

    def register_target(self, target):
        self.target = target

    def add(self, handler, body, message):
        if self.target is None:
            raise RuntimeError("{} has batched handlers but no @applies_batches method".format(
                self.container.service_name))
        self.deliveries.put((handler, body, message))
        if self.loop is None:
            self.loop = self.container.spawn_managed_thread(self._run,
                                                            identifier="event batches")

    def stop(self):
        # Deliveries not yet in a batch stay unacknowledged: the broker gives
        # them back when the connection closes.
        if not self.stopping:
            self.stopping = True
            self.deliveries.put(STOP)

    def _run(self):
        while not self.stopping:
            batch = self._next_batch()
            if batch and not self.stopping:
                self._apply(batch)

    def _next_batch(self):
        batch = [self.deliveries.get()]
        due = time.monotonic() + self.wait
        while len(batch) < self.size and batch[-1] is not STOP:
            try:
                batch.append(self.deliveries.get(timeout=max(0.0, due - time.monotonic())))
            except Empty:
                break
        return [delivery for delivery in batch if delivery is not STOP]

    def _apply(self, batch):
        """One worker for the whole batch; returns once its messages are
        acknowledged or given back."""
        done = Event()

        def settle(worker_ctx, result=None, exc_info=None):
            outcomes = result if exc_info is None else [False] * len(batch)
            try:
                for (handler, _, message), applied in zip(batch, outcomes):
                    handler.settle(message, applied)
            finally:  # the next batch must not wait on a failed acknowledgement
                done.send()
            return result, exc_info
        try:
            self.container.spawn_worker(
                self.target, ([(handler.method_name, body) for handler, body, _ in batch],), {},
                handle_result=settle)
        except ContainerBeingKilled:
            for handler, _, message in batch:
                handler.settle(message, False)
            return
        done.wait()


class BatchedEventHandler(EventHandler):
    """An event handler whose deliveries go to the service's Batcher."""
    queue_consumer = BatchQueueConsumer()
    batcher = Batcher()

    def handle_message(self, body, message):
        self.batcher.add(self, body, message)

    def stop(self):
        self.batcher.stop()
        super().stop()

    def settle(self, message, applied):
        if applied:
            self.queue_consumer.ack_message(message)
        else:
            self.queue_consumer.requeue_message(message)


class BatchTarget(Entrypoint):
    """The method a Batcher's workers run: ``method(self, deliveries)`` with
    deliveries [(handler name, message body)], returning for each whether it
    was applied (or given up on) and may be acknowledged."""
    batcher = Batcher()

    def setup(self):
        self.batcher.register_target(self)


applies_batches = BatchTarget.decorator


def handles_in_batches(source, event_type):
    """As ``@handles`` (shared/inbox.py), the method applying one event, but
    its queue's deliveries are applied in batches by the service's
    ``apply_event_batch`` (BatchEventConsumer). Called alone, the method still
    applies one message: a failed batch's deliveries and a dead letter's
    replay go through it."""
    def decorator(method):
        return BatchedEventHandler.decorator(source, event_type, requeue_on_error=True)(
            one_event(source, event_type, method))
    return decorator


class BatchEventConsumer(EventConsumer):
    """Mixin for a service with ``@handles_in_batches`` methods. The service
    defines ``apply_event_batch(events, session)``: [(handler name, envelope)]
    in the order delivered, applied in the inbox's transaction, returning the
    events it recorded (published once it commits)."""

    @applies_batches
    def consume_event_batch(self, deliveries):
        applied, recorded = self.inbox.consume_batch(
            deliveries, self.apply_event_batch,
            lambda name, payload: getattr(self, name)(payload))
        if recorded:
            # Published beside the next batch, not before it: the outbox holds
            # them until they are marked sent, and its timer publishes what a
            # stopped process left.
            eventlet.spawn_n(self.relay.publish, recorded)
        return applied
