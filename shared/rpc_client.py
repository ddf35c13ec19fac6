"""The RPC client every caller uses (the gateway, and a service calling
another, shared/calls.py): nameko's wire protocol, with deadlines.

nameko's standalone proxy cannot say why it gave up: its wait restarts on
every message and it cannot tell "nobody took the request" from "taken,
answer late". So this client speaks the protocol itself with kombu (the
same exchange, headers and reply shape as nameko) and adds a deadline to
every call (shared/deadlines.py). When a call that changes something has no
answer by then, it is either *not processed* (safe to retry) or *outcome
unknown*: the service had announced it started. What a caller makes of
each is its own (the gateway: 503 or 504; a service: Unavailable).

A client holds one broker connection and one reply queue and serves one call
at a time, so concurrent callers (gunicorn's threads, a service's workers)
borrow them from a pool. A client is kept after any answer or timeout
(replies are matched by correlation id, so a late answer to an earlier call
is ignored) and thrown away after a connection or channel error. Blocking
waits are plain socket reads, so under eventlet's monkey-patching (services)
they yield to other green threads like any other I/O.
"""
import logging
import queue
import socket
import threading
import time
import uuid

from amqp.exceptions import MessageNacked
from kombu import Connection, Consumer, Producer, Queue
from kombu.exceptions import ChannelError
from nameko.exceptions import deserialize
from nameko.rpc import get_rpc_exchange

from shared import deadlines

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 2


class NotProcessed(Exception):
    """The request was not run and will not be: the caller may retry."""


class Busy(NotProcessed):
    """Every client of the pool stayed in use until the deadline."""


class OutcomeUnknown(Exception):
    """The service took the request; whether it finished is not known."""


class RpcClient:
    """``owner`` names the reply queue (``rpc.reply-<owner>-<id>``), so the
    broker shows whose it is."""

    def __init__(self, amqp_uri, owner):
        self.connection = Connection(amqp_uri, connect_timeout=CONNECT_TIMEOUT_SECONDS,
                                     transport_options={"confirm_publish": True})
        self.connection.ensure_connection(max_retries=1)
        channel = self.connection.channel()
        exchange = get_rpc_exchange({})
        self.reply_to = uuid.uuid4().hex
        replies = Queue("rpc.reply-{}-{}".format(owner, self.reply_to), exchange,
                        routing_key=self.reply_to, exclusive=True, auto_delete=True)
        self.consumer = Consumer(channel, [replies], callbacks=[self._on_reply],
                                 no_ack=True, accept=["json"])
        self.consumer.consume()
        self.producer = Producer(channel, exchange, serializer="json")
        self.replies = {}
        self.broken = False
        # After any of these the client is thrown away: the connection is
        # gone, or the broker closed the channel (a channel error).
        self.breaking_errors = ((OSError, ChannelError)
                                + tuple(self.connection.connection_errors))

    def _on_reply(self, body, message):
        self.replies[message.properties.get("correlation_id")] = body

    def call(self, service, method, context, kwargs, deadline, wants_note):
        """The answer, or raises the service's error, NotProcessed or
        OutcomeUnknown. After a connection or channel error the client is ``broken``."""
        self.replies.clear()
        correlation_id = uuid.uuid4().hex
        try:
            self._publish(service, method, context, kwargs, deadline, wants_note,
                          correlation_id)
        except self.breaking_errors as exc:
            # Unconfirmed: taken as not published. A broker that routed it
            # and then died before confirming keeps it at most until its
            # deadline, past which no service runs it.
            self.broken = True
            raise NotProcessed("publishing failed: {!r}".format(exc)) from exc
        except MessageNacked as exc:  # the queue refused it (full, or the broker failing)
            raise NotProcessed("the broker refused the request") from exc
        try:
            return self._wait(correlation_id, deadline, wants_note)
        except self.breaking_errors as exc:
            self.broken = True
            raise OutcomeUnknown("connection lost while waiting: {!r}".format(exc)) from exc

    def _publish(self, service, method, context, kwargs, deadline, wants_note,
                 correlation_id):
        headers = {"nameko." + key: value for key, value in context.items()
                   if value is not None}
        headers.update(deadlines.headers_for(deadline, wants_note))
        try:
            self.producer.publish(
                {"args": [], "kwargs": kwargs}, routing_key="{}.{}".format(service, method),
                mandatory=True, reply_to=self.reply_to, correlation_id=correlation_id,
                headers=headers, expiration=max(deadline - time.time(), 0.001),
                retry=False)
        except ChannelError as exc:  # unroutable: no such service is running
            if "NO_ROUTE" in str(exc):
                raise NotProcessed("no {} service".format(service)) from exc
            raise

    def _wait(self, correlation_id, deadline, wants_note):
        listen_until = deadline
        while True:
            if correlation_id in self.replies:
                return answer_of(self.replies.pop(correlation_id))
            now = time.time()
            if now >= listen_until:
                if not wants_note:
                    raise OutcomeUnknown("no answer (a call that asked for no note)")
                if deadlines.note_id(correlation_id) in self.replies:
                    raise OutcomeUnknown("the service started it, no answer yet")
                if listen_until == deadline:
                    listen_until = deadline + deadlines.NOTE_GRACE_SECONDS
                    continue
                raise NotProcessed("no answer and no started note")
            try:
                self.connection.drain_events(timeout=listen_until - now)
            except socket.timeout:
                pass

    def close(self):
        try:
            self.connection.release()
        except Exception:  # already broken; nothing more to release
            log.debug("closing a broken RPC client failed", exc_info=True)


def answer_of(body):
    if body.get("error"):
        raise deserialize(body["error"])
    return body.get("result")


class RpcPool:
    """At most ``size`` clients, made when first needed. A call answers the
    service's result or its error (a DomainError as itself), or raises
    NotProcessed (Busy among them) or OutcomeUnknown."""

    def __init__(self, amqp_uri, size, timeout, owner, connect=RpcClient):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.owner = owner
        self.connect = connect
        self.idle = queue.LifoQueue()
        self.slots = threading.BoundedSemaphore(size)

    def call(self, service, method, context, kwargs=None, changes=False, deadline=None):
        """``changes``: the call may change something, so it asks for a
        started note (shared/deadlines.py). ``deadline``: when the caller
        stops waiting; ``timeout`` seconds from now unless given."""
        if deadline is None:
            deadline = time.time() + self.timeout
        left = deadline - time.time()
        if left <= 0:
            raise NotProcessed("the deadline had passed before the call")
        if not self.slots.acquire(timeout=left):
            raise Busy("no free client before the deadline")
        try:
            return self._call(service, method, context, kwargs or {}, deadline, changes)
        finally:
            self.slots.release()

    def _call(self, service, method, context, kwargs, deadline, changes):
        client = self._borrow()
        try:
            return client.call(service, method, context, kwargs, deadline, changes)
        except NotProcessed as exc:
            log.warning("RPC %s.%s not processed: %s", service, method, exc)
            raise
        except OutcomeUnknown as exc:
            log.warning("RPC %s.%s outcome unknown: %s", service, method, exc)
            raise
        finally:
            self._give_back(client)

    def _give_back(self, client):
        if client.broken:
            client.close()
        else:
            self.idle.put(client)

    def _borrow(self):
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            pass
        try:
            return self.connect(self.amqp_uri, self.owner)
        except Exception as exc:
            log.warning("cannot reach the broker: %r", exc)
            raise NotProcessed("cannot reach the broker: {!r}".format(exc)) from exc

    def close(self):
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                return
