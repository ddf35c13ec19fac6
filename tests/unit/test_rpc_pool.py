"""The gateway's client pool: what each way a call can end answers, and which
clients are kept."""
import time

import pytest
from nameko.exceptions import RemoteError

from gateway.errors import GatewayError
from gateway.rpc import NotProcessed, OutcomeUnknown, RpcPool
from shared.errors import Conflict


class FakeClient:
    made = []

    def __init__(self, amqp_uri, outcome):
        self.outcome, self.closed, self.broken, self.deadlines = outcome, False, False, []
        FakeClient.made.append(self)

    def call(self, service, method, context, kwargs, deadline, wants_note):
        self.deadlines.append(deadline)
        if isinstance(self.outcome, Exception):
            self.broken = getattr(self.outcome, "breaks", False)
            raise self.outcome
        return self.outcome

    def close(self):
        self.closed = True


def pool_answering(outcome, size=2, timeout=0.1):
    FakeClient.made = []
    return RpcPool("amqp://unused", size, timeout=timeout,
                   connect=lambda amqp_uri: FakeClient(amqp_uri, outcome))


def error_of(pool, changes=False):
    with pytest.raises(Exception) as raised:
        pool.call("courses", "book_seat", {}, {}, changes=changes)
    return raised.value


def test_a_healthy_client_is_reused():
    pool = pool_answering({"pong": "identity"})
    assert pool.call("identity", "ping", {}) == {"pong": "identity"}
    pool.call("identity", "ping", {})
    assert len(FakeClient.made) == 1


def test_the_deadline_is_the_pool_timeout_from_now():
    pool = pool_answering("ok", timeout=5)
    before = time.time()
    pool.call("identity", "ping", {})
    assert before + 5 <= FakeClient.made[0].deadlines[0] <= time.time() + 5


@pytest.mark.parametrize("answer", [Conflict("PHONE_TAKEN", "已注册"),
                                    RemoteError("KeyError", "bug")])
def test_an_answered_error_keeps_the_client_and_passes_through(answer):
    pool = pool_answering(answer)
    assert type(error_of(pool)) is type(answer)
    assert type(error_of(pool)) is type(answer)
    assert len(FakeClient.made) == 1 and not FakeClient.made[0].closed


@pytest.mark.parametrize("changes", [False, True])
def test_not_processed_is_503_for_any_call(changes):
    error = error_of(pool_answering(NotProcessed("nobody took it")), changes)
    assert isinstance(error, GatewayError) and (error.status, error.code) == (
        503, "SERVICE_UNAVAILABLE")
    assert error.headers["Retry-After"]


def test_an_unknown_outcome_of_a_change_is_504_with_its_own_code():
    error = error_of(pool_answering(OutcomeUnknown("taken, no answer")), changes=True)
    assert (error.status, error.code) == (504, "OUTCOME_UNKNOWN")
    assert "Idempotency-Key" in error.message


def test_an_unknown_outcome_of_a_read_is_503():
    error = error_of(pool_answering(OutcomeUnknown("taken, no answer")), changes=False)
    assert (error.status, error.code) == (503, "SERVICE_UNAVAILABLE")


def test_a_broken_client_is_closed_and_replaced():
    failure = OutcomeUnknown("connection lost")
    failure.breaks = True
    pool = pool_answering(failure)
    error_of(pool, changes=True)
    error_of(pool, changes=True)
    assert len(FakeClient.made) == 2 and all(c.closed for c in FakeClient.made)


def test_no_broker_is_503():
    def refuse(amqp_uri):
        raise ConnectionRefusedError()
    pool = RpcPool("amqp://unused", 2, timeout=0.1, connect=refuse)
    assert error_of(pool).status == 503


def test_no_free_slot_within_the_timeout_is_503():
    pool = pool_answering("ok", size=1)
    pool.slots.acquire()  # another request holds the only client
    with pytest.raises(GatewayError) as raised:
        pool.call("identity", "ping", {})
    assert raised.value.status == 503
