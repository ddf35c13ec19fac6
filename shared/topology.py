"""Who subscribes to which event, declared by every service at start-up.

RabbitMQ drops a message published to an exchange with no bound queue. A
consumer's queue normally appears when the consumer first starts, so an event
published before then would be lost. Every service therefore declares, when it
starts, the durable queue of every subscription listed here, named exactly as
nameko's ``event_handler`` names it; whichever side starts first, the queue is
there and holds the events until its consumer arrives.

Add a line here with every new ``@handles`` method (and for another
department's subscription, its queue name).
"""
from kombu import Connection, Exchange, Queue
from nameko.extensions import DependencyProvider

# (source service, event type, consuming service, handler method)
SUBSCRIPTIONS = (
    ("identity", "worker_registered", "courses", "handle_worker_registered"),
    ("identity", "membership_approved", "courses", "handle_membership_approved"),
)


def events_exchange(source):
    # Same attributes as nameko's get_event_exchange, so declarations agree.
    return Exchange("{}.events".format(source), type="topic", durable=True,
                    auto_delete=False, delivery_mode=2)


def queue_name(source, event_type, service, method):
    return "evt-{}-{}--{}.{}".format(source, event_type, service, method)


def subscription_queue(source, event_type, service, method):
    return Queue(queue_name(source, event_type, service, method),
                 exchange=events_exchange(source), routing_key=event_type,
                 durable=True, auto_delete=False)


def declare(amqp_uri, subscriptions=SUBSCRIPTIONS):
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for subscription in subscriptions:
            subscription_queue(*subscription)(channel).declare()
        channel.close()


class Topology(DependencyProvider):
    """Declares every known subscription queue when the container starts."""

    def setup(self):
        declare(self.container.config["AMQP_URI"],
                self.container.config.get("SUBSCRIPTIONS", SUBSCRIPTIONS))
