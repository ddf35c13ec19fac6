"""The gateway's live relay on the real broker: deltas published to
``insight.live`` the way insight publishes them (its own exchange
declaration, transient JSON) reach an open stream at once, through this
gateway process's one consumer; a stream nobody reads holds one value per
key and holds up nobody."""
import json
import time

import pytest
from kombu import Connection, Producer

from gateway import live
from gateway.app import create_app
from services.insight.live_publisher import EXCHANGE as INSIGHT_LIVE_EXCHANGE
from shared.caller import UNION_STAFF
from tests.conftest import TEST_JWT_SECRET
from tests.unit.test_live_stream import SNAPSHOT, SnapshotPool, as_role

@pytest.fixture
def hub(amqp_uri):
    hub = live.LiveHub(amqp_uri, max_streams=4)
    yield hub
    hub.stop()


@pytest.fixture
def client(hub, monkeypatch):
    monkeypatch.setenv("JWT_SECRET", TEST_JWT_SECRET)
    return create_app(pool=SnapshotPool(), shortcuts={}, live_hub=hub).test_client()


def publish(amqp_uri, deltas):
    """As insight's LivePublisher does: its exchange, routing key = panel."""
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), exchange=INSIGHT_LIVE_EXCHANGE,
                            serializer="json")
        for delta in deltas:
            producer.publish(delta, routing_key=delta["panel"], delivery_mode=1,
                             declare=[INSIGHT_LIVE_EXCHANGE])


def seats(key, version):
    return {"panel": "class_seats", "key": key, "version": version,
            "value": {"title": "茶艺", "seats": 26, "seats_left": 26 - version, "waitlist": 0},
            "event_time": "2026-11-28T04:00:00+00:00",
            "published_at": "2026-11-28T04:00:00.1+00:00"}


def open_stream(client):
    response = client.get(live.PATH, headers=as_role(UNION_STAFF), buffered=False)
    assert response.status_code == 200
    chunks = iter(response.response)
    assert next(chunks).decode() == live.sse("snapshot", SNAPSHOT)
    return response, chunks


def deltas_until(chunks, done, seconds=2):
    """Deltas read from the stream until ``done(deltas)`` or the time is up."""
    seen, ends = [], time.monotonic() + seconds
    while time.monotonic() < ends and not done(seen):
        text = next(chunks).decode()
        seen += [json.loads(line[len("data: "):]) for line in text.splitlines()
                 if line.startswith("data: ")]
    return seen


def test_a_published_delta_reaches_the_open_stream_within_a_second(client, hub, amqp_uri):
    response, chunks = open_stream(client)
    started = time.monotonic()
    publish(amqp_uri, [seats("c1", 1)])
    [got] = deltas_until(chunks, lambda seen: seen, seconds=1)
    assert got == seats("c1", 1)
    assert time.monotonic() - started < 1
    response.close()
    assert hub.open_count() == 0


def test_a_stream_nobody_reads_keeps_one_value_per_key_and_blocks_nobody(client, hub, amqp_uri):
    idle, _ = open_stream(client)
    [idle_stream] = hub.streams
    reading, chunks = open_stream(client)
    keys = ["c{}".format(n) for n in range(20)]
    publish(amqp_uri, [seats(key, version) for version in range(1, 51) for key in keys])
    newest = {}

    def all_final(seen):
        for delta in seen[len(newest) and 0:]:
            newest[delta["key"]] = max(newest.get(delta["key"], 0), delta["version"])
        return newest == dict.fromkeys(keys, 50)
    deltas_until(chunks, all_final, seconds=10)
    assert newest == dict.fromkeys(keys, 50)
    # The idle stream holds the newest of each key, not the 1,000 deltas.
    assert {key: d["version"] for (_, key), d in idle_stream.waiting.items()} == newest
    assert not idle_stream.lost
    idle.close()
    reading.close()
    assert hub.open_count() == 0
