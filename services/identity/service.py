"""identity: accounts, login sessions, roles, union membership.

Entrypoints only: load the request with its schema, apply the rules
(login.py, sessions.py, membership.py), call the store, dump the answer,
publish what the store recorded in the outbox. Each entrypoint takes the time
once and hands it on.
"""
from shared.rpc import rpc

from services.identity import (exceptions, login, membership, passwords, schemas, sessions,
                               tokens)
from services.identity.config import IdentitySettings
from services.identity.storage import IdentityStore
from shared.caller import UNION_STAFF
from shared.clock import utcnow
from shared.mongo import MongoStore
from shared.outbox import EventSource
from shared.schemas import dump, load
from shared.service import ServiceBase, Settings


class IdentityService(ServiceBase, EventSource):
    name = "identity"

    store = MongoStore(IdentityStore)
    settings = Settings(IdentitySettings.from_config)

    # ---- accounts and sessions ------------------------------------------

    @rpc
    def register_worker(self, request):
        fields = load(schemas.RegisterRequest, request)
        password_hash = passwords.hash_password(fields.pop("password"))
        worker, events = self.store.create_worker(fields, password_hash, utcnow())
        self.relay.publish(events)
        return dump(schemas.OwnProfile, worker)

    @rpc
    def log_in(self, request):
        credentials = load(schemas.LoginRequest, request)
        worker = self.store.find_worker_by_phone(credentials["phone"])
        now = utcnow()
        login.check_not_locked(worker, now)
        password_hash = login.password_hash_of(worker)
        if not passwords.verify_password(password_hash, credentials["password"]):
            raise self._failed_login(worker, now)
        self.store.record_successful_login(
            worker["_id"], now, passwords.upgraded_hash(password_hash, credentials["password"]))
        return self._open_session(worker, now)

    def _failed_login(self, worker, now):
        """Counts a wrong password against a registered worker (the count is
        the store's, for concurrent logins); the error to answer."""
        if worker is None:
            return login.failed_login(None)
        locked_until = login.lock_after(
            self.store.count_failed_login(worker["_id"]), self.settings, now)
        if locked_until is not None:
            self.store.lock_account(worker["_id"], locked_until)
        return login.failed_login(locked_until)

    def _open_session(self, worker, now):
        refresh_token, token_hash = tokens.new_refresh_token()
        session_id = self.store.create_session(
            worker["_id"], token_hash, self.settings.refresh_ttl, now)
        return self._token_pair(worker, session_id, refresh_token, now)

    def _token_pair(self, worker, session_id, refresh_token, now):
        access_token = tokens.issue_access_token(worker, session_id, self.settings, now)
        return tokens.token_pair(access_token, refresh_token, self.settings)

    @rpc
    def refresh_session(self, request):
        presented = load(schemas.RefreshTokenRequest, request)["refresh_token"]
        now = utcnow()
        # A rotation and a retry inside the grace window both answer the
        # presented token's successor: the same new pair, however many ask.
        refresh_token = tokens.successor_of(presented, self.settings)
        session = self._refreshed(tokens.hash_refresh_token(presented),
                                  tokens.hash_refresh_token(refresh_token), now)
        worker = self.store.get_worker(session["worker_id"])
        return self._token_pair(worker, session["_id"], refresh_token, now)

    def _refreshed(self, token_hash, new_hash, now):
        """The session, its refresh token swapped for the new one (or swapped
        already, for a retry), as sessions.refresh_verdict allows. A
        concurrent refresh or logout that changed the session between the read
        and the swap sends it round again, to be judged as it is now."""
        session = self.store.session_of_token(token_hash)
        verdict = sessions.refresh_verdict(session, token_hash, now, self.settings.reuse_grace)
        if verdict == sessions.REUSED:
            self.store.revoke_session(session["_id"], now, because="refresh_token_reused")
            raise exceptions.refresh_token_reused()
        if verdict == sessions.INVALID:
            raise exceptions.invalid_refresh_token()
        if verdict == sessions.REPLAY:
            return session
        rotated = self.store.rotate_session(session["_id"], token_hash, new_hash, now)
        return rotated or self._refreshed(token_hash, new_hash, now)

    @rpc
    def log_out(self, request):
        presented = load(schemas.RefreshTokenRequest, request)["refresh_token"]
        self.store.revoke_session_by_token(tokens.hash_refresh_token(presented), utcnow())
        return None

    def _live_caller(self, now):
        """The caller, checked against its session: an access token stops
        working at identity the moment its session is logged out."""
        caller = self.caller.require_authenticated()
        if not sessions.is_live(self.store.get_session(caller.session_id), now):
            raise exceptions.session_revoked()
        return caller

    # ---- profile ---------------------------------------------------------

    @rpc
    def get_own_profile(self):
        worker = self.store.get_worker(self._live_caller(utcnow()).id)
        return dump(schemas.OwnProfile, worker)

    @rpc
    def update_own_profile(self, request):
        changes = load(schemas.ProfileUpdateRequest, request)
        now = utcnow()
        worker, events = self.store.update_profile(self._live_caller(now).id, changes, now)
        self.relay.publish(events)
        return dump(schemas.OwnProfile, worker)

    # ---- staff: workers and roles ---------------------------------------

    @rpc
    def find_worker(self, query):
        self.caller.require_role(UNION_STAFF)
        phone = load(schemas.WorkerLookupQuery, query)["phone"]
        worker = self.store.find_worker_by_phone(phone)
        if worker is None:
            raise exceptions.worker_not_found()
        return dump(schemas.WorkerView, worker)

    @rpc
    def get_worker(self, worker_id):
        self.caller.require_role(UNION_STAFF)
        return dump(schemas.WorkerView, self.store.get_worker(worker_id))

    @rpc
    def grant_role(self, worker_id, role):
        return self._set_role(worker_id, role, granted=True)

    @rpc
    def revoke_role(self, worker_id, role):
        return self._set_role(worker_id, role, granted=False)

    def _set_role(self, worker_id, role, granted):
        staff = self.caller.require_role(UNION_STAFF)
        role = load(schemas.RoleChange, {"role": role})["role"]
        if worker_id == staff.id:
            raise exceptions.cannot_change_own_roles()
        worker = self.store.set_role(worker_id, role, granted)
        return dump(schemas.WorkerView, worker)

    # ---- membership ------------------------------------------------------

    @rpc
    def apply_for_membership(self, request):
        fields = load(schemas.MembershipApplicationRequest, request)
        now = utcnow()
        worker = self.store.get_worker(self._live_caller(now).id)
        membership.check_can_apply(worker["membership"])
        application = self.store.create_application(worker, fields, now)
        return dump(schemas.Application, application)

    @rpc
    def list_membership_applications(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.ApplicationListQuery, query)
        items, total = self.store.list_applications(**params)
        return dump(schemas.ApplicationPage, dict(items=items, total=total, **{
            k: params[k] for k in ("page", "per_page")}))

    @rpc
    def approve_membership(self, application_id):
        staff = self.caller.require_role(UNION_STAFF)
        application, events = self.store.decide_application(
            application_id, staff.id, approve=True, now=utcnow())
        self.relay.publish(events)
        return dump(schemas.Application, application)

    @rpc
    def reject_membership(self, application_id, request):
        staff = self.caller.require_role(UNION_STAFF)
        reason = load(schemas.RejectionRequest, request)["reason"]
        application, _ = self.store.decide_application(
            application_id, staff.id, approve=False, now=utcnow(), reason=reason)
        return dump(schemas.Application, application)


SERVICE = IdentityService
