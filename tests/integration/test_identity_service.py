"""identity over real RabbitMQ and the embedded MongoDB, in one container."""
import time

import pytest

from services.identity.service import IdentityService
from shared.caller import Caller
from shared.errors import Conflict, Forbidden, InvalidInput, TooManyAttempts, Unauthenticated


def test_register_then_log_in_gives_a_token_pair(identity, anonymous, make_registration):
    body = make_registration()
    profile = anonymous.identity.register_worker(body)
    assert profile["phone"] == body["phone"]
    assert profile["roles"] == ["worker"]
    assert "password_hash" not in profile and "password" not in profile
    tokens = anonymous.identity.log_in({"phone": body["phone"], "password": body["password"]})
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
    assert tokens["access_token"].count(".") == 2 and len(tokens["refresh_token"]) >= 40


def test_duplicate_phone_is_a_conflict(identity, anonymous, make_registration):
    body = make_registration()
    anonymous.identity.register_worker(body)
    with pytest.raises(Conflict) as raised:
        anonymous.identity.register_worker(dict(body, name="别人"))
    assert raised.value.code == "PHONE_TAKEN"


def test_bad_registration_is_refused_with_field_messages(identity, anonymous, make_registration):
    with pytest.raises(InvalidInput) as raised:
        anonymous.identity.register_worker(make_registration(phone="12345", password="short"))
    assert set(raised.value.details) == {"phone", "password"}


def test_wrong_passwords_lock_the_account(identity, anonymous, make_registration):
    body = make_registration()
    anonymous.identity.register_worker(body)
    wrong = {"phone": body["phone"], "password": "Wrong12345"}
    for _ in range(2):  # LOGIN_MAX_FAILURES is 3 in tests
        with pytest.raises(Unauthenticated):
            anonymous.identity.log_in(wrong)
    with pytest.raises(TooManyAttempts) as raised:
        anonymous.identity.log_in(wrong)
    assert raised.value.code == "ACCOUNT_LOCKED"
    assert "locked_until" in raised.value.details
    # Even the right password is refused while locked.
    with pytest.raises(TooManyAttempts):
        anonymous.identity.log_in({"phone": body["phone"], "password": body["password"]})


def test_unknown_phone_and_wrong_password_look_the_same(identity, anonymous, make_registration):
    body = make_registration()
    anonymous.identity.register_worker(body)
    codes = []
    for phone in (body["phone"], "13900000000"):
        with pytest.raises(Unauthenticated) as raised:
            anonymous.identity.log_in({"phone": phone, "password": "Wrong12345"})
        codes.append((raised.value.code, raised.value.message))
    assert codes[0] == codes[1]


def test_refresh_rotates_and_a_token_reused_after_the_window_revokes_the_session(
        run_service, anonymous, logged_in):
    run_service(IdentityService, REFRESH_REUSE_GRACE_SECONDS=2)
    _, tokens, _ = logged_in()
    first = tokens["refresh_token"]
    second = anonymous.identity.refresh_session({"refresh_token": first})["refresh_token"]
    assert second != first
    # Inside the window the retry is answered, with the same token...
    again = anonymous.identity.refresh_session({"refresh_token": first})["refresh_token"]
    assert again == second
    # ...after it, the old token coming back means someone else holds it.
    time.sleep(2.1)
    with pytest.raises(Unauthenticated) as raised:
        anonymous.identity.refresh_session({"refresh_token": first})
    assert raised.value.code == "REFRESH_TOKEN_REUSED"
    # The theft response also killed the legitimate holder's current token.
    with pytest.raises(Unauthenticated):
        anonymous.identity.refresh_session({"refresh_token": second})


def test_logout_revokes_refresh_and_access(identity, anonymous, rpc_as, logged_in):
    _, tokens, caller = logged_in()
    as_worker = rpc_as(caller)
    assert as_worker.identity.get_own_profile()["id"] == caller.id
    anonymous.identity.log_out({"refresh_token": tokens["refresh_token"]})
    with pytest.raises(Unauthenticated):
        anonymous.identity.refresh_session({"refresh_token": tokens["refresh_token"]})
    with pytest.raises(Unauthenticated) as raised:
        as_worker.identity.get_own_profile()
    assert raised.value.code == "SESSION_REVOKED"


def test_profile_update_changes_only_what_was_sent(identity, rpc_as, logged_in):
    profile, _, caller = logged_in()
    updated = rpc_as(caller).identity.update_own_profile({"district": "秦山街道"})
    assert updated["district"] == "秦山街道"
    assert updated["name"] == profile["name"]


def test_worker_cannot_use_staff_rpcs_even_without_the_gateway(identity, rpc_as, logged_in):
    _, _, caller = logged_in()
    with pytest.raises(Forbidden):
        rpc_as(caller).identity.list_membership_applications({})


def test_membership_application_lifecycle(identity, rpc_as, logged_in):
    _, _, worker = logged_in()
    _, _, staff_login = logged_in()
    staff = Caller(id=staff_login.id, roles=("worker", "union_staff"),
                   session_id=staff_login.session_id)
    as_worker, as_staff = rpc_as(worker), rpc_as(staff)
    application = as_worker.identity.apply_for_membership({"employer": "饿了么海盐站"})
    with pytest.raises(Conflict) as raised:
        as_worker.identity.apply_for_membership({})
    assert raised.value.code == "APPLICATION_PENDING"
    pending = as_staff.identity.list_membership_applications({"status": "pending"})
    assert [a["id"] for a in pending["items"]] == [application["id"]]
    assert "****" in pending["items"][0]["phone"]
    approved = as_staff.identity.approve_membership(application["id"])
    assert approved["member_number"].startswith("HY")
    with pytest.raises(Conflict):
        as_staff.identity.approve_membership(application["id"])
    me = as_worker.identity.get_own_profile()
    assert me["membership"]["status"] == "member"
    assert me["membership"]["member_number"] == approved["member_number"]


def test_staff_grant_only_grantable_roles(identity, rpc_as, logged_in):
    _, _, worker = logged_in()
    staff = Caller(id="staff-1", roles=("union_staff",), session_id="s")
    as_staff = rpc_as(staff)
    assert "employer" in as_staff.identity.grant_role(worker.id, "employer")["roles"]
    with pytest.raises(InvalidInput):
        as_staff.identity.grant_role(worker.id, "union_staff")
    assert "employer" not in as_staff.identity.revoke_role(worker.id, "employer")["roles"]
