"""Deadlines on the real broker: the shared client (shared/rpc_client.py) against
a service using the shared entrypoint (shared/rpc.py). A request nobody took
by its deadline is never run, whether it waited in the queue (expired in the
broker) or in a process's prefetch (refused by the service), and the client
tells "not processed" from "taken, no answer yet"."""
import time
import uuid

import eventlet
import pytest
from kombu import Connection, Producer, Queue
from nameko.rpc import get_rpc_exchange

from shared.rpc_client import NotProcessed, OutcomeUnknown, RpcClient
from shared import deadlines
from shared.errors import Conflict
from shared.rpc import rpc

RAN = []


class Probe:
    name = "deadline_probe"

    @rpc
    def nap(self, mark, seconds=0):
        RAN.append(mark)
        eventlet.sleep(seconds)
        return mark

    @rpc
    def refuse(self):
        raise Conflict("PROBE_SAYS_NO", "不行")


@pytest.fixture
def probe(container_factory, service_config):
    RAN.clear()
    container = container_factory(Probe, service_config)
    container.start()
    return container


@pytest.fixture
def client(amqp_uri):
    made = RpcClient(amqp_uri, "tests")
    yield made
    made.close()


def call(client, mark, seconds=0, within=5, wants_note=True):
    return client.call("deadline_probe", "nap", {}, {"mark": mark, "seconds": seconds},
                       time.time() + within, wants_note)


def test_an_answer_and_a_domain_error_come_back(probe, client):
    assert call(client, "a") == "a"
    with pytest.raises(Conflict) as refused:
        client.call("deadline_probe", "refuse", {}, {}, time.time() + 5, True)
    assert refused.value.code == "PROBE_SAYS_NO"


def test_a_taken_request_without_an_answer_is_outcome_unknown(probe, client):
    with pytest.raises(OutcomeUnknown):
        call(client, "slow", seconds=2, within=0.5)
    assert RAN == ["slow"]
    # The client stays usable; the late answer is not taken for the next one.
    eventlet.sleep(2)
    assert call(client, "next") == "next"


def test_a_request_waiting_in_the_queue_past_its_deadline_expires_unrun(
        probe, client, container_factory, service_config):
    probe.stop()  # its queue stays; nobody consumes it
    with pytest.raises(NotProcessed):
        call(client, "queued", within=0.5)
    container_factory(Probe, service_config).start()
    assert call(client, "after") == "after"
    assert RAN == ["after"]


def test_a_request_handed_to_the_service_past_its_deadline_is_not_run(
        probe, client, amqp_uri):
    """As when a paused process resumes with messages it had prefetched: the
    broker no longer expires them, the service must refuse them."""
    with Connection(amqp_uri) as connection:
        Producer(connection.channel()).publish(
            {"args": [], "kwargs": {"mark": "stale"}}, exchange="nameko-rpc",
            routing_key="deadline_probe.nap", reply_to="nobody",
            correlation_id=uuid.uuid4().hex, serializer="json",
            headers=deadlines.headers_for(time.time() - 1, wants_note=True))
    assert call(client, "fresh") == "fresh"  # handled after the stale one
    assert RAN == ["fresh"]


def test_an_unknown_service_is_not_processed(client):
    with pytest.raises(NotProcessed):
        client.call("no_such_service", "nap", {}, {}, time.time() + 5, True)


def test_a_request_the_broker_refuses_is_not_processed_and_the_client_kept(
        probe, client, amqp_uri):
    """A queue that takes nothing (length 0, overflow reject-publish) makes the
    broker nack the publish: the caller hears "not processed" (a 503 at the
    gateway), not an unexpected error (a 500), and the client stays usable."""
    service = "refusing_" + uuid.uuid4().hex[:8]
    refusing = Queue(service, get_rpc_exchange({}), routing_key=service + ".nap",
                     max_length=0, queue_arguments={"x-overflow": "reject-publish"})
    with Connection(amqp_uri) as connection:
        refusing(connection.default_channel).declare()
        try:
            with pytest.raises(NotProcessed, match="refused"):
                client.call(service, "nap", {}, {"mark": "x"}, time.time() + 5, True)
        finally:
            refusing(connection.default_channel).delete()
    assert not client.broken
    assert call(client, "after") == "after"
    assert RAN == ["after"]
