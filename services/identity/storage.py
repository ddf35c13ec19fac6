"""identity's data: workers, login sessions, membership applications.

Every write that others must hear about stores its event in the outbox in the
same transaction (BaseStore.record_events). Every verb is given the time
(``now``); none reads the clock. A write that can cause an event returns
``(document, events)`` (the entrypoint publishes the events); the others
return what they wrote (a document, a session) or nothing. The rules they
apply are login.py's, sessions.py's and membership.py's.
"""
from datetime import timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.identity import exceptions, membership
from shared.caller import UNION_STAFF, WORKER
from shared.domain import mask_phone
from shared.events import new_event
from shared.ids import new_id
from shared.store import BaseStore, found, one_page

SOURCE = "identity"
FACT_FIELDS = ("name", "phone_masked", "occupation", "platform", "district")


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

    def create_worker(self, fields, password_hash, now, roles=(WORKER,)):
        worker = dict(fields, _id=new_id(), password_hash=password_hash,
                      phone_masked=mask_phone(fields["phone"]), roles=list(roles),
                      membership=dict(membership.NO_MEMBERSHIP), failed_logins=0,
                      locked_until=None, registered_at=now, updated_at=now)
        event = new_event(SOURCE, "worker_registered", dict(
            worker_facts(worker), roles=worker["roles"], registered_at=now), now=now)
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
        return found(self.db.workers.find_one({"_id": worker_id}), exceptions.worker_not_found)

    def count_failed_login(self, worker_id):
        """Count a wrong password; returns how many in a row there are now."""
        worker = self.db.workers.find_one_and_update(
            {"_id": worker_id}, {"$inc": {"failed_logins": 1}},
            return_document=ReturnDocument.AFTER)
        return worker["failed_logins"]

    def lock_account(self, worker_id, locked_until):
        """Lock until then; the count of wrong passwords starts again."""
        self.db.workers.update_one(
            {"_id": worker_id},
            {"$set": {"locked_until": locked_until, "failed_logins": 0}})

    def record_successful_login(self, worker_id, now, new_password_hash=None):
        changes = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
        if new_password_hash:
            changes["password_hash"] = new_password_hash
        self.db.workers.update_one({"_id": worker_id}, {"$set": changes})

    def update_profile(self, worker_id, changes, now):
        worker = self.get_worker(worker_id)
        changed = sorted(k for k, v in changes.items() if worker.get(k) != v)
        if not changed:
            return worker, []
        updated = dict(worker, **changes)
        event = new_event(SOURCE, "profile_updated", dict(
            worker_facts(updated), changed=changed, updated_at=now), now=now)
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

    def ensure_staff(self, fields, password_hash, now):
        """The `make staff` command: a new staff account, or the staff role
        added to an existing one. Returns (worker, events, created)."""
        existing = self.find_worker_by_phone(fields["phone"])
        if existing is not None:
            return self.set_role(existing["_id"], UNION_STAFF, True), [], False
        worker, events = self.create_worker(fields, password_hash, now,
                                            roles=(WORKER, UNION_STAFF))
        return worker, events, True

    # ---- sessions --------------------------------------------------------

    def create_session(self, worker_id, token_hash, ttl_seconds, now):
        session_id = new_id()
        self.db.sessions.insert_one({
            "_id": session_id, "worker_id": worker_id, "token_hash": token_hash,
            "previous_hashes": [], "created_at": now, "rotated_at": now,
            "expires_at": now + timedelta(seconds=ttl_seconds), "revoked_at": None})
        return session_id

    def get_session(self, session_id):
        """The session, or None (never existed, or expired and swept away)."""
        return self.db.sessions.find_one({"_id": session_id})

    def session_of_token(self, token_hash):
        """The session whose current or a previous refresh token has this
        hash, or None; sessions.refresh_verdict says which and what follows."""
        return (self.db.sessions.find_one({"token_hash": token_hash})
                or self.db.sessions.find_one({"previous_hashes": token_hash}))

    def rotate_session(self, session_id, old_hash, new_hash, now):
        """Swap the session's refresh token, if ``old_hash`` is still its
        current one and nobody revoked it since it was read; None otherwise
        (a concurrent refresh or logout got there first)."""
        return self.db.sessions.find_one_and_update(
            {"_id": session_id, "token_hash": old_hash, "revoked_at": None},
            {"$set": {"token_hash": new_hash, "rotated_at": now},
             "$push": {"previous_hashes": old_hash}},
            return_document=ReturnDocument.AFTER)

    def revoke_session(self, session_id, now, because):
        self.db.sessions.update_one(
            {"_id": session_id, "revoked_at": None},
            {"$set": {"revoked_at": now, "revoked_because": because}})

    def revoke_session_by_token(self, token_hash, now):
        self.db.sessions.update_one(
            {"token_hash": token_hash, "revoked_at": None},
            {"$set": {"revoked_at": now, "revoked_because": "logout"}})

    # ---- membership ------------------------------------------------------

    def create_application(self, worker, request, now):
        application = dict(
            request, _id=new_id(), worker_id=worker["_id"], status="pending",
            applied_at=now, decided_at=None, decided_by=None, reason=None,
            member_number=None, **{f: worker[f] for f in FACT_FIELDS})
        def write(session):
            self.db.applications.insert_one(application, session=session)
            self.db.workers.update_one(
                {"_id": worker["_id"]},
                {"$set": {"membership": membership.pending(application)}}, session=session)
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

    def decide_application(self, application_id, staff_id, approve, now, reason=None):
        """Approve (with a new member number) or reject a pending application,
        the worker's membership and the event in one transaction."""
        def write(session):
            decision = membership.decision(approve, staff_id, reason, now)
            if approve:
                decision["member_number"] = self._next_member_number(now, session)
            application = self.db.applications.find_one_and_update(
                {"_id": application_id, "status": "pending"}, {"$set": decision},
                return_document=ReturnDocument.AFTER, session=session)
            if application is None:
                raise self._why_not_pending(application_id)
            self.db.workers.update_one({"_id": application["worker_id"]},
                                       {"$set": {"membership": membership.decided(application)}},
                                       session=session)
            events = []
            if approve:
                events = self.record_events([new_event(SOURCE, "membership_approved", {
                    "worker_id": application["worker_id"],
                    "member_number": decision["member_number"],
                    "district": application["district"],
                    "occupation": application["occupation"],
                    "approved_at": now, "approved_by": staff_id}, now=now)], session)
            return application, events
        return self.in_transaction(write)

    def _why_not_pending(self, application_id):
        if self.db.applications.count_documents({"_id": application_id}, limit=1):
            return exceptions.application_decided()
        return exceptions.application_not_found()

    def _next_member_number(self, now, session):
        """The next of the year's member numbers (one counter per year)."""
        year = now.year
        counter = self.db.counters.find_one_and_update(
            {"_id": "member_number:{}".format(year)}, {"$inc": {"value": 1}},
            upsert=True, return_document=ReturnDocument.AFTER, session=session)
        return membership.member_number(year, counter["value"])
