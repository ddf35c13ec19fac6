"""The gateway's live stream (gateway/live.py) with a Flask test client and no
broker: who may open it, what it answers first, how each stream's buffer
keeps the newest value per key within its bound, the cap on open streams,
and the stream's end. The relay from the broker is in
tests/integration/test_live_relay.py."""
from datetime import datetime, timedelta, timezone

import pytest

from gateway import live
from gateway.app import create_app
from shared.caller import UNION_STAFF, WORKER
from shared.tokens import encode_access_token
from tests.conftest import TEST_JWT_SECRET

SNAPSHOT = {"at": "2026-11-28T04:00:00+00:00", "panels": {"points_today": {
    "awarded": {"value": 120, "version": 7}}}}


def delta(key="c1", version=1, panel="class_seats", value=None):
    return {"panel": panel, "key": key, "version": version,
            "value": value if value is not None else {"seats_left": 10 - version}}


class SnapshotPool:
    """The RPC pool: answers insight's snapshot and notes who asked."""

    def __init__(self, error=None):
        self.calls, self.error = [], error

    def call(self, service, method, context, kwargs=None, changes=False):
        self.calls.append((service, method, context))
        if self.error:
            raise self.error
        return SNAPSHOT


class QuietHub(live.LiveHub):
    """The hub without its broker consumer: deltas are handed in directly."""

    def __init__(self, max_streams=2, buffer_keys=live.BUFFER_KEYS):
        super().__init__("memory://", max_streams, buffer_keys)
        self.consuming.set()

    def _start_consumer(self):
        pass


def token(*roles):
    now = datetime.now(timezone.utc)
    return encode_access_token({"sub": "w1", "roles": list(roles), "sid": "s1", "iat": now,
                                "exp": now + timedelta(minutes=5)}, TEST_JWT_SECRET)


def as_role(*roles):
    return {"Authorization": "Bearer " + token(*roles)}


@pytest.fixture
def gateway(monkeypatch):
    def make(hub=None, pool=None, seconds="60"):
        monkeypatch.setenv("JWT_SECRET", TEST_JWT_SECRET)
        monkeypatch.setenv("LIVE_STREAM_SECONDS", seconds)
        hub = hub or QuietHub()
        app = create_app(pool=pool or SnapshotPool(), shortcuts={}, live_hub=hub)
        return app.test_client(), hub
    return make


def open_stream(client, headers):
    response = client.get(live.PATH, headers=headers, buffered=False)
    return response, iter(response.response)


def next_text(chunks):
    chunk = next(chunks)
    return chunk.decode() if isinstance(chunk, bytes) else chunk


# ---- who may open it -----------------------------------------------------------------

# Headers made when the test runs (a lambda): a token minted at collection
# time would have expired by then in a long run.
@pytest.mark.parametrize("headers, status, code", [
    (lambda: {}, 401, "AUTH_REQUIRED"),
    (lambda: {"Authorization": "Basic abc"}, 401, "INVALID_TOKEN"),
    (lambda: {"Authorization": "Bearer not-a-token"}, 401, "INVALID_TOKEN"),
    (lambda: as_role(WORKER), 403, "FORBIDDEN"),
    (lambda: as_role("employer", "station_keeper"), 403, "FORBIDDEN"),
])
def test_only_union_staff_open_it_and_others_get_the_one_error_body(gateway, headers, status,
                                                                    code):
    client, hub = gateway()
    response = client.get(live.PATH, headers=headers())
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json["error"] == code and response.json["message"].strip()
    assert set(response.json) <= {"error", "message", "details"}
    assert hub.open_count() == 0


# ---- what it answers -----------------------------------------------------------------------

def test_the_snapshot_comes_first_then_each_delta(gateway):
    pool = SnapshotPool()
    client, hub = gateway(pool=pool)
    response, chunks = open_stream(client, as_role(UNION_STAFF))
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Accel-Buffering"] == "no"
    assert next_text(chunks) == live.sse("snapshot", SNAPSHOT)
    [(service, method, context)] = pool.calls
    assert (service, method) == ("insight", "show_live_demand")
    assert context["caller"]["id"] == "w1" and UNION_STAFF in context["caller"]["roles"]
    hub.deliver(delta(version=3))
    assert next_text(chunks) == 'event: delta\ndata: {"panel":"class_seats","key":"c1",' \
                                '"version":3,"value":{"seats_left":7}}\n\n'
    response.close()
    assert hub.open_count() == 0


