"""identity's data: workers, login sessions, membership applications.

Every write that others must hear about stores its event in the outbox in the
same transaction (BaseStore.record_events).
"""
import uuid
from datetime import timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.identity import exceptions
from shared.caller import UNION_STAFF, WORKER
from shared.clock import utcnow
from shared.domain import mask_phone
from shared.events import new_event
from shared.store import BaseStore, one_page

SOURCE = "identity"
NO_MEMBERSHIP = {"status": "none", "member_number": None, "application_id": None,
                 "applied_at": None, "decided_at": None, "reason": None}
FACT_FIELDS = ("name", "phone_masked", "occupation", "platform", "district")


def new_id():
    return uuid.uuid4().hex


def worker_facts(worker):
    facts = {field: worker[field] for field in FACT_FIELDS}
    facts["worker_id"] = worker["_id"]
    return facts


class IdentityStore(BaseStore):
    @staticmethod
    def create_indexes(db):
        db.workers.create_index("phone", unique=True)
        db.sessions.create_index("token_hash", unique=True)
        db.sessions.create_index("previous_hashes")
        db.sessions.create_index("expires_at", expireAfterSeconds=0)
        db.applications.create_index([("status", ASCENDING), ("applied_at", ASCENDING)])
        # At most one pending application per worker, even under concurrent taps.
        db.applications.create_index(
            "worker_id", unique=True, name="one_pending_per_worker",
            partialFilterExpression={"status": "pending"})

    # ---- workers ---------------------------------------------------------

    def create_worker(self, fields, password_hash, roles=(WORKER,)):
        now = utcnow()
        worker = dict(fields, _id=new_id(), password_hash=password_hash,
                      phone_masked=mask_phone(fields["phone"]), roles=list(roles),
                      membership=dict(NO_MEMBERSHIP), failed_logins=0,
                      locked_until=None, registered_at=now, updated_at=now)
        event = new_event(SOURCE, "worker_registered", dict(
            worker_facts(worker), roles=worker["roles"], registered_at=now))
        def write(session):
            self.db.workers.insert_one(worker, session=session)
            self.record_events([event], session)
        try:
            self.in_transaction(write)
        except DuplicateKeyError:
            raise exceptions.phone_taken()
        return worker, [event]

    def find_worker_by_phone(self, phone):
        return self.db.workers.find_one({"phone": phone})

    def get_worker(self, worker_id):
        worker = self.db.workers.find_one({"_id": worker_id})
        if worker is None:
            raise exceptions.worker_not_found()
        return worker

    def record_failed_login(self, worker_id, max_failures, lock_seconds):
        """Count a wrong password; the max-th in a row locks the account.
        Returns the time it is locked until, or None."""
        worker = self.db.workers.find_one_and_update(
            {"_id": worker_id}, {"$inc": {"failed_logins": 1}},
            return_document=ReturnDocument.AFTER)
        if worker["failed_logins"] < max_failures:
            return None
        locked_until = utcnow() + timedelta(seconds=lock_seconds)
        self.db.workers.update_one(
            {"_id": worker_id},
            {"$set": {"locked_until": locked_until, "failed_logins": 0}})
        return locked_until

    def record_successful_login(self, worker_id, new_password_hash=None):
        changes = {"failed_logins": 0, "locked_until": None, "last_login_at": utcnow()}
        if new_password_hash:
            changes["password_hash"] = new_password_hash
        self.db.workers.update_one({"_id": worker_id}, {"$set": changes})

    def update_profile(self, worker_id, changes):
        worker = self.get_worker(worker_id)
        changed = sorted(k for k, v in changes.items() if worker.get(k) != v)
        if not changed:
            return worker, []
        now = utcnow()
        updated = dict(worker, **changes)
        event = new_event(SOURCE, "profile_updated", dict(
            worker_facts(updated), changed=changed, updated_at=now))
        def write(session):
            self.record_events([event], session)
            return self.db.workers.find_one_and_update(
                {"_id": worker_id}, {"$set": dict(changes, updated_at=now)},
                return_document=ReturnDocument.AFTER, session=session)
        return self.in_transaction(write), [event]

    def set_role(self, worker_id, role, granted):
        operator = "$addToSet" if granted else "$pull"
        worker = self.db.workers.find_one_and_update(
            {"_id": worker_id}, {operator: {"roles": role}},
            return_document=ReturnDocument.AFTER)
        if worker is None:
            raise exceptions.worker_not_found()
        return worker

    def ensure_staff(self, fields, password_hash):
        """The `make staff` command: a new staff account, or the staff role
        added to an existing one. Returns (worker, events, created)."""
        existing = self.find_worker_by_phone(fields["phone"])
        if existing is not None:
            return self.set_role(existing["_id"], UNION_STAFF, True), [], False
        worker, events = self.create_worker(fields, password_hash, roles=(WORKER, UNION_STAFF))
        return worker, events, True

    # ---- sessions --------------------------------------------------------

    def create_session(self, worker_id, token_hash, ttl_seconds):
        now = utcnow()
        session_id = new_id()
        self.db.sessions.insert_one({
            "_id": session_id, "worker_id": worker_id, "token_hash": token_hash,
            "previous_hashes": [], "created_at": now, "rotated_at": now,
            "expires_at": now + timedelta(seconds=ttl_seconds), "revoked_at": None})
        return session_id

    def rotate_session(self, old_hash, new_hash):
        """Swap a live session's refresh token atomically; None if the token is
        not the current one of a live session (two refreshes race: one wins)."""
        now = utcnow()
        return self.db.sessions.find_one_and_update(
            {"token_hash": old_hash, "revoked_at": None, "expires_at": {"$gt": now}},
            {"$set": {"token_hash": new_hash, "rotated_at": now},
             "$push": {"previous_hashes": old_hash}},
            return_document=ReturnDocument.AFTER)

    def revoke_session_by_previous_hash(self, token_hash):
        """A rotated-away token came back: someone holds a stolen copy. Revoke
        the session it belonged to. True if there was one."""
        result = self.db.sessions.update_one(
            {"previous_hashes": token_hash, "revoked_at": None},
            {"$set": {"revoked_at": utcnow(), "revoked_because": "refresh_token_reused"}})
        return result.matched_count > 0

    def revoke_session_by_token(self, token_hash):
        self.db.sessions.update_one(
            {"token_hash": token_hash, "revoked_at": None},
            {"$set": {"revoked_at": utcnow(), "revoked_because": "logout"}})

    def session_is_live(self, session_id):
        return self.db.sessions.count_documents(
            {"_id": session_id, "revoked_at": None, "expires_at": {"$gt": utcnow()}},
            limit=1) == 1

    # ---- membership ------------------------------------------------------

    def create_application(self, worker, request):
        now = utcnow()
        application = dict(
            request, _id=new_id(), worker_id=worker["_id"], status="pending",
            applied_at=now, decided_at=None, decided_by=None, reason=None,
            member_number=None, **{f: worker[f] for f in FACT_FIELDS})
        membership = dict(NO_MEMBERSHIP, status="pending",
                          application_id=application["_id"], applied_at=now)
        def write(session):
            self.db.applications.insert_one(application, session=session)
            self.db.workers.update_one(
                {"_id": worker["_id"]}, {"$set": {"membership": membership}},
                session=session)
        try:
            self.in_transaction(write)
        except DuplicateKeyError:
            raise exceptions.application_pending()
        return application

    def list_applications(self, status, page, per_page):
        query = {"status": status}
        cursor = self.db.applications.find(query).sort([("applied_at", ASCENDING),
                                                        ("_id", ASCENDING)])
        return list(one_page(cursor, page, per_page)), self.db.applications.count_documents(query)

    def decide_application(self, application_id, staff_id, approve, reason=None):
        """Approve (with a new member number) or reject a pending application,
        the worker's membership and the event in one transaction."""
        now = utcnow()
        decision = {"status": "approved" if approve else "rejected",
                    "decided_at": now, "decided_by": staff_id, "reason": reason}

        def write(session):
            if approve:
                decision["member_number"] = self._next_member_number(now, session)
            application = self.db.applications.find_one_and_update(
                {"_id": application_id, "status": "pending"}, {"$set": decision},
                return_document=ReturnDocument.AFTER, session=session)
            if application is None:
                raise self._why_not_pending(application_id)
            membership = {
                "status": "member" if approve else "rejected",
                "member_number": decision.get("member_number"),
                "application_id": application_id,
                "applied_at": application["applied_at"], "decided_at": now,
                "reason": reason}
            self.db.workers.update_one({"_id": application["worker_id"]},
                                       {"$set": {"membership": membership}},
                                       session=session)
            events = []
            if approve:
                events = self.record_events([new_event(SOURCE, "membership_approved", {
                    "worker_id": application["worker_id"],
                    "member_number": decision["member_number"],
                    "district": application["district"],
                    "occupation": application["occupation"],
                    "approved_at": now, "approved_by": staff_id})], session)
            return application, events
        return self.in_transaction(write)

    def _why_not_pending(self, application_id):
        if self.db.applications.count_documents({"_id": application_id}, limit=1):
            return exceptions.application_decided()
        return exceptions.application_not_found()

    def _next_member_number(self, now, session):
        """HY + year + a six-digit sequence that restarts each year."""
        year = now.year
        counter = self.db.counters.find_one_and_update(
            {"_id": "member_number:{}".format(year)}, {"$inc": {"value": 1}},
            upsert=True, return_document=ReturnDocument.AFTER, session=session)
        return "HY{}{:06d}".format(year, counter["value"])
