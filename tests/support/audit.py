"""Reading what the test subscriber (tests/support/subscriber.py) did, from
its own database: the integration and end-to-end tiers both check with it."""
from tests.support.subscriber import KNOB_ID


class Audit:
    """What the subscriber's database says about one event or worker."""

    def __init__(self, db):
        self.db = db

    def set_knob(self, **settings):
        self.db.knobs.replace_one({"_id": KNOB_ID}, settings, upsert=True)

    def applied(self, event_id):
        return self.db.applied.count_documents({"event_id": event_id})

    def applied_envelope(self, event_id):
        return self.db.applied.find_one({"event_id": event_id})["envelope"]

    def count(self, event_type, worker_id):
        counter = self.db.counters.find_one({"_id": "{}:{}".format(event_type, worker_id)})
        return counter["count"] if counter else 0

    def processed(self, event_id):
        """processed_events entries for this event, over all handlers."""
        return self.db.processed_events.count_documents(
            {"_id": {"$regex": ":{}$".format(event_id)}})

    def attempts(self, event_id):
        return self.db.attempts.count_documents({"event_id": event_id})

    def dead_letters(self):
        return list(self.db.dead_letters.find())

