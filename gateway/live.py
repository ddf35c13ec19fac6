"""GET /api/v1/insight/live: the live demand the console shows, as
server-sent events (docs/live-demand.md, "The stream").

insight publishes each change of a live panel to the topic exchange
``insight.live`` (docs/live-demand.md: absolute values with a version per panel and
key). Each gateway process has ONE consumer of its own (an exclusive,
auto-delete queue bound with ``#``, as gateway/class_facts.py does for
courses), started with the first stream, and hands every delta to each open
stream through a small buffer of the stream's own:

- the buffer keeps the newest delta per (panel, key), since a value is the
  whole state: a reader that fell behind gets the latest of each, not a
  backlog;
- it is bounded: when more keys change than it holds, the oldest is dropped
  and the stream ends, so the page reconnects and takes a fresh snapshot
  rather than show a value it will never hear about again. The consumer
  never waits for a reader;
- losing the broker ends every stream for the same reason.

A stream is registered before the snapshot is asked for, so nothing
published while insight answers is missed (the page keeps the highest
version per key, so a delta older than the snapshot changes nothing). Each
open stream holds one of gunicorn's threads: a cap per process
(LIVE_MAX_STREAMS) answers 503 BUSY beyond it, and every stream ends after
LIVE_STREAM_SECONDS so threads come back (the page reconnects).
"""
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict

from flask import Response, current_app, g
from kombu import Connection, Exchange, Queue, binding
from kombu.mixins import ConsumerMixin

from gateway import auth
from gateway.errors import GatewayError, service_unavailable
from shared.caller import CONTEXT_KEY, UNION_STAFF
from shared.config import int_setting, setting
from shared.logs import REQUEST_ID_KEY

log = logging.getLogger(__name__)

PATH = "/api/v1/insight/live"
# Declared with the attributes insight declares it with (docs/live-demand.md): a
# declaration that differs would be refused by the broker.
LIVE_EXCHANGE = Exchange("insight.live", type="topic", durable=True, auto_delete=False)
PING_SECONDS = 15
# Keys one stream may have waiting: far more than change between two reads of
# a page that keeps up (a class rush changes one key per class).
BUFFER_KEYS = 512
# How long a new stream waits for the consumer's queue to be bound: a delta
# published before that would be lost to it.
READY_SECONDS = 5
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def busy():
    return GatewayError(503, "BUSY", "实时数据连接已满,请稍后再试",
                        {"Retry-After": str(PING_SECONDS)})


def is_delta(body):
    """What a delta must have for a page to apply it (docs/live-demand.md)."""
    return (isinstance(body, dict) and isinstance(body.get("panel"), str)
            and isinstance(body.get("key"), str) and isinstance(body.get("version"), int)
            and not isinstance(body.get("version"), bool))


class Stream:
    """One open stream's buffer: the newest delta per (panel, key)."""

    def __init__(self, capacity=BUFFER_KEYS):
        self.capacity = capacity
        self.ready = threading.Condition()
        self.waiting = OrderedDict()
        self.lost = False  # a delta was dropped or missed: the page must re-snapshot

    def offer(self, delta):
        """Never blocks beyond the buffer's own lock."""
        key = (delta["panel"], delta["key"])
        with self.ready:
            kept = self.waiting.pop(key, None)
            if kept is not None and kept["version"] > delta["version"]:
                delta = kept  # an older one arrived late: keep the newer
            self.waiting[key] = delta
            if len(self.waiting) > self.capacity:
                self.waiting.popitem(last=False)
                self.lost = True
            self.ready.notify()

    def lose(self):
        with self.ready:
            self.lost = True
            self.ready.notify()

    def take(self, timeout):
        """The waiting deltas, oldest change first (waits up to ``timeout``
        for one); empty when none came."""
        with self.ready:
            if not self.waiting and not self.lost:
                self.ready.wait(timeout)
            taken = list(self.waiting.values())
            self.waiting.clear()
            return taken


