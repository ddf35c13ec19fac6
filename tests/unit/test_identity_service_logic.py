"""identity's entrypoint logic with its dependencies replaced (no broker, no DB)."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from unittest.mock import ANY

import pytest
from nameko.testing.services import worker_factory

from services.identity import tokens
from services.identity.config import IdentitySettings
from services.identity.service import IdentityService
from shared.caller import Caller
from shared.errors import Conflict, Forbidden, TooManyAttempts, Unauthenticated

SETTINGS = IdentitySettings(jwt_secret="s" * 40, access_ttl=900, refresh_ttl=3600,
                            max_failures=3, lock_seconds=600, reuse_grace=0)
WORKER = Caller(id="w1", roles=("worker",), session_id="s1")
REFRESH_TOKEN = "r" * 43


def session(**changes):
    now = datetime.now(timezone.utc)
    return dict({"_id": "s1", "worker_id": "w1", "token_hash": "current",
                 "previous_hashes": ["earlier"], "revoked_at": None,
                 "rotated_at": now - timedelta(hours=1),
                 "expires_at": now + timedelta(days=1)}, **changes)


def service(caller=None, settings=SETTINGS, **dependencies):
    svc = worker_factory(IdentityService, settings=settings,
                         caller=caller or Caller(), **dependencies)
    svc.store.get_session.return_value = session()
    return svc


def test_a_locked_account_is_refused_before_the_password_is_checked():
    svc = service()
    svc.store.find_worker_by_phone.return_value = {
        "_id": "w1", "password_hash": None,
        "locked_until": datetime.now(timezone.utc) + timedelta(minutes=5)}
    with pytest.raises(TooManyAttempts):
        svc.log_in({"phone": "13812341234", "password": "Anything1"})
    svc.store.count_failed_login.assert_not_called()
    svc.store.create_session.assert_not_called()


def test_the_failure_that_reaches_the_limit_answers_locked():
    svc = service()
    svc.store.find_worker_by_phone.return_value = {
        "_id": "w1", "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$bad", "locked_until": None}
    svc.store.count_failed_login.return_value = 3
    with pytest.raises(TooManyAttempts):
        svc.log_in({"phone": "13812341234", "password": "Wrong1234"})
    svc.store.count_failed_login.assert_called_once_with("w1")
    (worker_id, locked_until), _ = svc.store.lock_account.call_args
    assert worker_id == "w1"
    assert abs(locked_until - datetime.now(timezone.utc) - timedelta(seconds=600)) < \
        timedelta(seconds=5)


def test_a_failure_below_the_limit_is_counted_and_answers_invalid_credentials():
    svc = service()
    svc.store.find_worker_by_phone.return_value = {
        "_id": "w1", "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$bad", "locked_until": None}
    svc.store.count_failed_login.return_value = 2
    with pytest.raises(Unauthenticated) as raised:
        svc.log_in({"phone": "13812341234", "password": "Wrong1234"})
    assert raised.value.code == "INVALID_CREDENTIALS"
    svc.store.count_failed_login.assert_called_once_with("w1")
    svc.store.lock_account.assert_not_called()


def test_an_unknown_phone_counts_nothing_and_answers_invalid_credentials():
    svc = service()
    svc.store.find_worker_by_phone.return_value = None
    with pytest.raises(Unauthenticated) as raised:
        svc.log_in({"phone": "13812341234", "password": "Wrong1234"})
    assert raised.value.code == "INVALID_CREDENTIALS"
    svc.store.count_failed_login.assert_not_called()


def test_members_cannot_apply_again():
    svc = service(caller=WORKER)
    svc.store.get_worker.return_value = {"_id": "w1", "membership": {"status": "member"}}
    with pytest.raises(Conflict) as raised:
        svc.apply_for_membership({})
    assert raised.value.code == "ALREADY_MEMBER"
    svc.store.create_application.assert_not_called()


def test_a_logged_out_session_cannot_read_the_profile():
    svc = service(caller=WORKER)
    svc.store.get_session.return_value = session(revoked_at=datetime.now(timezone.utc))
    with pytest.raises(Unauthenticated):
        svc.get_own_profile()
    svc.store.get_session.assert_called_once_with("s1")
    svc.store.get_worker.assert_not_called()


def test_a_rotated_away_refresh_token_revokes_its_session():
    svc = service()
    svc.store.session_of_token.return_value = session(
        token_hash="newer", previous_hashes=[tokens.hash_refresh_token(REFRESH_TOKEN)])
    with pytest.raises(Unauthenticated) as raised:
        svc.refresh_session({"refresh_token": REFRESH_TOKEN})
    assert raised.value.code == "REFRESH_TOKEN_REUSED"
    svc.store.revoke_session.assert_called_once()
    assert svc.store.revoke_session.call_args.args[0] == "s1"
    svc.store.rotate_session.assert_not_called()


def test_a_refresh_that_loses_the_race_is_judged_again():
    """Between the read and the swap a concurrent refresh rotated the token:
    read again, it is a previous token now."""
    svc = service()
    presented = tokens.hash_refresh_token(REFRESH_TOKEN)
    svc.store.session_of_token.side_effect = [
        session(token_hash=presented), session(token_hash="newer", previous_hashes=[presented])]
    svc.store.rotate_session.return_value = None
    with pytest.raises(Unauthenticated) as raised:
        svc.refresh_session({"refresh_token": REFRESH_TOKEN})
    assert raised.value.code == "REFRESH_TOKEN_REUSED"
    assert svc.store.rotate_session.call_count == 1
    svc.store.revoke_session.assert_called_once()


def test_a_refresh_that_loses_the_race_inside_the_window_answers_the_winners_pair():
    svc = service(settings=replace(SETTINGS, reuse_grace=10))
    presented = tokens.hash_refresh_token(REFRESH_TOKEN)
    successor = tokens.successor_of(REFRESH_TOKEN, SETTINGS)
    svc.store.session_of_token.side_effect = [
        session(token_hash=presented),
        session(token_hash=tokens.hash_refresh_token(successor), previous_hashes=[presented],
                rotated_at=datetime.now(timezone.utc))]
    svc.store.rotate_session.return_value = None
    svc.store.get_worker.return_value = {"_id": "w1", "roles": ["worker"]}
    pair = svc.refresh_session({"refresh_token": REFRESH_TOKEN})
    # The token the winner stored the hash of, and no second swap.
    assert pair["refresh_token"] == successor
    assert svc.store.rotate_session.call_count == 1
    svc.store.revoke_session.assert_not_called()


def test_a_refresh_rotates_the_current_token_and_answers_a_new_pair():
    svc = service()
    presented = tokens.hash_refresh_token(REFRESH_TOKEN)
    svc.store.session_of_token.return_value = session(token_hash=presented)
    svc.store.rotate_session.side_effect = lambda sid, old, new, now: session(token_hash=new)
    svc.store.get_worker.return_value = {"_id": "w1", "roles": ["worker"]}
    pair = svc.refresh_session({"refresh_token": REFRESH_TOKEN})
    sid, old, new, _ = svc.store.rotate_session.call_args.args
    assert (sid, old, new) == ("s1", presented, tokens.hash_refresh_token(pair["refresh_token"]))
    assert pair["token_type"] == "Bearer"
    svc.store.revoke_session.assert_not_called()


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
    svc.store.decide_application.assert_called_once_with("a1", "st1", approve=True, now=ANY)
    svc.relay.publish.assert_called_once_with(["event"])
