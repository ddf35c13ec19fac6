"""One event to the departments that take it: over AMQP at once (on its
queue), over HTTPS as a delivery the sender POSTs (webhooks.py). Used for
every newly published event and for every archived event a replay sends
again (then marked replayed)."""
from collections import Counter

from services.feeds.deliveries import delivery
from services.feeds.schemas import AMQP
from services.feeds.messages import department_event, http_body


class Feed:
    def __init__(self, store, publish, key):
        self.store = store
        self.publish = publish
        self.key = key

    def deliver(self, envelope, departments, now, replay_id=None):
        """Returns how many events went onto each department's queue (HTTPS
        ones are counted when their POST is accepted)."""
        queued, waiting = Counter(), []
        for department in departments:
            event = department_event(envelope, department["_id"], self.key,
                                     replayed=replay_id is not None)
            if department["delivery"] == AMQP:
                self.publish(department["_id"], event)
                queued[department["_id"]] += 1
            else:
                waiting.append(delivery(department["_id"], event, http_body(event),
                                        replay_id, now))
        self.store.add_deliveries(waiting)
        return queued
