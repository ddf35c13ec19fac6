"""identity's entrypoint logic with its dependencies replaced (no broker, no DB)."""
from datetime import datetime, timedelta, timezone

import pytest
from nameko.testing.services import worker_factory

from services.identity.config import IdentitySettings
from services.identity.service import IdentityService
from shared.caller import Caller
from shared.errors import Conflict, Forbidden, TooManyAttempts, Unauthenticated

SETTINGS = IdentitySettings(jwt_secret="s" * 40, access_ttl=900, refresh_ttl=3600,
                            max_failures=3, lock_seconds=600)
WORKER = Caller(id="w1", roles=("worker",), session_id="s1")


def service(caller=None, **dependencies):
    return worker_factory(IdentityService, settings=SETTINGS,
                          caller=caller or Caller(), **dependencies)


def test_a_locked_account_is_refused_before_the_password_is_checked():
    svc = service()
    svc.store.find_worker_by_phone.return_value = {
        "_id": "w1", "password_hash": None,
        "locked_until": datetime.now(timezone.utc) + timedelta(minutes=5)}
    with pytest.raises(TooManyAttempts):
        svc.log_in({"phone": "13812341234", "password": "Anything1"})
    svc.store.record_failed_login.assert_not_called()
    svc.store.create_session.assert_not_called()


def test_the_failure_that_reaches_the_limit_answers_locked():
    svc = service()
    svc.store.find_worker_by_phone.return_value = {
        "_id": "w1", "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$bad", "locked_until": None}
    svc.store.record_failed_login.return_value = datetime.now(timezone.utc)
    with pytest.raises(TooManyAttempts):
        svc.log_in({"phone": "13812341234", "password": "Wrong1234"})
    svc.store.record_failed_login.assert_called_once_with("w1", 3, 600)


def test_members_cannot_apply_again():
    svc = service(caller=WORKER)
    svc.store.get_worker.return_value = {"_id": "w1", "membership": {"status": "member"}}
    with pytest.raises(Conflict) as raised:
        svc.apply_for_membership({})
    assert raised.value.code == "ALREADY_MEMBER"
    svc.store.create_application.assert_not_called()


def test_a_logged_out_session_cannot_read_the_profile():
    svc = service(caller=WORKER)
    svc.store.session_is_live.return_value = False
    with pytest.raises(Unauthenticated):
        svc.get_own_profile()
    svc.store.get_worker.assert_not_called()


def test_staff_cannot_change_their_own_roles():
    staff = Caller(id="st1", roles=("union_staff",), session_id="s")
    svc = service(caller=staff)
    with pytest.raises(Forbidden):
        svc.grant_role("st1", "employer")
    svc.store.set_role.assert_not_called()


def test_workers_cannot_approve_applications():
    svc = service(caller=WORKER)
    with pytest.raises(Forbidden):
        svc.approve_membership("a1")
    svc.store.decide_application.assert_not_called()


def test_approval_publishes_what_the_store_recorded():
    staff = Caller(id="st1", roles=("union_staff",), session_id="s")
    svc = service(caller=staff)
    application = {"_id": "a1", "worker_id": "w1", "status": "approved"}
    svc.store.decide_application.return_value = (application, ["event"])
    svc.approve_membership("a1")
    svc.store.decide_application.assert_called_once_with("a1", "st1", approve=True)
    svc.relay.publish.assert_called_once_with(["event"])
