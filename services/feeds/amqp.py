"""Putting a department's events on its queue: published with confirms to
the departments' exchange, which routes each to the one queue bound to its
key. The message carries the event's id and time as AMQP properties too
(the broker's "age of the oldest waiting message" reads the timestamp).
A backfill's events go onto a service's own handler queues instead
(HandlerQueues, below)."""
from kombu import Exchange
from nameko.amqp.publish import Publisher
from nameko.constants import DEFAULT_SERIALIZER, SERIALIZER_CONFIG_KEY
from nameko.extensions import DependencyProvider

from shared.department_feed import DEPARTMENT_EXCHANGE, routing_key
from services.feeds.messages import amqp_message
from shared.topology import subscription_queue

EXCHANGE = Exchange(DEPARTMENT_EXCHANGE, type="topic", durable=True, auto_delete=False)
DEFAULT_EXCHANGE = Exchange("")  # routes a message to the queue its key names


class DepartmentQueues(DependencyProvider):
    """Injects ``publish(department_id, event)``."""

    def setup(self):
        self.publisher = Publisher(self.container.config["AMQP_URI"], use_confirms=True,
                                   delivery_mode=2)

    def get_dependency(self, worker_ctx):
        return self.publish

    def publish(self, department_id, event):
        content_type, body = amqp_message(event)
        self.publisher.publish(
            body, exchange=EXCHANGE, declare=[EXCHANGE],
            routing_key=routing_key(department_id, event.get_source(), event.get_type()),
            content_type=content_type, content_encoding="utf-8",
            message_id=event.get_id(), timestamp=int(event.get_time().timestamp()))


class HandlerQueues(DependencyProvider):
    """Injects ``send(handler, envelope)``: an archived event straight onto
    one handler's queue of a service (a backfill, backfills.py), through the
    default exchange, whose routing key is the queue's name. The message is
    what the event's producer published (nameko's event dispatcher: the
    envelope serialized as JSON, persistent), with publisher confirms: when
    ``send`` returns, the broker has it. The queue is declared as every
    service declares it at start-up (shared/topology.py), so a handler that
    was never started still gets it; ``mandatory`` makes a queue deleted
    behind our back an error rather than a silent drop."""

    def setup(self):
        config = self.container.config
        self.publisher = Publisher(config["AMQP_URI"], use_confirms=True, delivery_mode=2,
                                   mandatory=True,
                                   serializer=config.get(SERIALIZER_CONFIG_KEY,
                                                         DEFAULT_SERIALIZER))

    def get_dependency(self, worker_ctx):
        return self.send

    def send(self, handler, envelope):
        queue = subscription_queue(handler["source"], handler["type"], handler["service"],
                                   handler["method"])
        self.publisher.publish(envelope, exchange=DEFAULT_EXCHANGE, routing_key=queue.name,
                               declare=[queue])
