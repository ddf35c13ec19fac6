"""The archive: every event the platform publishes, once (its id is the
key), by time and type, kept ARCHIVE_RETENTION_DAYS; replays read it.

Each entry expires on its own ``expires_at`` (a TTL index with no delay):
a changed retention applies to what is archived from then on."""
from datetime import timedelta, timezone

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError


def create_archive_indexes(db):
    db.archive.create_index([("type_name", ASCENDING), ("time", ASCENDING), ("_id", ASCENDING)])
    db.archive.create_index("expires_at", expireAfterSeconds=0)


class ArchiveMixin:
    def is_archived(self, event_id):
        return self.db.archive.find_one({"_id": event_id}, {"_id": 1}) is not None

    def archive(self, envelope, type_name, retention_days, now):
        try:
            self.db.archive.insert_one({
                "_id": envelope["id"], "type_name": type_name,
                "time": envelope["time"], "envelope": envelope,
                "archived_at": now, "expires_at": now + timedelta(days=retention_days)})
        except DuplicateKeyError:
            pass  # archived by a delivery of the same message before

    def archived_page(self, types, since, until, after, limit):
        """Up to ``limit`` envelopes of ``types`` in [since, until), in time
        order (ties by id), after the cursor ``after`` ((time, id) or None).
        Times are compared as the envelopes write them (fixed-width UTC, to
        the microsecond): a stored date keeps only milliseconds, and events
        of one millisecond would come back out of order."""
        query = {"type_name": {"$in": list(types)}, "time": window(since, until)}
        if after is not None:
            time, event_id = after
            query["$or"] = [{"time": {"$gt": time}}, {"time": time, "_id": {"$gt": event_id}}]
        cursor = self.db.archive.find(query, {"envelope": 1, "time": 1})
        return list(cursor.sort([("time", ASCENDING), ("_id", ASCENDING)]).limit(limit))

    def count_archived(self, types, since, until):
        return self.db.archive.count_documents(
            {"type_name": {"$in": list(types)}, "time": window(since, until)})


def window(since, until):
    """[since, until) as envelope times (shared/events.py writes them so)."""
    def text(moment):
        return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")
    return {"$gte": text(since), "$lt": text(until)}
