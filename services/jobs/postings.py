"""Postings: written by a verified employer, live at once or after staff
review (a fee word), closed by their date, their headcount or their
employer, or taken down by staff.

Every change to a posting takes the catalog's next number in its
transaction (shared/catalog.py), so each instance's copy of the open
postings, which the search reads, fetches only what changed."""
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.jobs import exceptions
from services.jobs.schemas import (
    CLOSED, CLOSED_BY_DATE, CLOSED_BY_HEADCOUNT, OPEN, PENDING_REVIEW, POSTING_REJECTED,
    TAKEN_DOWN)
from shared.coordinates import in_every_system
from shared.errors import Conflict
from shared.event_schemas.jobs import SOURCE
from shared.events import new_event
from shared.ids import new_id
from shared.store import found, one_page

# A posting that can still change hands: live, or waiting for staff.
CURRENT = (OPEN, PENDING_REVIEW)


def create_posting_indexes(db):
    # The indexed array the issue asks for: each posting's search terms.
    # Instances search their copy in memory (search.py, for speed on the
    # embedded database); the index serves any query straight on the
    # collection (a real MongoDB's shell, a report) without a scan.
    db.postings.create_index([("terms", ASCENDING)])
    db.postings.create_index([("employer_id", ASCENDING), ("posted_at", DESCENDING)])
    db.postings.create_index([("status", ASCENDING), ("closes_at", ASCENDING)])
    db.reports.create_index([("job_id", ASCENDING), ("worker_id", ASCENDING)], unique=True,
                            partialFilterExpression={"status": "open"})
    db.reports.create_index([("status", ASCENDING), ("reported_at", ASCENDING)])


def posted_event(posting, now):
    pay = posting["pay"]
    return new_event(SOURCE, "job_posted", {
        "job_id": posting["_id"], "employer_id": posting["employer_id"],
        "title": posting["title"], "district": posting["place"]["district"],
        "occupations": posting["occupations"], "skills": posting["skills"],
        "shift": posting["shift"], "headcount": posting["headcount"],
        "pay_unit": pay["unit"], "min_fen": pay["min_fen"], "max_fen": pay["max_fen"],
        "settlement": pay["settlement"], "closes_at": posting["closes_at"], "at": now},
        now=now)


def closed_event(posting, reason, now):
    return new_event(SOURCE, "job_closed", {"job_id": posting["_id"], "reason": reason,
                                            "hired": posting["hired"], "at": now}, now=now)


