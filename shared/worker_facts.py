"""A service's local copy of identity's facts about a worker (DESIGN.md, 3.9).

Services that group or filter by who a worker is (district, occupation) keep
these facts from identity's ``worker_registered`` and ``profile_updated``
events instead of asking identity on every request: such a service mixes in
``KeepsWorkerFacts`` and its store has ``remember_worker(data, at, session)``
(which calls ``remember_worker`` below with its own collection).
"""
from shared.inbox import handles

FACTS = ("name", "district", "occupation")


def remember_worker(collection, data, at, session, new_document=None, facts=FACTS):
    """Keep the newest ``facts`` of ``data["worker_id"]`` in ``collection``,
    creating its document (with ``new_document``'s fields) if there is none.

    identity's events come through separate queues and may arrive out of
    order, so an older event (``at`` before the facts kept) changes nothing.
    """
    worker_id = data["worker_id"]
    collection.update_one({"_id": worker_id},
                          {"$setOnInsert": dict(new_document or {}, facts_at=None)},
                          upsert=True, session=session)
    collection.update_one(
        {"_id": worker_id, "$or": [{"facts_at": None}, {"facts_at": {"$lte": at}}]},
        {"$set": dict({key: data[key] for key in facts}, facts_at=at)}, session=session)


class KeepsWorkerFacts:
    """Mixin for a service (with EventConsumer) that keeps workers' facts.
    Its queues are named after these methods (shared/topology.py)."""

    @handles("identity", "worker_registered")
    def handle_worker_registered(self, data, envelope, session):
        self.store.remember_worker(data, data["registered_at"], session)

    @handles("identity", "profile_updated")
    def handle_profile_updated(self, data, envelope, session):
        self.store.remember_worker(data, data["updated_at"], session)
