"""One service calling another through ServiceCalls (shared/calls.py), on the
real broker, in real containers under eventlet: a volunteering-like service
asks stations whether a check-in code is right. The called service's refusal
arrives as itself, the worker's caller travels with the call (stations
pauses that worker, not another), and no answer in time is Unavailable, by
the deadline of the request being handled at the latest."""
import time

import eventlet
import pytest
from amqp.exceptions import ResourceLocked
from nameko.extensions import DependencyProvider
from nameko.testing.utils import get_extension

from services.stations import rules
from services.stations.service import StationsService
from shared import checkin_codes as codes
from shared.calls import ANSWER_MARGIN_SECONDS, ServiceCalls
from shared.caller import CONTEXT_KEY
from shared.clock import utcnow
from shared.errors import Forbidden, TooManyAttempts, Unauthenticated, Unavailable
from shared.logs import REQUEST_ID_KEY
from shared.rpc import rpc
from shared.rpc_client import RpcClient
from tests.support.broker import delete_queue, queue_exists
from tests.support.callers import STAFF, worker

TIMEOUT = 1.0  # the asking service's RPC_TIMEOUT_SECONDS here


class ContextData(DependencyProvider):
    """The worker's context data as nameko unpacked it from the request."""

    def get_dependency(self, worker_ctx):
        return worker_ctx.data


class Asking:
    """What volunteering will do at an activity's check-in."""
    name = "calls_asking"
    calls = ServiceCalls()

    @rpc
    def check_in_at_activity(self, station_id, code):
        return self.calls.call("stations", "verify_checkin_code", station_id=station_id,
                               request={"code": code})

    @rpc
    def ask_answering(self, method, **kwargs):
        return self.calls.call("calls_answering", method, **kwargs)


class Answering:
    name = "calls_answering"
    data = ContextData()

    @rpc
    def show_context(self):
        return {"caller": self.data.get(CONTEXT_KEY), "request_id": self.data.get(REQUEST_ID_KEY)}

    @rpc
    def nap(self, seconds):
        eventlet.sleep(seconds)
        return seconds


@pytest.fixture
def asking(container_factory, service_config):
    container = container_factory(Asking, dict(service_config, RPC_TIMEOUT_SECONDS=TIMEOUT))
    container.start()
    return container


@pytest.fixture
def answering(container_factory, service_config):
    container = container_factory(Answering, service_config)
    container.start()
    return container


@pytest.fixture
def stations(run_service):
    return run_service(StationsService, CATALOG_REFRESH_SECONDS=0)


@pytest.fixture
def station(stations, rpc_as):
    made = rpc_as(STAFF).stations.create_station({
        "kind": "outdoor_worker", "name": "志愿服务站", "address": "海盐县武原街道志愿路1号",
        "district": "武原街道", "position": {"lat": 30.5262, "lng": 120.9433, "system": "gcj02"},
        "hours": {"open_24h": True}})
    made["code"] = codes.screen_code(stations.store.get(made["id"])["secret"], utcnow())[0]
    return made


def volunteer(rpc_as, caller):
    return rpc_as(caller).calls_asking


# ---- stations answers ------------------------------------------------------------------

def test_the_right_code_is_accepted(asking, station, rpc_as):
    answer = volunteer(rpc_as, worker()).check_in_at_activity(station["id"], station["code"])
    assert answer == {"station_id": station["id"], "station_name": "志愿服务站",
                      "accepted": True}


def test_a_wrong_code_arrives_as_stations_refused_it(asking, station, rpc_as):
    with pytest.raises(Forbidden) as raised:
        volunteer(rpc_as, worker()).check_in_at_activity(station["id"], "000000")
    assert type(raised.value) is Forbidden
    assert (raised.value.code, raised.value.message) == (
        "WRONG_CHECKIN_CODE", "打卡码不正确或已过期,请扫描或输入驿站当前展示的打卡码")


