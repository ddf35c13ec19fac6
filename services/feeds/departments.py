"""The departments that subscribe: who they are, what they may receive, how
it reaches them, and the hash of their API key (the key itself is shown once).
An HTTPS department's signing secret is kept as it is: signing needs it."""
from pymongo import ASCENDING, ReturnDocument

from services.feeds import exceptions
from services.feeds.schemas import ACTIVE, REVOKED
from shared.store import found


def create_department_indexes(db):
    db.departments.create_index([("status", ASCENDING), ("event_types", ASCENDING)])
    db.departments.create_index("key_hash")


class DepartmentsMixin:
    def add_department(self, department):
        self.db.departments.insert_one(department)
        return department

    def get_department(self, department_id):
        return found(self.db.departments.find_one({"_id": department_id}),
                     exceptions.department_not_found)

    def list_departments(self):
        return list(self.db.departments.find({}).sort("created_at", ASCENDING))

    def department_by_key_hash(self, key_hash):
        return self.db.departments.find_one({"key_hash": key_hash, "status": {"$ne": REVOKED}})

    def receivers_of(self, type_name):
        """Departments that take ``type_name`` (``source.type``) now."""
        return list(self.db.departments.find({"status": ACTIVE, "event_types": type_name}))

    def update_department(self, department_id, changes, now):
        return found(self.db.departments.find_one_and_update(
            {"_id": department_id, "status": {"$ne": REVOKED}},
            {"$set": dict(changes, updated_at=now)}, return_document=ReturnDocument.AFTER),
            exceptions.department_revoked)

    def count_delivered(self, delivered, now):
        """Count what was handed over (put on a queue, or a POST accepted):
        ``delivered`` {department id: events}; one write for the departments
        that got as many."""
        by_count = {}
        for department_id, count in delivered.items():
            if not count:
                continue
            by_count.setdefault(count, []).append(department_id)
        for count, ids in by_count.items():
            self.db.departments.update_many(
                {"_id": {"$in": ids}},
                {"$inc": {"delivered": count}, "$set": {"last_delivery_at": now}})
