"""Applications: one per worker and posting, moved by the employer through
viewed → shortlisted → hired or rejected, each change told to the worker
(application_status_changed) and kept in the application's history. One the
employer leaves untouched for the reply window is marked "no reply".

Also the classes each worker attended (from courses' class_attended), which
a worker may attach to an application as skills the union vouches for."""
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.jobs import exceptions, rules
from services.jobs.schemas import HIRED, NO_REPLY, SUBMITTED, TAKEN_DOWN_BY_STAFF, WAITING
from shared.errors import Conflict
from shared.event_schemas.jobs import SOURCE
from shared.events import new_event
from shared.ids import new_id
from shared.store import found, one_page


def create_application_indexes(db):
    db.applications.create_index([("job_id", ASCENDING), ("worker_id", ASCENDING)],
                                 unique=True)
    db.applications.create_index([("worker_id", ASCENDING), ("submitted_at", DESCENDING)])
    db.applications.create_index([("job_id", ASCENDING), ("submitted_at", ASCENDING)])
    db.applications.create_index([("lapses_at", ASCENDING)],
                                 partialFilterExpression={"lapses_at": {"$type": "date"}})
    db.applications.create_index([("employer_id", ASCENDING), ("status", ASCENDING)])
    db.attended.create_index([("worker_id", ASCENDING), ("attended_at", ASCENDING)])


def changed_event(application, previous, reason, now):
    return new_event(SOURCE, "application_status_changed", {
        "application_id": application["_id"], "job_id": application["job_id"],
        "worker_id": application["worker_id"], "status": application["status"],
        "previous": previous, "reason": reason, "at": now}, now=now)


class ApplicationsMixin:
    def apply(self, posting, worker_id, contact, note, vouched, reply_days, now):
        """(application, events, whether it is new): a second application to
        the same posting answers the first."""
        application = {
            "_id": new_id(), "job_id": posting["_id"], "employer_id": posting["employer_id"],
            "worker_id": worker_id, "title": posting["title"],
            "employer_name": posting["employer_name"], "name": contact["name"],
            "phone": contact["phone"], "note": note, "vouched": vouched,
            "status": SUBMITTED, "history": [{"status": SUBMITTED, "at": now, "reason": None}],
            "submitted_at": now}
        application["lapses_at"] = rules.lapses_at(application, reply_days)
        event = new_event(SOURCE, "application_submitted", {
            "application_id": application["_id"], "job_id": posting["_id"],
            "employer_id": posting["employer_id"], "worker_id": worker_id, "at": now},
            now=now)

        def work(session):
            self.db.applications.insert_one(application, session=session)
            return self.record_events([event], session)
        try:
            return application, self.in_transaction(work), True
        except DuplicateKeyError:
            return self.application_of(posting["_id"], worker_id), [], False

    def application_of(self, job_id, worker_id):
        return found(self.db.applications.find_one({"job_id": job_id, "worker_id": worker_id}),
                     exceptions.application_not_found)

    def get_application(self, job_id, application_id):
        return found(self.db.applications.find_one({"_id": application_id, "job_id": job_id}),
                     exceptions.application_not_found)

    def my_application(self, worker_id, application_id):
        return found(self.db.applications.find_one({"_id": application_id,
                                                    "worker_id": worker_id}),
                     exceptions.application_not_found)

    def applications_where(self, query, params, order):
        cursor = self.db.applications.find(query, sort=[order, ("_id", ASCENDING)])
        return (list(one_page(cursor, params["page"], params["per_page"])),
                self.db.applications.count_documents(query))

    def move_application(self, application, wanted, reason, reply_days, now):
        """The employer's move; hiring counts against the headcount in the
        same transaction. (application, events)."""
        def work(session, seq):
            events = self.hire_one(application["job_id"], session, seq, now) \
                if wanted == HIRED else []
            lapses_at = rules.lapses_at(dict(application, status=wanted), reply_days)
            moved = self._set_status(application, wanted, reason, lapses_at, now, session)
            return moved, self.record_events(
                events + [changed_event(moved, application["status"], reason, now)], session)
        return self._catalog_change(work)

    def _set_status(self, application, wanted, reason, lapses_at, now, session):
        """Only from the status it was read in: a concurrent move makes this
        one fail as refused rather than overwrite it."""
        moved = self.db.applications.find_one_and_update(
            {"_id": application["_id"], "status": application["status"]},
            {"$set": {"status": wanted, "lapses_at": lapses_at},
             "$push": {"history": {"status": wanted, "at": now, "reason": reason}}},
            return_document=ReturnDocument.AFTER, session=session)
        if moved is None:
            raise exceptions.transition_refused(rules.TRANSITION_PROBLEMS["not_allowed"])
        return moved

    def end_applications(self, posting, reason, now, session):
        """Every application still waiting on a posting taken down, ended;
        [{worker_id, event}] to tell them."""
        told = []
        for application in self.db.applications.find(
                {"job_id": posting["_id"], "status": {"$in": list(WAITING)}},
                session=session):
            moved = self._set_status(application, TAKEN_DOWN_BY_STAFF, reason, None, now,
                                     session)
            told.append({"worker_id": moved["worker_id"],
                         "event": changed_event(moved, application["status"], reason, now)})
        return told

    def lapse_overdue(self, now):
        """The sweep: each application past its reply window, marked no reply."""
        events = []
        for application in self.db.applications.find({"lapses_at": {"$lte": now}}):
            def work(session, application=application):
                moved = self._set_status(application, NO_REPLY, None, None, now, session)
                return self.record_events(
                    [changed_event(moved, application["status"], None, now)], session)
            try:
                events += self.in_transaction(work)
            except Conflict:
                continue  # the employer moved it meanwhile
        return events

    def lapsing_employers(self, least):
        """Per employer with at least ``least`` applications: how many lapsed."""
        return list(self.db.applications.aggregate([
            {"$group": {"_id": "$employer_id", "applications": {"$sum": 1},
                        "no_reply": {"$sum": {"$cond": [{"$eq": ["$status", NO_REPLY]},
                                                        1, 0]}}}},
            {"$match": {"applications": {"$gte": least}, "no_reply": {"$gt": 0}}},
            {"$sort": {"no_reply": DESCENDING}}]))

    # ---- what the union vouches for ----------------------------------------------

    def remember_attended(self, data, session):
        self.db.attended.update_one(
            {"_id": data["worker_id"] + ":" + data["class_id"]},
            {"$setOnInsert": {"worker_id": data["worker_id"], "class_id": data["class_id"],
                              "title": data.get("title"), "category": data["category"],
                              "attended_at": data["attended_at"]}},
            upsert=True, session=session)

    def attended_by(self, worker_id):
        return list(self.db.attended.find({"worker_id": worker_id},
                                          sort=[("attended_at", ASCENDING)]))