def test_stations_sees_the_same_worker(asking, station, rpc_as):
    guesser, other = worker(), worker()
    for _ in range(rules.WRONG_CODE_LIMIT):
        with pytest.raises(Forbidden):
            volunteer(rpc_as, guesser).check_in_at_activity(station["id"], "000000")
    with pytest.raises(TooManyAttempts):  # that worker is paused, even with the right code
        volunteer(rpc_as, guesser).check_in_at_activity(station["id"], station["code"])
    with pytest.raises(TooManyAttempts):  # at stations itself too: the same worker id
        rpc_as(guesser).stations.check_in(station["id"], {"code": station["code"]})
    assert volunteer(rpc_as, other).check_in_at_activity(
        station["id"], station["code"])["accepted"] is True
    with pytest.raises(Unauthenticated):
        volunteer(rpc_as, None).check_in_at_activity(station["id"], station["code"])


def test_the_caller_and_request_id_are_passed_on(asking, answering, amqp_uri):
    caller = worker()
    client = RpcClient(amqp_uri, "tests")
    try:
        seen = client.call("calls_asking", "ask_answering",
                           {CONTEXT_KEY: caller.to_context(), REQUEST_ID_KEY: "req-calls-1"},
                           {"method": "show_context"}, time.time() + 5, False)
    finally:
        client.close()
    assert seen == {"caller": caller.to_context(), "request_id": "req-calls-1"}


# ---- no answer ---------------------------------------------------------------------------

def unavailable_after(call):
    started = time.monotonic()
    with pytest.raises(Unavailable) as raised:
        call()
    assert (raised.value.code, raised.value.message) == (
        "SERVICE_UNAVAILABLE", "服务暂时不可用,请稍后再试")
    return time.monotonic() - started


def test_stations_stopped_is_unavailable_by_the_deadline(asking, station, stations, rpc_as):
    stations.stop()  # its queue stays, nobody takes the request
    elapsed = unavailable_after(lambda: volunteer(rpc_as, worker()).check_in_at_activity(
        station["id"], station["code"]))
    assert TIMEOUT <= elapsed < TIMEOUT + 1


def test_stations_never_started_is_unavailable_at_once(asking, rpc_as, amqp_uri):
    delete_queue(amqp_uri, "rpc-stations")  # left by other tests' stations
    elapsed = unavailable_after(lambda: volunteer(rpc_as, worker()).check_in_at_activity(
        "any", "123456"))
    assert elapsed < TIMEOUT / 2


def test_the_incoming_deadline_bounds_the_call(container_factory, service_config,
                                               answering, amqp_uri):
    """The asking service may wait 5 s, its own caller only 1.5 s: it answers
    Unavailable before its caller stops waiting, not after."""
    patient = container_factory(Asking, dict(service_config, RPC_TIMEOUT_SECONDS=5))
    patient.start()
    client = RpcClient(amqp_uri, "tests")
    started = time.monotonic()
    try:
        with pytest.raises(Unavailable):
            client.call("calls_asking", "ask_answering", {},
                        {"method": "nap", "seconds": 3}, time.time() + 1.5, False)
    finally:
        client.close()
    assert time.monotonic() - started < 1.5
    assert time.monotonic() - started >= 1.5 - ANSWER_MARGIN_SECONDS - 0.1


# ---- under eventlet ----------------------------------------------------------------------

def test_calls_wait_green_side_by_side_and_stop_closes_their_clients(
        asking, answering, rpc_as, amqp_uri):
    """Each worker's wait for its answer yields to the others (and to the
    answering service, in this same process): five naps of 0.5 s overlap."""
    proxy = volunteer(rpc_as, worker())
    started = time.monotonic()
    pending = [proxy.ask_answering.call_async(method="nap", seconds=0.5) for _ in range(5)]
    assert [reply.result() for reply in pending] == [0.5] * 5
    assert time.monotonic() - started < 1.5
    pool = get_extension(asking, ServiceCalls).pool
    reply_queues = ["rpc.reply-calls_asking-" + client.reply_to
                    for client in list(pool.idle.queue)]
    assert len(reply_queues) == 5 and all(exists(amqp_uri, q) for q in reply_queues)
    asking.stop()
    assert not any(exists(amqp_uri, q) for q in reply_queues)


def exists(amqp_uri, name):
    """An exclusive queue is locked to its connection: another one asking
    about it is refused, which says it is there."""
    try:
        return queue_exists(amqp_uri, name)
    except ResourceLocked:
        return True
