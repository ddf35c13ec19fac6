"""Employers: a company a worker with the ``employer`` role registers, and
staff verify (or reject, with a reason) before any of its postings reach
workers. One company per account; a credit code is registered once."""
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.jobs import exceptions
from services.jobs.schemas import EMPLOYER_PENDING, EMPLOYER_VERIFIED
from shared.coordinates import in_every_system
from shared.events import new_event
from shared.event_schemas.jobs import SOURCE
from shared.ids import new_id
from shared.store import found, one_page


def create_employer_indexes(db):
    db.employers.create_index([("owner_id", ASCENDING)], unique=True)
    db.employers.create_index([("credit_code", ASCENDING)], unique=True)
    db.employers.create_index([("status", ASCENDING), ("registered_at", ASCENDING)])


class EmployersMixin:
    def register_employer(self, fields, owner_id, now):
        employer = dict(fields, _id=new_id(), owner_id=owner_id,
                        positions=in_every_system(fields.pop("position")),
                        status=EMPLOYER_PENDING, reason=None, registered_at=now,
                        decided_at=None)
        try:
            self.db.employers.insert_one(employer)
        except DuplicateKeyError as duplicate:
            taken = "credit_code" in str(duplicate)
            raise (exceptions.credit_code_taken() if taken
                   else exceptions.employer_exists()) from duplicate
        return employer

    def get_employer(self, employer_id):
        return found(self.db.employers.find_one({"_id": employer_id}),
                     exceptions.employer_not_found)

    def employer_if_any(self, owner_id):
        return self.db.employers.find_one({"owner_id": owner_id})

    def employer_of(self, owner_id):
        return found(self.employer_if_any(owner_id), exceptions.no_employer)

    def employers_by_id(self, employer_ids):
        return list(self.db.employers.find({"_id": {"$in": list(employer_ids)}}))

    def list_employers(self, params):
        query = {"status": params["status"]} if "status" in params else {}
        cursor = self.db.employers.find(query, sort=[("registered_at", DESCENDING)])
        return (list(one_page(cursor, params["page"], params["per_page"])),
                self.db.employers.count_documents(query))

    def decide_employer(self, employer_id, decision, reason, now):
        """A pending employer verified or rejected; (employer, events)."""
        def work(session):
            employer = self.db.employers.find_one_and_update(
                {"_id": employer_id, "status": EMPLOYER_PENDING},
                {"$set": {"status": decision, "reason": reason, "decided_at": now}},
                return_document=ReturnDocument.AFTER, session=session)
            if employer is None:
                self.get_employer(employer_id)
                raise exceptions.employer_decided()
            if decision != EMPLOYER_VERIFIED:
                return employer, []
            event = new_event(SOURCE, "employer_verified", {
                "employer_id": employer_id, "name": employer["name"],
                "owner_id": employer["owner_id"], "district": employer["district"],
                "at": now}, now=now)
            return employer, self.record_events([event], session)
        return self.in_transaction(work)
