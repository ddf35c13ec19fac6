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
    # ledger: the facts it keeps (district, occupation, class titles) ...
    ("identity", "worker_registered", "ledger", "handle_worker_registered"),
    ("identity", "profile_updated", "ledger", "handle_profile_updated"),
    ("courses", "class_published", "ledger", "handle_class_published"),
    ("courses", "class_updated", "ledger", "handle_class_updated"),
    # ... and everything that earns points (volunteering and stations do not
    # publish yet: their queues wait for them, shared/event_schemas/).
    ("courses", "class_attended", "ledger", "handle_class_attended"),
    ("learning", "quiz_passed", "ledger", "handle_quiz_passed"),
    ("learning", "lesson_completed", "ledger", "handle_lesson_completed"),
    ("volunteering", "volunteer_hours_confirmed", "ledger",
     "handle_volunteer_hours_confirmed"),
    ("stations", "station_visited", "ledger", "handle_station_visited"),
    # learning: district and occupation, for its quiz statistics.
    ("identity", "worker_registered", "learning", "handle_worker_registered"),
    ("identity", "profile_updated", "learning", "handle_profile_updated"),
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
