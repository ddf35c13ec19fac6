"""identity: accounts, login sessions, roles, union membership.

Entrypoints only: load the request with its schema, call the store, dump the
answer, publish what the store recorded in the outbox.
"""
from nameko.rpc import rpc

from services.identity import exceptions, passwords, schemas, tokens
from services.identity.config import IdentitySettings
from services.identity.storage import IdentityStore
from shared.caller import UNION_STAFF
from shared.clock import utcnow
from shared.mongo import MongoStore
from shared.outbox import EventSource
from shared.schemas import load
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
        worker, events = self.store.create_worker(fields, password_hash)
        self.relay.publish(events)
        return schemas.OwnProfile().dump(worker)

    @rpc
    def log_in(self, request):
        credentials = load(schemas.LoginRequest, request)
        worker = self.store.find_worker_by_phone(credentials["phone"])
        now = utcnow()
        if worker and worker["locked_until"] and worker["locked_until"] > now:
            raise exceptions.account_locked(worker["locked_until"])
        password_hash = worker["password_hash"] if worker else None
        if not passwords.verify_password(password_hash, credentials["password"]):
            self._count_failure(worker)
        new_hash = (passwords.hash_password(credentials["password"])
                    if passwords.needs_rehash(password_hash) else None)
        self.store.record_successful_login(worker["_id"], new_hash)
        return self._open_session(worker, now)

    def _count_failure(self, worker):
        if worker is not None:
            locked_until = self.store.record_failed_login(
                worker["_id"], self.settings.max_failures, self.settings.lock_seconds)
            if locked_until:
                raise exceptions.account_locked(locked_until)
        raise exceptions.invalid_credentials()

    def _open_session(self, worker, now):
        refresh_token, token_hash = tokens.new_refresh_token()
        session_id = self.store.create_session(
            worker["_id"], token_hash, self.settings.refresh_ttl)
        access_token = tokens.issue_access_token(worker, session_id, self.settings, now)
        return tokens.token_pair(access_token, refresh_token, self.settings)

    @rpc
    def refresh_session(self, request):
        presented = load(schemas.RefreshTokenRequest, request)["refresh_token"]
        old_hash = tokens.hash_refresh_token(presented)
        refresh_token, new_hash = tokens.new_refresh_token()
        session = self.store.rotate_session(old_hash, new_hash)
        if session is None:
            if self.store.revoke_session_by_previous_hash(old_hash):
                raise exceptions.refresh_token_reused()
            raise exceptions.invalid_refresh_token()
        worker = self.store.get_worker(session["worker_id"])
        now = utcnow()
        access_token = tokens.issue_access_token(worker, session["_id"], self.settings, now)
        return tokens.token_pair(access_token, refresh_token, self.settings)

    @rpc
    def log_out(self, request):
        presented = load(schemas.RefreshTokenRequest, request)["refresh_token"]
        self.store.revoke_session_by_token(tokens.hash_refresh_token(presented))
        return None

    def _live_caller(self):
        """The caller, checked against its session: an access token stops
        working at identity the moment its session is logged out."""
        caller = self.caller.require_authenticated()
        if not self.store.session_is_live(caller.session_id):
            raise exceptions.session_revoked()
        return caller

    # ---- profile ---------------------------------------------------------

    @rpc
    def get_own_profile(self):
        worker = self.store.get_worker(self._live_caller().id)
        return schemas.OwnProfile().dump(worker)

    @rpc
    def update_own_profile(self, request):
        changes = load(schemas.ProfileUpdateRequest, request)
        worker, events = self.store.update_profile(self._live_caller().id, changes)
        self.relay.publish(events)
        return schemas.OwnProfile().dump(worker)

    # ---- staff: workers and roles ---------------------------------------

    @rpc
    def find_worker(self, query):
        self.caller.require_role(UNION_STAFF)
        phone = load(schemas.WorkerLookupQuery, query)["phone"]
        worker = self.store.find_worker_by_phone(phone)
        if worker is None:
            raise exceptions.worker_not_found()
        return schemas.WorkerView().dump(worker)

    @rpc
    def get_worker(self, worker_id):
        self.caller.require_role(UNION_STAFF)
        return schemas.WorkerView().dump(self.store.get_worker(worker_id))

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
        return schemas.WorkerView().dump(worker)

    # ---- membership ------------------------------------------------------

    @rpc
    def apply_for_membership(self, request):
        fields = load(schemas.MembershipApplicationRequest, request)
        worker = self.store.get_worker(self._live_caller().id)
        status = worker["membership"]["status"]
        if status == "member":
            raise exceptions.already_member()
        if status == "pending":
            raise exceptions.application_pending()
        application = self.store.create_application(worker, fields)
        return schemas.Application().dump(application)

    @rpc
    def list_membership_applications(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.ApplicationListQuery, query)
        items, total = self.store.list_applications(**params)
        return schemas.ApplicationPage().dump(dict(items=items, total=total, **{
            k: params[k] for k in ("page", "per_page")}))

    @rpc
    def approve_membership(self, application_id):
        staff = self.caller.require_role(UNION_STAFF)
        application, events = self.store.decide_application(
            application_id, staff.id, approve=True)
        self.relay.publish(events)
        return schemas.Application().dump(application)

    @rpc
    def reject_membership(self, application_id, request):
        staff = self.caller.require_role(UNION_STAFF)
        reason = load(schemas.RejectionRequest, request)["reason"]
        application, _ = self.store.decide_application(
            application_id, staff.id, approve=False, reason=reason)
        return schemas.Application().dump(application)


SERVICE = IdentityService
