"""ledger's entrypoint logic with its dependencies replaced (no broker, no DB)."""
from datetime import datetime, timezone
from unittest.mock import ANY

import pytest
from nameko.testing.services import worker_factory

from services.ledger.config import LedgerSettings
from services.ledger.schemas import EARNINGS
from services.ledger.service import LedgerService
from shared.caller import Caller
from shared.errors import Forbidden, InvalidInput, Unauthenticated

WORKER = Caller(id="w1", roles=("worker",), session_id="s1")
STAFF = Caller(id="st1", roles=("worker", "union_staff"), session_id="s2")
STAFF_ONLY = [
    ("get_account", ("w1",)),
    ("list_worker_entries", ("w1", {})),
    ("adjust_points", ({"worker_id": "w1", "amount": 5, "reason": "补录"}, "key-00000001")),
    ("reverse_entry", ("e1", {"reason": "误发"})),
    ("get_rules", ()),
    ("set_rules", ({"rules": [{"code": "quiz_passed", "label": "答题", "points": 1}]},)),
    ("create_reward", ({"name": "保温杯", "cost": 10, "stock": 1},)),
    ("update_reward", ("r1", {"add_stock": 1})),
    ("get_leaderboard", ({},)),
    ("export_entries_csv", ({},)),
    ("reconcile_balances", ({},)),
    ("list_dead_letters", ()),
    ("replay_dead_letters", ()),
]


def service(caller=None):
    return worker_factory(LedgerService, settings=LedgerSettings(export_max_rows=50),
                          caller=caller or Caller())


@pytest.mark.parametrize("method,args", STAFF_ONLY)
def test_staff_entrypoints_refuse_a_worker_and_an_anonymous_caller(method, args):
    for caller, refusal in ((WORKER, Forbidden), (Caller(), Unauthenticated)):
        svc = service(caller)
        with pytest.raises(refusal):
            getattr(svc, method)(*args)
        assert svc.store.method_calls == [] and svc.inbox.method_calls == []
        svc.relay.publish.assert_not_called()


def test_a_redemption_passes_the_key_and_publishes_what_the_store_recorded():
    svc = service(WORKER)
    svc.store.redeem.return_value = ({"_id": "d1", "reward_id": "r1", "cost": 10,
                                      "status": "redeemed"}, ["points_spent"])
    answer = svc.redeem_reward("r1", idempotency_key="redeem-0001")
    svc.store.redeem.assert_called_once_with("w1", "r1", "redeem-0001", ANY)
    assert isinstance(svc.store.redeem.call_args.args[3], datetime)
    svc.relay.publish.assert_called_once_with(["points_spent"])
    assert (answer["id"], answer["status"]) == ("d1", "redeemed")


def test_a_redemption_without_a_key_touches_nothing():
    svc = service(WORKER)
    with pytest.raises(InvalidInput):
        svc.redeem_reward("r1")
    svc.store.redeem.assert_not_called()


def test_an_adjustment_is_made_by_the_staff_who_asked():
    svc = service(STAFF)
    svc.store.adjust.return_value = ({"_id": "e1", "amount": 5, "reason": "人工调整:补录"},
                                     ["points_awarded"])
    svc.adjust_points({"worker_id": "w1", "amount": 5, "reason": "补录"},
                      idempotency_key="adj-0000001")
    svc.store.adjust.assert_called_once_with(
        "st1", {"worker_id": "w1", "amount": 5, "reason": "补录"}, "adj-0000001", ANY)
    svc.relay.publish.assert_called_once_with(["points_awarded"])


def test_the_leaderboard_asks_the_store_with_the_query_s_defaults():
    svc = service(STAFF)
    svc.store.leaderboard.return_value = {"period": "month", "items": []}
    svc.get_leaderboard({"district": "武原街道"})
    svc.store.leaderboard.assert_called_once_with(
        {"period": "month", "district": "武原街道", "limit": 20}, ANY)


@pytest.mark.parametrize("code", sorted(EARNINGS))
def test_each_earning_handler_posts_its_code_through_the_store_and_publishes(code):
    svc = service()
    envelope = {"id": "ev1", "source": EARNINGS[code].source, "type": code,
                "data": {"worker_id": "w1"}}
    # The inbox runs the handler in its transaction (here: at once).
    svc.inbox.consume.side_effect = lambda name, payload, apply: apply(envelope, "session")
    svc.store.earn.return_value = ["points_awarded"]
    getattr(svc, "handle_" + code)({"raw": "payload"})
    assert svc.inbox.consume.call_args.args[:2] == ("handle_" + code, {"raw": "payload"})
    svc.store.earn.assert_called_once_with(
        code, {"worker_id": "w1"}, "{}.{}:ev1".format(EARNINGS[code].source, code),
        "session", ANY)
    svc.relay.publish.assert_called_once_with(["points_awarded"])


def test_an_earning_applied_before_publishes_nothing():
    svc = service()
    svc.inbox.consume.return_value = None  # the inbox found the event's id
    svc.handle_quiz_passed({"raw": "payload"})
    svc.store.earn.assert_not_called()
    svc.relay.publish.assert_not_called()


def test_the_expiry_timer_tells_the_store_the_time_and_publishes():
    svc = service()
    svc.store.expire_due.return_value = ["points_spent"]
    before = datetime.now(timezone.utc)
    svc.expire_points()
    (now,) = svc.store.expire_due.call_args.args
    assert before.replace(microsecond=0) <= now <= datetime.now(timezone.utc)
    svc.relay.publish.assert_called_once_with(["points_spent"])
