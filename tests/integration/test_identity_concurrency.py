"""Races the database must settle: the same phone or the same application
submitted many times at once gives exactly one result; the same refresh
token presented many times at once gives the same new pair."""
import eventlet
import jwt
import pytest

from shared.caller import Caller
from shared.errors import Conflict, Unauthenticated
from tests.support.concurrency import run_together


def run_at_once(count, call):
    """Start ``count`` calls together; returns (results, errors)."""
    pool = eventlet.GreenPool(count)
    outcomes = []

    def attempt(_):
        try:
            outcomes.append(("ok", call()))
        except Conflict as exc:
            outcomes.append(("conflict", exc.code))
    list(pool.imap(attempt, range(count)))
    return ([value for kind, value in outcomes if kind == "ok"],
            [value for kind, value in outcomes if kind == "conflict"])


@pytest.fixture
def proxies(rpc_as):
    """One proxy per concurrent caller: a standalone proxy is not shared."""
    return lambda caller, count: [rpc_as(caller) for _ in range(count)]


def test_one_phone_registered_many_times_at_once_gives_one_account(
        identity, proxies, make_registration, mongo_client, db_prefix):
    body = make_registration()
    callers = iter(proxies(None, 8))
    created, conflicts = run_at_once(8, lambda: next(callers).identity.register_worker(body))
    assert len(created) == 1
    assert conflicts == ["PHONE_TAKEN"] * 7
    workers = mongo_client[db_prefix + "identity"].workers
    assert workers.count_documents({"phone": body["phone"]}) == 1


def test_many_applications_at_once_leave_one_pending(
        identity, proxies, logged_in, mongo_client, db_prefix):
    _, _, worker = logged_in()
    callers = iter(proxies(worker, 8))
    accepted, conflicts = run_at_once(
        8, lambda: next(callers).identity.apply_for_membership({}))
    assert len(accepted) == 1
    assert conflicts == ["APPLICATION_PENDING"] * 7
    applications = mongo_client[db_prefix + "identity"].applications
    assert applications.count_documents({"worker_id": worker.id, "status": "pending"}) == 1


def test_one_application_approved_many_times_at_once_gets_one_member_number(
        identity, proxies, logged_in, rpc_as, mongo_client, db_prefix):
    from shared.caller import Caller
    _, _, worker = logged_in()
    application = rpc_as(worker).identity.apply_for_membership({})
    staff = Caller(id="staff-1", roles=("union_staff",), session_id="s")
    callers = iter(proxies(staff, 8))
    approved, conflicts = run_at_once(
        8, lambda: next(callers).identity.approve_membership(application["id"]))
    assert len(approved) == 1
    assert conflicts == ["APPLICATION_ALREADY_DECIDED"] * 7
    db = mongo_client[db_prefix + "identity"]
    member = db.workers.find_one({"_id": worker.id})["membership"]
    assert member["member_number"] == approved[0]["member_number"]
    # The counter moved once: no number was handed out and lost.
    assert db.counters.find_one()["value"] == 1
    assert db.outbox.count_documents({"type": "membership_approved"}) == 1


def refresh_or_code(proxy, token):
    """A refresh's pair, or the code it was refused with."""
    try:
        return proxy.identity.refresh_session({"refresh_token": token})
    except Unauthenticated as refused:
        return refused.code


def test_many_refreshes_with_one_token_at_once_all_get_the_same_new_pair(
        identity, proxies, logged_in):
    """A phone retrying a refresh is not a thief: every one of the
    simultaneous refreshes answers the one new refresh token, and the session
    lives on."""
    _, tokens, _ = logged_in()
    callers = proxies(None, 6)
    outcomes = run_together([lambda proxy=proxy: refresh_or_code(proxy, tokens["refresh_token"])
                             for proxy in callers])
    assert all(isinstance(outcome, dict) for outcome in outcomes), outcomes
    new_tokens = {outcome["refresh_token"] for outcome in outcomes}
    assert len(new_tokens) == 1 and tokens["refresh_token"] not in new_tokens
    # Each access token is for the one session, and that session is live.
    sessions = {jwt.decode(outcome["access_token"], options={"verify_signature": False})["sid"]
                for outcome in outcomes}
    assert len(sessions) == 1
    pair = outcomes[0]
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    as_worker = Caller(id=claims["sub"], roles=tuple(claims["roles"]), session_id=claims["sid"])
    assert proxies(as_worker, 1)[0].identity.get_own_profile()["id"] == claims["sub"]
    # The new token refreshes as any current one does.
    after = callers[0].identity.refresh_session({"refresh_token": pair["refresh_token"]})
    assert after["refresh_token"] not in new_tokens | {tokens["refresh_token"]}
