"""Each worker's picture, one ``profiles`` document (a part of InsightStore):
who they are (identity's facts: district, occupation, platform, their name
for staff's reasoned view; never a phone), whether they are a member, the
counters and last times of facts.py, and whether they take personalised
pushes. Every event is one upsert in the handler's transaction."""
from pymongo import ASCENDING, ReturnDocument

from services.insight import exceptions
from services.insight.facts import new_profile, update_of
from shared.worker_facts import FACTS as WORKER_FACTS
from shared.worker_facts import remember_worker

PROFILE_FACTS = WORKER_FACTS + ("platform",)
# What segments filter on (the tag conditions read the rest).
FILTERED = ("district", "occupation", "platform")


def create_profile_indexes(db):
    for field in FILTERED:
        db.profiles.create_index([(field, ASCENDING)])


class ProfilesMixin:
    def remember_identity(self, data, at, session, registered=False):
        """identity's facts of a worker, the newest kept (two writes: the
        profile made if new, then the facts if newer than those kept)."""
        remember_worker(self.db.profiles, data, at, session, new_profile(),
                        facts=PROFILE_FACTS)
        if registered:  # $max: null sorts before any time
            self.db.profiles.update_one({"_id": data["worker_id"]},
                                        {"$max": {"registered_at": at}}, session=session)

    def apply_change(self, change, session, with_district=False):
        """Apply facts.Change to its worker's profile (made if new); with
        ``with_district``, returns the worker's district as kept (a live
        counter by district). One command either way; the document comes
        back only when it is read (the embedded server also scans the whole
        collection for a findAndModify, but finds an update's by its _id)."""
        if not with_district:
            self.db.profiles.update_one({"_id": change.worker_id}, update_of(change),
                                        upsert=True, session=session)
            return None
        profile = self.db.profiles.find_one_and_update(
            {"_id": change.worker_id}, update_of(change), upsert=True,
            projection={"district": 1}, return_document=ReturnDocument.AFTER,
            session=session)
        return profile.get("district")

    def get_profile(self, worker_id):
        profile = self.db.profiles.find_one({"_id": worker_id})
        if profile is None:
            raise exceptions.worker_not_found()
        return profile

    def own_profile(self, worker_id):
        """A worker's own picture: an empty one if nothing happened yet."""
        return self.db.profiles.find_one({"_id": worker_id}) or dict(new_profile(),
                                                                     _id=worker_id)

    def set_preferences(self, worker_id, personalised_pushes, now):
        return self.db.profiles.find_one_and_update(
            {"_id": worker_id},
            {"$set": {"personalised_pushes": personalised_pushes, "preferences_at": now},
             "$setOnInsert": new_profile(("personalised_pushes",))},
            upsert=True, return_document=ReturnDocument.AFTER)

    def names_of(self, worker_ids):
        return {doc["_id"]: doc.get("name") for doc in self.db.profiles.find(
            {"_id": {"$in": list(worker_ids)}}, {"name": 1})}

    def count_profiles(self, query):
        return self.db.profiles.count_documents(query)

    def profile_ids(self, query):
        """The ids of the profiles ``query`` matches, in id order."""
        return [doc["_id"] for doc in self.db.profiles.find(query, {"_id": 1}).sort("_id", 1)]

    def counted_by(self, field):
        """(value, count) of ``field`` over every profile, most first."""
        return [(row["_id"], row["count"]) for row in self.db.profiles.aggregate([
            {"$match": {field: {"$ne": None}}},
            {"$group": {"_id": "$" + field, "count": {"$sum": 1}}},
            {"$sort": {"count": -1, "_id": 1}}])]
