"""The shared client pool (shared/rpc_client.py): what each way a call can
end raises, which clients are kept, and the deadline a call carries; then
the gateway's pool (gateway/rpc.py): each failure as its HTTP answer."""
import time

import pytest
from nameko.exceptions import RemoteError

from gateway import rpc as gateway_rpc
from gateway.errors import GatewayError
from shared.errors import Conflict
from shared.rpc_client import Busy, NotProcessed, OutcomeUnknown, RpcPool


class FakeClient:
    made = []

    def __init__(self, amqp_uri, owner, outcome):
        self.owner, self.outcome, self.closed, self.broken = owner, outcome, False, False
        self.calls = []
        FakeClient.made.append(self)

    def call(self, service, method, context, kwargs, deadline, wants_note):
        self.calls.append({"deadline": deadline, "wants_note": wants_note})
        if isinstance(self.outcome, Exception):
            self.broken = getattr(self.outcome, "breaks", False)
            raise self.outcome
        return self.outcome

    def close(self):
        self.closed = True


def connecting(outcome):
    FakeClient.made = []
    return lambda amqp_uri, owner: FakeClient(amqp_uri, owner, outcome)


def pool_answering(outcome, size=2, timeout=0.1):
    return RpcPool("amqp://unused", size, timeout=timeout, owner="tests",
                   connect=connecting(outcome))


def gateway_pool_answering(outcome, size=2, timeout=0.1):
    return gateway_rpc.RpcPool("amqp://unused", size, timeout=timeout,
                               connect=connecting(outcome))


def error_of(pool, changes=False):
    with pytest.raises(Exception) as raised:
        pool.call("courses", "book_seat", {}, {}, changes=changes)
    return raised.value


def lost_connection():
    failure = OutcomeUnknown("connection lost")
    failure.breaks = True
    return failure


def refuse(amqp_uri, owner):
    raise ConnectionRefusedError()


# ---- the shared pool ----------------------------------------------------------------

def test_a_healthy_client_is_reused_and_its_reply_queue_named_by_the_owner():
    pool = pool_answering({"pong": "identity"})
    assert pool.call("identity", "ping", {}) == {"pong": "identity"}
    pool.call("identity", "ping", {})
    assert len(FakeClient.made) == 1 and FakeClient.made[0].owner == "tests"


def test_the_deadline_is_the_pool_timeout_from_now_unless_the_caller_gives_one():
    pool = pool_answering("ok", timeout=5)
    before = time.time()
    pool.call("identity", "ping", {})
    assert before + 5 <= FakeClient.made[0].calls[0]["deadline"] <= time.time() + 5
    given = time.time() + 1.5
    pool.call("identity", "ping", {}, deadline=given)
    assert FakeClient.made[0].calls[1]["deadline"] == given


def test_only_a_change_asks_for_a_started_note():
    pool = pool_answering("ok")
    pool.call("courses", "get_class", {})
    pool.call("courses", "book_seat", {}, changes=True)
    assert [c["wants_note"] for c in FakeClient.made[0].calls] == [False, True]


def test_a_deadline_already_past_is_not_processed_without_a_call():
    pool = pool_answering("ok")
    with pytest.raises(NotProcessed):
        pool.call("identity", "ping", {}, deadline=time.time() - 0.01)
    assert FakeClient.made == []


@pytest.mark.parametrize("answer", [Conflict("PHONE_TAKEN", "已注册"),
                                    RemoteError("KeyError", "bug"),
                                    NotProcessed("nobody took it"),
                                    OutcomeUnknown("taken, no answer")])
def test_an_error_keeps_the_client_and_passes_through(answer):
    pool = pool_answering(answer)
    assert type(error_of(pool)) is type(answer)
    assert type(error_of(pool)) is type(answer)
    assert len(FakeClient.made) == 1 and not FakeClient.made[0].closed


def test_a_broken_client_is_closed_and_replaced():
    pool = pool_answering(lost_connection())
    assert isinstance(error_of(pool, changes=True), OutcomeUnknown)
    error_of(pool, changes=True)
    assert len(FakeClient.made) == 2 and all(c.closed for c in FakeClient.made)


def test_no_broker_is_not_processed():
    pool = RpcPool("amqp://unused", 2, timeout=0.1, owner="tests", connect=refuse)
    assert isinstance(error_of(pool), NotProcessed)


def test_no_free_client_by_the_deadline_is_busy():
    pool = pool_answering("ok", size=1)
    pool.slots.acquire()  # another caller holds the only client
    started = time.monotonic()
    with pytest.raises(Busy):
        pool.call("identity", "ping", {}, deadline=time.time() + 0.2)
    assert 0.15 <= time.monotonic() - started < 1


def test_close_closes_the_idle_clients():
    pool = pool_answering("ok")
    pool.call("identity", "ping", {})
    pool.close()
    assert [c.closed for c in FakeClient.made] == [True]


# ---- the gateway's pool: HTTP answers -------------------------------------------------

def test_the_gateway_names_its_reply_queues_and_passes_answers_and_domain_errors():
    pool = gateway_pool_answering(Conflict("PHONE_TAKEN", "已注册"))
    assert isinstance(error_of(pool), Conflict)
    assert FakeClient.made[0].owner == "gateway"


@pytest.mark.parametrize("changes", [False, True])
def test_not_processed_is_503_for_any_call(changes):
    error = error_of(gateway_pool_answering(NotProcessed("nobody took it")), changes)
    assert isinstance(error, GatewayError) and (error.status, error.code) == (
        503, "SERVICE_UNAVAILABLE")
    assert error.message == "服务暂时不可用,请稍后再试"
    assert error.headers["Retry-After"]


def test_an_unknown_outcome_of_a_change_is_504_with_its_own_code():
    error = error_of(gateway_pool_answering(OutcomeUnknown("taken, no answer")),
                     changes=True)
    assert (error.status, error.code) == (504, "OUTCOME_UNKNOWN")
    assert "Idempotency-Key" in error.message


def test_an_unknown_outcome_of_a_read_is_503():
    error = error_of(gateway_pool_answering(OutcomeUnknown("taken, no answer")),
                     changes=False)
    assert (error.status, error.code) == (503, "SERVICE_UNAVAILABLE")


def test_a_broken_gateway_client_is_closed_and_replaced():
    pool = gateway_pool_answering(lost_connection())
    assert error_of(pool, changes=True).status == 504
    error_of(pool, changes=True)
    assert len(FakeClient.made) == 2 and all(c.closed for c in FakeClient.made)


def test_no_broker_is_503():
    pool = gateway_rpc.RpcPool("amqp://unused", 2, timeout=0.1, connect=refuse)
    error = error_of(pool)
    assert (error.status, error.code) == (503, "SERVICE_UNAVAILABLE")


def test_no_free_slot_within_the_timeout_is_503_busy():
    pool = gateway_pool_answering("ok", size=1)
    pool.slots.acquire()  # another request holds the only client
    with pytest.raises(GatewayError) as raised:
        pool.call("identity", "ping", {})
    assert (raised.value.status, raised.value.code) == (503, "SERVICE_UNAVAILABLE")
    assert raised.value.message == "服务繁忙,请稍后再试"
