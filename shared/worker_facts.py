"""A service's local copy of identity's facts about a worker (DESIGN.md, 3.9).

Services that group or filter by who a worker is (district, occupation) keep
these facts from identity's ``worker_registered`` and ``profile_updated``
events instead of asking identity on every request.
"""
FACTS = ("name", "district", "occupation")


def remember_worker(collection, data, at, session, new_document=None):
    """Keep the newest facts of ``data["worker_id"]`` in ``collection``,
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
        {"$set": dict({key: data[key] for key in FACTS}, facts_at=at)}, session=session)
