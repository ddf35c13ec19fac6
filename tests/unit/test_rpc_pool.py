"""The gateway's proxy pool: which failures keep a proxy and which replace it."""
import pytest
from nameko.exceptions import RemoteError, UnknownService

from gateway.errors import GatewayError
from gateway.rpc import RpcPool
from shared.errors import Conflict


class FakeProxy:
    made = []

    def __init__(self, config, timeout, outcome):
        self.outcome, self.closed = outcome, False
        FakeProxy.made.append(self)

    def call(self, service, method, context, kwargs):
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome

    def close(self):
        self.closed = True


def pool_answering(outcome, size=2):
    FakeProxy.made = []
    return RpcPool("amqp://unused", size, timeout=0.1,
                   connect=lambda config, timeout: FakeProxy(config, timeout, outcome))


def call_twice(pool):
    for _ in range(2):
        try:
            pool.call("identity", "ping", {})
        except Exception as exc:
            last = exc
    return last


def test_a_healthy_proxy_is_reused():
    pool = pool_answering({"pong": "identity"})
    assert pool.call("identity", "ping", {}) == {"pong": "identity"}
    pool.call("identity", "ping", {})
    assert len(FakeProxy.made) == 1


@pytest.mark.parametrize("answer", [Conflict("PHONE_TAKEN", "已注册"),
                                    RemoteError("KeyError", "bug")])
def test_an_answered_error_keeps_the_proxy_and_passes_through(answer):
    pool = pool_answering(answer)
    assert type(call_twice(pool)) is type(answer)
    assert len(FakeProxy.made) == 1 and not FakeProxy.made[0].closed


def test_unknown_service_is_503_and_keeps_the_proxy():
    pool = pool_answering(UnknownService("identity"))
    error = call_twice(pool)
    assert isinstance(error, GatewayError) and error.status == 503
    assert len(FakeProxy.made) == 1


@pytest.mark.parametrize("failure", [ConnectionResetError(), TimeoutError(), OSError()])
def test_a_broken_proxy_is_closed_and_replaced(failure):
    pool = pool_answering(failure)
    error = call_twice(pool)
    assert isinstance(error, GatewayError) and error.code == "SERVICE_UNAVAILABLE"
    assert len(FakeProxy.made) == 2 and all(p.closed for p in FakeProxy.made)


def test_no_free_slot_within_the_timeout_is_503():
    pool = pool_answering("ok", size=1)
    pool.slots.acquire()  # another request holds the only proxy
    with pytest.raises(GatewayError) as raised:
        pool.call("identity", "ping", {})
    assert raised.value.status == 503
