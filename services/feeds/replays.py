"""Replays: a department's archived events of some types from a time,
delivered again in their original order, marked replayed. A replay is a
job worked through in pages by the feeds service's timer, its cursor saved
after each page, so a restart carries on where it stopped."""
from pymongo import ASCENDING, ReturnDocument

from services.feeds import exceptions
from shared.store import found

RUNNING, DONE = "running", "done"


def create_replay_indexes(db):
    db.replays.create_index([("department_id", ASCENDING), ("created_at", ASCENDING)])
    db.replays.create_index([("status", ASCENDING), ("created_at", ASCENDING)])


class ReplaysMixin:
    def add_replay(self, replay):
        self.db.replays.insert_one(replay)
        return replay

    def get_replay(self, department_id, replay_id):
        return found(self.db.replays.find_one({"_id": replay_id, "department_id": department_id}),
                     exceptions.replay_not_found)

    def claim_replay(self, now, lease):
        """The oldest running replay no other process works on, leased to this one."""
        return self.db.replays.find_one_and_update(
            {"status": RUNNING, "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}]},
            {"$set": {"lease_until": now + lease}}, sort=[("created_at", ASCENDING)],
            return_document=ReturnDocument.AFTER)

    def advance_replay(self, replay_id, after, count, finished, now):
        changes = {"after": after, "lease_until": None}
        if finished:
            changes.update(status=DONE, finished_at=now)
        self.db.replays.update_one({"_id": replay_id},
                                   {"$set": changes, "$inc": {"delivered": count}})

    def end_replays(self, department_id, now):
        """A revoked department's replays stop."""
        self.db.replays.update_many({"department_id": department_id, "status": RUNNING},
                                    {"$set": {"status": DONE, "finished_at": now}})
