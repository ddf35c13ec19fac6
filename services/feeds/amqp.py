"""Putting a department's events on its queue: published with confirms to
the departments' exchange, which routes each to the one queue bound to its
key. The message carries the event's id and time as AMQP properties too
(the broker's "age of the oldest waiting message" reads the timestamp)."""
from kombu import Exchange
from nameko.amqp.publish import Publisher
from nameko.extensions import DependencyProvider

from shared.department_feed import DEPARTMENT_EXCHANGE, routing_key
from services.feeds.messages import amqp_message

EXCHANGE = Exchange(DEPARTMENT_EXCHANGE, type="topic", durable=True, auto_delete=False)


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
