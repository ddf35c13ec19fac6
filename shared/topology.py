"""Who subscribes to which event, declared by every service at start-up.

RabbitMQ drops a message published to an exchange with no bound queue. A
consumer's queue normally appears when the consumer first starts, so an event
published before then would be lost. Every service therefore declares, when it
starts, the durable queue of every subscription of every service, named
exactly as nameko's ``event_handler`` names it; whichever side starts first,
the queue is there and holds the events until its consumer arrives.

The subscriptions are read off the services themselves: each ``@handles``
method (shared/inbox.py) is marked with the event it handles, and every
service package under ``services/`` is looked through. A new handler is
therefore declared everywhere by being written; nothing is listed here.

One queue is not a handler's: the event archive's (services/feeds/), bound to
every service's exchange with every routing key, declared the same way so the
archive misses nothing published while the feeds service is down.
"""
import importlib

from kombu import Connection, Exchange, Queue, binding
from nameko.extensions import DependencyProvider

import services
from shared.event_schemas import EVENT_SCHEMAS

# The attribute @handles sets on a method: (source service, event type).
HANDLED_EVENT = "handled_event"


def handled_events(service_cls):
    """(source, event type, service name, method name) of each ``@handles``
    method of ``service_cls``, its mixins' included, in the order written."""
    found = {}
    for klass in reversed(service_cls.__mro__):
        for name, member in vars(klass).items():
            event = getattr(member, HANDLED_EVENT, None)
            if event is None:
                found.pop(name, None)  # overridden by something that handles nothing
            else:
                found[name] = event
    return tuple((source, event_type, service_cls.name, name)
                 for name, (source, event_type) in found.items())


def service_class(name):
    """The ``SERVICE`` of ``services/<name>/service.py``."""
    return importlib.import_module("services.{}.service".format(name)).SERVICE


def service_classes():
    """The ``SERVICE`` of every ``services/<name>/service.py``."""
    return [service_class(name) for name in services.names()]


def subscriptions():
    """Every subscription of every service of the system."""
    return tuple(subscription for cls in service_classes()
                 for subscription in handled_events(cls))


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


ARCHIVE_QUEUE = "evt-all--feeds.archive"


def archive_queue():
    """Every event of every service (each source in the event schemas)."""
    sources = sorted({source for source, _ in EVENT_SCHEMAS})
    return Queue(ARCHIVE_QUEUE, durable=True, auto_delete=False,
                 bindings=[binding(events_exchange(source), routing_key="#")
                           for source in sources])


def declare(amqp_uri, queues):
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for queue in queues:
            queue(channel).declare()
        channel.close()


class Topology(DependencyProvider):
    """Declares every subscription queue when the container starts: the
    system's and the archive's, and the container's own (a test service's,
    which no package lists). ``SUBSCRIPTIONS`` in the config replaces the
    system's and the archive's (tests of a few services)."""

    def setup(self):
        config = self.container.config
        chosen = config.get("SUBSCRIPTIONS")
        queues = [subscription_queue(*subscription) for subscription
                  in tuple(chosen or subscriptions())
                  + handled_events(self.container.service_cls)]
        declare(config["AMQP_URI"], queues if chosen else queues + [archive_queue()])
