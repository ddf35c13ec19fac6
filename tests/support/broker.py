"""Direct broker access for event tests: publish a raw envelope, capture what
a service publishes, look at (or empty) a subscription queue."""
import socket
import time
import uuid

from amqp.exceptions import NotFound
from kombu import Connection, Producer, Queue

from shared.topology import events_exchange, queue_name

BROKER_PORT = 5672


def publish_raw(amqp_uri, source, event_type, payload):
    """Put ``payload`` on ``<source>.events`` as its producer would (JSON,
    persistent): a redelivery, a duplicate or a malformed message."""
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), exchange=events_exchange(source),
                            serializer="json")
        producer.publish(payload, routing_key=event_type, delivery_mode=2,
                         declare=[events_exchange(source)])


def queue_state(amqp_uri, name):
    """(messages ready, consumers) of an existing queue; NotFound if absent."""
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        _, ready, consumers = channel.queue_declare(name, passive=True)
        return ready, consumers


def queue_exists(amqp_uri, name):
    try:
        queue_state(amqp_uri, name)
        return True
    except NotFound:
        return False


def delete_queues(amqp_uri, subscriptions):
    """Remove durable subscription queues (and what other tests in this vhost
    left in them); deleting a queue that does not exist is no error."""
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for subscription in subscriptions:
            channel.queue_delete(queue_name(*subscription))


class Capture:
    """A private queue bound to every event of ``source``: the raw envelopes
    exactly as published."""

    def __init__(self, amqp_uri, source):
        self.connection = Connection(amqp_uri)
        self.queue = Queue("test-capture-" + uuid.uuid4().hex[:8],
                           exchange=events_exchange(source), routing_key="#",
                           exclusive=True, auto_delete=True)(self.connection.channel())
        self.queue.declare()
        self.received = []

    def drain(self):
        while True:
            message = self.queue.get(no_ack=True)
            if message is None:
                return self.received
            self.received.append(message.payload)

    def close(self):
        self.connection.close()


def port_accepts(port=BROKER_PORT, host="127.0.0.1"):
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def wait_for(condition, timeout=20, interval=0.1, what="condition"):
    """Poll ``condition`` until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after {} s waiting for {}".format(timeout, what))
        time.sleep(interval)


def delete_queue(amqp_uri, name):
    with Connection(amqp_uri) as connection:
        connection.channel().queue_delete(name)
