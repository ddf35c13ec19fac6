"""Who on staff looked at a named worker's picture, why and when (a part of
InsightStore): written before the picture is answered, read by staff and by
the worker concerned."""
from pymongo import ASCENDING, DESCENDING

from shared.ids import new_id
from shared.store import one_page

# A worker's own view shows the latest this many looks.
OWN_VIEW_LIMIT = 50


def create_access_indexes(db):
    db.access_log.create_index([("worker_id", ASCENDING), ("at", DESCENDING)])
    db.access_log.create_index([("at", DESCENDING)])


class AccessMixin:
    def log_access(self, staff_id, worker_id, reason, now):
        document = {"_id": new_id(), "staff_id": staff_id, "worker_id": worker_id,
                    "reason": reason, "at": now}
        self.db.access_log.insert_one(document)
        return document

    def access_log(self, worker_id, page, per_page):
        query = {"worker_id": worker_id} if worker_id else {}
        cursor = self.db.access_log.find(query).sort([("at", -1), ("_id", 1)])
        return list(one_page(cursor, page, per_page)), self.db.access_log.count_documents(query)

    def looks_at(self, worker_id):
        return list(self.db.access_log.find({"worker_id": worker_id})
                    .sort([("at", -1), ("_id", 1)]).limit(OWN_VIEW_LIMIT))
