"""Putting live deltas on ``insight.live`` for the gateway's live streams
(docs/live-demand.md): a topic exchange, routing key = the
panel, JSON bodies, transient messages (a delta is worth something for a
few seconds only; a console that missed one reads the next snapshot)."""
import logging

from kombu import Connection, Exchange
from kombu.pools import ProducerPool
from nameko.extensions import DependencyProvider

from shared.clock import utcnow

log = logging.getLogger(__name__)

LIVE_EXCHANGE = "insight.live"
EXCHANGE = Exchange(LIVE_EXCHANGE, type="topic", durable=True, auto_delete=False)
TRANSIENT = 1
# A pooled connection the broker closed is reopened once, at once; a broker
# that is down is not waited for (the handler's worker would be held).
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                "interval_max": 0.2}
ACQUIRE_TIMEOUT_SECONDS = 2


class LivePublisher(DependencyProvider):
    """Injects itself: ``publish_deltas(deltas)`` (insight's LiveFolder is
    one). One pool of producers per container, as many as its workers, so
    concurrent handlers never share a channel."""

    def setup(self):
        size = self.container.config.get("max_workers", 10)
        self.connections = Connection(self.container.config["AMQP_URI"]).Pool(limit=size)
        self.producers = ProducerPool(self.connections, limit=size)

    def start(self):
        # Declared once here too, so the gateway can bind its queue before
        # the first delta.
        with self.connections.acquire(block=True) as connection:
            EXCHANGE(connection.default_channel).declare()

    def stop(self):
        self.producers.force_close_all()
        self.connections.force_close_all()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self

    def publish_deltas(self, deltas):
        """Publish each delta with ``published_at``. A failure is logged, not
        raised: the counters are already committed (raising would only
        re-run the handler, which the inbox then drops as a repeat), and the
        console repairs a lost delta from its next snapshot."""
        if not deltas:
            return
        published_at = utcnow().isoformat()
        try:
            with self.producers.acquire(block=True, timeout=ACQUIRE_TIMEOUT_SECONDS) as producer:
                for delta in deltas:
                    producer.publish(dict(delta, published_at=published_at),
                                     exchange=EXCHANGE, routing_key=delta["panel"],
                                     serializer="json", delivery_mode=TRANSIENT,
                                     declare=[EXCHANGE], retry=True,
                                     retry_policy=RETRY_POLICY)
        except Exception:  # broker down, pool exhausted: see the docstring
            log.warning("live deltas not published (%d)", len(deltas), exc_info=True)
