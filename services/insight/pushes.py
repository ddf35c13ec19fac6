"""Saved segments, pushes, and the notifications a push puts in each
worker's inbox (a part of InsightStore).

A push is recorded by the RPC (queued) and fanned out by a timer
(fanout.py), in steps that each survive a crash:

1. the audience is taken once, at send time: the ids of the segment's
   workers less those who opted out, written as numbered batches in
   ``push_audience`` (a crash midway: the batches are taken again);
2. each batch becomes notifications whose ``_id`` is made of the push's and
   the worker's ids, inserted unordered with duplicates ignored, then the
   batch is marked sent: a batch inserted again after a crash adds nothing;
3. reach is the count of the push's notifications, so it is exact however
   often a batch was inserted.
"""
import hashlib
from datetime import timedelta

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.insight import exceptions
from services.insight.schemas import QUEUED, SENDING, SENT
from shared.store import found, one_page

DUPLICATE_KEY = 11000


def notification_id(push_id, worker_id):
    """The same for the same push and worker, whoever inserts it."""
    return hashlib.sha256("{}|{}".format(push_id, worker_id).encode()).hexdigest()[:32]


def create_push_indexes(db):
    db.segments.create_index([("name", ASCENDING)], unique=True)
    db.pushes.create_index([("created_by", ASCENDING), ("idempotency_key", ASCENDING)],
                           unique=True)
    db.pushes.create_index([("status", ASCENDING), ("lease_until", ASCENDING)])
    db.pushes.create_index([("created_at", DESCENDING)])
    db.push_audience.create_index([("push_id", ASCENDING), ("sent", ASCENDING)])
    db.notifications.create_index([("worker_id", ASCENDING), ("created_at", DESCENDING)])
    db.notifications.create_index([("worker_id", ASCENDING), ("read_at", ASCENDING)])
    db.notifications.create_index([("push_id", ASCENDING)])


class SegmentsMixin:
    def save_segment(self, document):
        try:
            self.db.segments.insert_one(document)
        except DuplicateKeyError:
            raise exceptions.segment_name_taken()
        return document

    def get_segment(self, segment_id):
        return found(self.db.segments.find_one({"_id": segment_id}),
                     exceptions.segment_not_found)

    def list_segments(self, limit=100):
        return list(self.db.segments.find().sort("created_at", -1).limit(limit))


class PushesMixin:
    def add_push(self, document):
        """``document``, or the push made before with the same key by the same
        staff (None for it when the key went with another request)."""
        try:
            self.db.pushes.insert_one(document)
            return document
        except DuplicateKeyError:
            earlier = self.db.pushes.find_one({"created_by": document["created_by"],
                                               "idempotency_key": document["idempotency_key"]})
            if earlier["fingerprint"] != document["fingerprint"]:
                raise exceptions.idempotency_key_reused()
            return earlier

    def get_push(self, push_id):
        return found(self.db.pushes.find_one({"_id": push_id}), exceptions.push_not_found)

    def list_pushes(self, page, per_page):
        cursor = self.db.pushes.find().sort("created_at", -1)
        return list(one_page(cursor, page, per_page)), self.db.pushes.count_documents({})

    # ---- the fan-out's steps (fanout.py) ---------------------------------------------

    def claim_push(self, now, lease_seconds):
        """The oldest push waiting to be sent that no process is at, leased."""
        return self.db.pushes.find_one_and_update(
            {"status": {"$in": [QUEUED, SENDING]},
             "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}]},
            {"$set": {"lease_until": now + timedelta(seconds=lease_seconds)}},
            sort=[("created_at", 1)], return_document=ReturnDocument.AFTER)

    def renew_lease(self, push_id, now, lease_seconds):
        self.db.pushes.update_one({"_id": push_id}, {"$set": {
            "lease_until": now + timedelta(seconds=lease_seconds)}})

    def take_audience(self, push, worker_ids, batch):
        """Step 1: the audience in batches (any earlier partial take dropped)."""
        self.db.push_audience.delete_many({"push_id": push["_id"]})
        batches = [{"_id": "{}:{:06d}".format(push["_id"], number), "push_id": push["_id"],
                    "worker_ids": worker_ids[start:start + batch], "sent": False}
                   for number, start in enumerate(range(0, len(worker_ids), batch))]
        if batches:
            self.db.push_audience.insert_many(batches)
        self.db.pushes.update_one({"_id": push["_id"]}, {"$set": {
            "status": SENDING, "audience": len(worker_ids)}})

    def next_unsent_batch(self, push_id):
        return self.db.push_audience.find_one({"push_id": push_id, "sent": False},
                                              sort=[("_id", 1)])

    def deliver_batch(self, push, batch, now):
        """Step 2: one batch into the inboxes; a notification already there
        (a batch inserted before a crash) is left as it is."""
        documents = [notification(push, worker_id, now) for worker_id in batch["worker_ids"]]
        try:
            self.db.notifications.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            if any(e["code"] != DUPLICATE_KEY for e in error.details["writeErrors"]):
                raise
        self.db.push_audience.update_one({"_id": batch["_id"]}, {"$set": {"sent": True}})

    def count_reach(self, push_id, finished_at=None):
        """Step 3: reach as counted; with ``finished_at``, the push is sent."""
        changes = {"reach": self.db.notifications.count_documents({"push_id": push_id})}
        if finished_at is not None:
            changes.update(status=SENT, sent_at=finished_at, lease_until=None)
        self.db.pushes.update_one({"_id": push_id}, {"$set": changes})


def notification(push, worker_id, now):
    return {"_id": notification_id(push["_id"], worker_id), "push_id": push["_id"],
            "worker_id": worker_id, "kind": push["kind"], "target_id": push["target_id"],
            "title": push["title"], "body": push["body"], "link": push["link"],
            "created_at": now, "read_at": None}


class NotificationsMixin:
    def notifications_of(self, worker_id, unread_only, page, per_page):
        """(a page, newest first; the total; the unread count)."""
        query = {"worker_id": worker_id}
        unread = dict(query, read_at=None)
        listed = unread if unread_only else query
        cursor = self.db.notifications.find(listed).sort([("created_at", -1), ("_id", 1)])
        return (list(one_page(cursor, page, per_page)),
                self.db.notifications.count_documents(listed),
                self.db.notifications.count_documents(unread))

    def mark_read(self, notification_id_, worker_id, now):
        """Read once: the first time also counts a read of its push (in one
        transaction); again, it answers as it is. Another's: not found."""
        def work(session):
            marked = self.db.notifications.find_one_and_update(
                {"_id": notification_id_, "worker_id": worker_id, "read_at": None},
                {"$set": {"read_at": now}}, return_document=ReturnDocument.AFTER,
                session=session)
            if marked is not None:
                self.db.pushes.update_one({"_id": marked["push_id"]},
                                          {"$inc": {"reads": 1}}, session=session)
            return marked
        marked = self.in_transaction(work)
        if marked is not None:
            return marked
        return found(self.db.notifications.find_one({"_id": notification_id_,
                                                     "worker_id": worker_id}),
                     exceptions.notification_not_found)