def test_a_snapshot_that_fails_answers_its_error_and_frees_the_place(gateway):
    from gateway.errors import service_unavailable
    client, hub = gateway(pool=SnapshotPool(error=service_unavailable()))
    response = client.get(live.PATH, headers=as_role(UNION_STAFF))
    assert response.status_code == 503 and response.json["error"] == "SERVICE_UNAVAILABLE"
    assert hub.open_count() == 0


def test_streams_beyond_the_cap_are_busy_until_one_closes(gateway):
    client, hub = gateway(hub=QuietHub(max_streams=2))
    first, _ = open_stream(client, as_role(UNION_STAFF))
    second, _ = open_stream(client, as_role(UNION_STAFF))
    refused = client.get(live.PATH, headers=as_role(UNION_STAFF))
    assert refused.status_code == 503
    assert refused.json["error"] == "BUSY" and refused.headers["Retry-After"]
    first.close()
    third, _ = open_stream(client, as_role(UNION_STAFF))
    assert third.status_code == 200 and hub.open_count() == 2
    second.close()
    third.close()
    assert hub.open_count() == 0


def test_the_stream_ends_after_its_time_and_gives_its_place_back(gateway):
    client, hub = gateway(seconds="1")
    response, chunks = open_stream(client, as_role(UNION_STAFF))
    assert next_text(chunks).startswith("event: snapshot")
    assert list(chunks) == []  # ended, no ping in one second
    assert hub.open_count() == 0


def test_an_idle_stream_is_pinged():
    hub = QuietHub()
    stream = hub.open()
    text = live.events(hub, stream, SNAPSHOT, seconds=0.35, ping_seconds=0.1)
    assert next(text).startswith("event: snapshot")
    assert next(text) == ": ping\n\n"
    assert next(text) == ": ping\n\n"
    text.close()
    assert hub.open_count() == 0


# ---- each stream's buffer --------------------------------------------------------------------

def test_a_reader_that_fell_behind_gets_the_newest_value_of_each_key():
    stream = live.Stream(capacity=10)
    for version in (1, 2, 3):
        stream.offer(delta("c1", version))
    stream.offer(delta("c2", 1))
    stream.offer(delta("c1", 2))  # late and older: the newer one stays
    assert [(d["key"], d["version"]) for d in stream.take(0)] == [("c2", 1), ("c1", 3)]
    assert not stream.lost
    assert stream.take(0) == []


def test_a_full_buffer_drops_the_oldest_and_the_stream_ends_for_a_new_snapshot():
    hub = QuietHub(buffer_keys=3)
    stream = hub.open()
    text = live.events(hub, stream, SNAPSHOT, seconds=60)
    assert next(text).startswith("event: snapshot")
    for key in ("a", "b", "c", "d", "e"):
        hub.deliver(delta(key))  # never waits for the reader
    assert stream.lost
    assert [d["key"] for d in stream.waiting.values()] == ["c", "d", "e"]  # the newest kept
    assert list(text) == []  # it ends at once: the page reconnects for a new snapshot
    assert hub.open_count() == 0


def test_losing_the_broker_ends_every_stream():
    hub = QuietHub()
    streams = [hub.open(), hub.open()]
    hub.lose_all()
    assert all(stream.lost for stream in streams)
    assert all(list(live.events(hub, s, SNAPSHOT, 60))[1:] == [] for s in streams)
    assert hub.open_count() == 0


@pytest.mark.parametrize("body", [None, [], "x", {"panel": "p", "key": "k"},
                                  {"panel": "p", "key": 1, "version": 1},
                                  {"panel": "p", "key": "k", "version": "2"},
                                  {"panel": "p", "key": "k", "version": True}])
def test_a_malformed_delta_is_not_relayed(body):
    assert not live.is_delta(body)
