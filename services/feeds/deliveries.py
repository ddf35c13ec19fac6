"""HTTPS deliveries waiting to be POSTed, retried, or parked for staff.

One document per event per department, keyed by both (a repeated fan-out
adds nothing). A department's deliveries are sent oldest event first, and a
failing one holds the ones behind it until it succeeds or is parked, so a
department that was down gets its events in order once it is back."""
from datetime import datetime, timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import BulkWriteError

PENDING, DELIVERED, PARKED = "pending", "delivered", "parked"
# Delivered documents are kept this long (for "last delivered"), then dropped.
KEEP_DELIVERED = timedelta(days=7)
BATCH = 100


def create_delivery_indexes(db):
    db.deliveries.create_index([("department_id", ASCENDING), ("status", ASCENDING),
                                ("event_time", ASCENDING), ("_id", ASCENDING)])
    db.deliveries.create_index([("status", ASCENDING), ("next_at", ASCENDING)])
    db.deliveries.create_index("expires_at", expireAfterSeconds=0)


def delivery(department_id, event, body, replay_id, now):
    """The delivery of ``event`` (the department's CloudEvent) as ``body``."""
    key = "{}:{}".format(department_id, event.get_id())
    return {"_id": key + (":replay:" + replay_id if replay_id else ""),
            "department_id": department_id, "event_id": event.get_id(),
            "event_type": event.get_type(),
            # As the envelope has it: fixed width, so it sorts in time order.
            "event_time": event.get_time().isoformat(timespec="microseconds"),
            "body": body.decode(), "replayed": bool(replay_id), "status": PENDING,
            "attempts": 0, "next_at": now, "first_failed_at": None, "last_error": None,
            "created_at": now}


class DeliveriesMixin:
    def add_deliveries(self, documents):
        if not documents:
            return
        try:
            self.db.deliveries.insert_many(documents, ordered=False)
        except BulkWriteError as error:  # repeats of a fan-out: already there
            if any(e["code"] != 11000 for e in error.details["writeErrors"]):
                raise

    def departments_due(self, now):
        return self.db.deliveries.distinct("department_id",
                                           {"status": PENDING, "next_at": {"$lte": now}})

    def claim_sending(self, department_id, now, lease):
        """Whether this process sends ``department_id``'s deliveries now (one
        process at a time, or two would send the same ones)."""
        return self.db.departments.find_one_and_update(
            {"_id": department_id, "$or": [{"sending_until": None},
                                           {"sending_until": {"$lt": now}}]},
            {"$set": {"sending_until": now + lease}},
            return_document=ReturnDocument.AFTER) is not None

    def release_sending(self, department_id):
        self.db.departments.update_one({"_id": department_id},
                                       {"$set": {"sending_until": None}})

    def next_deliveries(self, department_id):
        return list(self.db.deliveries.find(
            {"department_id": department_id, "status": PENDING}).sort(
            [("event_time", ASCENDING), ("_id", ASCENDING)]).limit(BATCH))

    def mark_delivered(self, delivery_ids, now):
        if not delivery_ids:
            return
        self.db.deliveries.update_many(
            {"_id": {"$in": list(delivery_ids)}},
            {"$set": {"status": DELIVERED, "delivered_at": now,
                      "expires_at": now + KEEP_DELIVERED}})

    def mark_failed(self, item, error, next_at, parked, now):
        self.db.deliveries.update_one({"_id": item["_id"]}, {
            "$set": {"status": PARKED if parked else PENDING, "next_at": next_at,
                     "last_error": error, "last_attempt_at": now,
                     "first_failed_at": item["first_failed_at"] or now},
            "$inc": {"attempts": 1}})

    def delivery_counts(self, department_id):
        counts = {PENDING: 0, PARKED: 0}
        for row in self.db.deliveries.aggregate([
                {"$match": {"department_id": department_id,
                            "status": {"$in": [PENDING, PARKED]}}},
                {"$group": {"_id": "$status", "n": {"$sum": 1}}}]):
            counts[row["_id"]] = row["n"]
        return counts

    def oldest_waiting(self, department_id):
        oldest = self.db.deliveries.find_one(
            {"department_id": department_id, "status": PENDING},
            sort=[("event_time", ASCENDING)])
        return datetime.fromisoformat(oldest["event_time"]) if oldest else None

    def parked(self, department_id, limit=100):
        return list(self.db.deliveries.find(
            {"department_id": department_id, "status": PARKED}).sort(
            [("event_time", ASCENDING), ("_id", ASCENDING)]).limit(limit))

    def redeliver_parked(self, department_id, now):
        return self.db.deliveries.update_many(
            {"department_id": department_id, "status": PARKED},
            {"$set": {"status": PENDING, "next_at": now, "first_failed_at": None,
                      "attempts": 0}}).modified_count

    def drop_deliveries(self, department_id):
        self.db.deliveries.delete_many({"department_id": department_id,
                                        "status": {"$in": [PENDING, PARKED]}})