class LiveHub:
    """This process's open streams and the one consumer that feeds them."""

    def __init__(self, amqp_uri, max_streams, buffer_keys=BUFFER_KEYS):
        self.amqp_uri = amqp_uri
        self.max_streams = max_streams
        self.buffer_keys = buffer_keys
        self.lock = threading.Lock()
        self.streams = set()
        self.consuming = threading.Event()
        self.consumer = None

    def open(self):
        """A new stream, or BUSY beyond the cap, or 503 if the broker cannot
        be reached."""
        with self.lock:
            if len(self.streams) >= self.max_streams:
                raise busy()
            stream = Stream(self.buffer_keys)
            self.streams.add(stream)
            self._start_consumer()
        if not self.consuming.wait(READY_SECONDS):
            self.close(stream)
            raise service_unavailable()
        return stream

    def close(self, stream):
        with self.lock:
            self.streams.discard(stream)

    def open_count(self):
        with self.lock:
            return len(self.streams)

    def deliver(self, delta):
        for stream in self._current():
            stream.offer(delta)

    def lose_all(self):
        for stream in self._current():
            stream.lose()

    def _current(self):
        with self.lock:
            return list(self.streams)

    def stop(self):
        """Ends the consumer (tests; a gateway process keeps it for life)."""
        if self.consumer is not None:
            self.consumer.should_stop = True

    def _start_consumer(self):
        if self.consumer is not None:
            return
        self.consumer = LiveConsumer(Connection(self.amqp_uri), self)
        threading.Thread(target=self.consumer.run, name="insight-live", daemon=True).start()


class LiveConsumer(ConsumerMixin):
    """This process's exclusive queue on ``insight.live``."""

    def __init__(self, connection, hub):
        self.connection = connection
        self.hub = hub
        self.consumed = False  # consumed once already: a new connection is a reconnection
        self.queue = Queue("gateway-live-" + uuid.uuid4().hex[:12],
                           bindings=[binding(LIVE_EXCHANGE, routing_key="#")],
                           exclusive=True, auto_delete=True)

    def get_consumers(self, Consumer, channel):
        # The exchange may not exist yet (insight not started): declare it as
        # insight does, so the binding holds from now on.
        LIVE_EXCHANGE(channel).declare()
        return [Consumer(queues=[self.queue], callbacks=[self.on_message],
                         accept=["json"], no_ack=True)]

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        self.consumed = True
        self.hub.consuming.set()

    def on_message(self, body, message):
        if is_delta(body):
            self.hub.deliver(body)
        else:
            log.warning("ignored a malformed live delta")

    def on_connection_error(self, exc, interval):
        """Each failed try to (re)connect."""
        self.hub.consuming.clear()
        self.hub.lose_all()
        super().on_connection_error(exc, interval)

    def on_connection_revived(self):
        """Each connection, the first too. After a lost one (kombu's run
        loop only logs the loss), deltas were missed while away: every page
        must take a new snapshot."""
        if self.consumed:
            self.hub.lose_all()


def sse(event, data):
    return "event: {}\ndata: {}\n\n".format(
        event, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def events(hub, stream, snapshot, seconds, ping_seconds=PING_SECONDS):
    """The stream's text: the snapshot, then deltas and pings until its time
    is up or it lost a delta. Closes the stream however it ends (a client
    gone away ends it at the next write)."""
    try:
        yield sse("snapshot", snapshot)
        ends = time.monotonic() + seconds
        while not stream.lost:
            left = ends - time.monotonic()
            if left <= 0:
                return
            deltas = stream.take(min(ping_seconds, left))
            if deltas:
                yield "".join(sse("delta", delta) for delta in deltas)
            elif not stream.lost and time.monotonic() < ends:
                yield ": ping\n\n"
    finally:
        hub.close(stream)


def snapshot(caller):
    context = {REQUEST_ID_KEY: g.request_id, CONTEXT_KEY: caller.to_context()}
    return current_app.extensions["rpc_pool"].call("insight", "show_live_demand", context, {})


def register(app, hub=None):
    """The route; ``hub`` for tests (the real one connects on first use)."""
    hub = hub or LiveHub(setting("AMQP_URI"), int_setting("LIVE_MAX_STREAMS"))
    app.extensions["live_hub"] = hub
    seconds = int_setting("LIVE_STREAM_SECONDS")

    @app.get(PATH)
    def live_stream():
        caller = auth.caller_from_request(app.extensions["jwt_secret"])
        auth.require_roles(caller, (UNION_STAFF,))
        stream = hub.open()
        try:
            first = snapshot(caller)
        except Exception:
            hub.close(stream)
            raise
        return Response(events(hub, stream, first, seconds), mimetype="text/event-stream",
                        headers=STREAM_HEADERS)