class PostingsMixin:
    def post_job(self, fields, employer, terms, fee_words, now):
        """A new posting, live unless a fee word holds it for review; (posting, events)."""
        place = dict(fields["place"], positions=in_every_system(fields["place"]["position"]))
        del place["position"]

        def work(session, seq):
            posting = dict(fields, _id=new_id(), employer_id=employer["_id"],
                           employer_name=employer["name"], place=place, hired=0,
                           status=PENDING_REVIEW if fee_words else OPEN,
                           fee_words=fee_words, terms=terms, posted_at=now,
                           closed_reason=None, review_reason=None, seq=seq)
            self.db.postings.insert_one(posting, session=session)
            events = [] if fee_words else [posted_event(posting, now)]
            return posting, self.record_events(events, session)
        return self._catalog_change(work)

    def get_posting(self, job_id, session=None):
        return found(self.db.postings.find_one({"_id": job_id}, session=session),
                     exceptions.job_not_found)

    def postings_by_id(self, job_ids):
        return {posting["_id"]: posting
                for posting in self.db.postings.find({"_id": {"$in": list(set(job_ids))}})}

    def postings_where(self, query, params):
        cursor = self.db.postings.find(query, sort=[("posted_at", DESCENDING),
                                                    ("_id", ASCENDING)])
        return (list(one_page(cursor, params["page"], params["per_page"])),
                self.db.postings.count_documents(query))

    def _move(self, job_id, before, changes, session, seq):
        """The posting changed if its status is one of ``before``, else None."""
        return self.db.postings.find_one_and_update(
            {"_id": job_id, "status": {"$in": list(before)}},
            {"$set": dict(changes, seq=seq)}, return_document=ReturnDocument.AFTER,
            session=session)

    def decide_posting(self, job_id, approve, reason, now):
        """A posting waiting for review goes live or is rejected; (posting, events)."""
        def work(session, seq):
            changes = {"status": OPEN} if approve else {"status": POSTING_REJECTED,
                                                        "review_reason": reason}
            posting = self._move(job_id, (PENDING_REVIEW,), changes, session, seq)
            if posting is None:
                self.get_posting(job_id, session)
                raise exceptions.job_not_pending()
            events = [posted_event(posting, now)] if approve else []
            return posting, self.record_events(events, session)
        return self._catalog_change(work)

    def close_job(self, job_id, reason, now):
        """Applications stop (employer, or closing date); (posting, events)."""
        def work(session, seq):
            posting = self._move(job_id, CURRENT, {"status": CLOSED, "closed_reason": reason,
                                                   "closed_at": now}, session, seq)
            if posting is None:
                self.get_posting(job_id, session)
                raise exceptions.job_ended()
            return posting, self.record_events([closed_event(posting, reason, now)], session)
        return self._catalog_change(work)

    def take_down(self, job_id, reason, now):
        """Staff end a posting; its applicants are told, its reports handled;
        (posting, events)."""
        def work(session, seq):
            posting = self._move(job_id, CURRENT + (CLOSED,), {
                "status": TAKEN_DOWN, "closed_reason": reason, "closed_at": now},
                session, seq)
            if posting is None:
                self.get_posting(job_id, session)
                raise exceptions.job_ended()
            told = self.end_applications(posting, reason, now, session)
            self.db.reports.update_many({"job_id": job_id, "status": "open"},
                                        {"$set": {"status": "handled", "handled_at": now}},
                                        session=session)
            event = new_event(SOURCE, "job_taken_down", {
                "job_id": job_id, "reason": reason, "at": now,
                "worker_ids": sorted(a["worker_id"] for a in told)}, now=now)
            return posting, self.record_events(
                [event] + [a["event"] for a in told], session)
        return self._catalog_change(work)

    def close_overdue(self, now):
        """The sweep: each current posting whose closing date has passed, closed."""
        events = []
        for posting in self.db.postings.find({"status": {"$in": list(CURRENT)},
                                              "closes_at": {"$lte": now}}, {"_id": 1}):
            try:
                events += self.close_job(posting["_id"], CLOSED_BY_DATE, now)[1]
            except Conflict:
                continue  # closed meanwhile by its employer or staff
        return events

    def hire_one(self, job_id, session, seq, now):
        """Count one hire, refused when the headcount is full; the last one
        closes the posting. Two hires racing for the last place write the
        same document, so one transaction aborts and, run again, is refused.
        Returns the events."""
        posting = self.get_posting(job_id, session)
        if posting["hired"] >= posting["headcount"]:
            raise exceptions.headcount_filled()
        posting = self.db.postings.find_one_and_update(
            {"_id": job_id, "hired": posting["hired"]},
            {"$inc": {"hired": 1}, "$set": {"seq": seq}},
            return_document=ReturnDocument.AFTER, session=session)
        if posting["hired"] < posting["headcount"] or posting["status"] not in CURRENT:
            return []
        posting = self._move(job_id, CURRENT, {"status": CLOSED,
                                               "closed_reason": CLOSED_BY_HEADCOUNT,
                                               "closed_at": now}, session, seq)
        return [closed_event(posting, CLOSED_BY_HEADCOUNT, now)]

    # ---- reports -------------------------------------------------------------------

    def report_job(self, job_id, worker_id, kind, detail, now):
        report = {"_id": new_id(), "job_id": job_id, "worker_id": worker_id, "kind": kind,
                  "detail": detail, "reported_at": now, "status": "open"}
        try:
            self.db.reports.insert_one(report)
        except DuplicateKeyError as duplicate:
            raise exceptions.already_reported() from duplicate
        return report

    def list_reports(self, params):
        query = {"status": params["status"]}
        cursor = self.db.reports.find(query, sort=[("reported_at", ASCENDING)])
        return (list(one_page(cursor, params["page"], params["per_page"])),
                self.db.reports.count_documents(query))

    def dismiss_report(self, report_id, now):
        report = self.db.reports.find_one_and_update(
            {"_id": report_id, "status": "open"},
            {"$set": {"status": "handled", "handled_at": now}},
            return_document=ReturnDocument.AFTER)
        return found(report, exceptions.report_not_found)
