"""Who is a union member: courses' own copy of identity's facts, kept from
its events, so a members-only booking asks no other service (a part of
CoursesStore)."""


class MembersMixin:
    def remember_worker(self, worker_id, session, member=None):
        """Inside the inbox's transaction; announced to nobody."""
        update = {"$setOnInsert": {"member": False}}
        if member is not None:
            update = {"$set": {"member": member}}
        self.db.members.update_one({"_id": worker_id}, update, upsert=True, session=session)

    def is_member(self, worker_id):
        doc = self.db.members.find_one({"_id": worker_id})
        return bool(doc and doc["member"])
