"""Replays and backfills: jobs that send archived events again, worked
through in pages by the feeds service's timer, each leased to one process
at a time and its cursor saved after each page, so a restart carries on
where it stopped (at most a page is sent twice, which every receiver drops
by event id).

Two kinds, one collection each, sharing the machinery below (``jobs`` names
the collection): a department's replay (``replays``, its events of some
types from a time, delivered again in their original order, marked
replayed) and a service's backfill (``backfills``, backfills.py)."""
from pymongo import ASCENDING, ReturnDocument

from services.feeds import exceptions
from shared.store import found

QUEUED, RUNNING, DONE = "queued", "running", "done"
REPLAYS = "replays"


def create_replay_indexes(db):
    db.replays.create_index([("department_id", ASCENDING), ("created_at", ASCENDING)])
    create_job_indexes(db, REPLAYS)


def create_job_indexes(db, jobs):
    db[jobs].create_index([("status", ASCENDING), ("created_at", ASCENDING)])


class ReplaysMixin:
    def add_replay(self, replay):
        self.db.replays.insert_one(replay)
        return replay

    def get_replay(self, department_id, replay_id):
        return found(self.db.replays.find_one({"_id": replay_id, "department_id": department_id}),
                     exceptions.replay_not_found)

    def claim_replay(self, now, lease, jobs=REPLAYS):
        """The oldest unfinished job of ``jobs`` no other process works on,
        leased to this one (and running from then on, if it was queued)."""
        return self.db[jobs].find_one_and_update(
            {"status": {"$in": [QUEUED, RUNNING]},
             "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}]},
            {"$set": {"lease_until": now + lease, "status": RUNNING}},
            sort=[("created_at", ASCENDING)], return_document=ReturnDocument.AFTER)

    def advance_replay(self, replay_id, after, count, finished, now, jobs=REPLAYS):
        """Past a page that was sent: its cursor, ``count`` more sent, the
        lease given up; done when the page was the last."""
        changes = {"after": after, "lease_until": None}
        if finished:
            changes.update(status=DONE, finished_at=now)
        self.db[jobs].update_one({"_id": replay_id},
                                 {"$set": changes, "$inc": {"delivered": count}})

    def end_replays(self, department_id, now):
        """A revoked department's replays stop."""
        self.db.replays.update_many({"department_id": department_id, "status": RUNNING},
                                    {"$set": {"status": DONE, "finished_at": now}})
