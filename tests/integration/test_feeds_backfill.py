"""Backfilling a service from the event archive, over real RabbitMQ and the
embedded MongoDB: feeds puts each archived event the service handles, as it
was published, on each of the service's handler queues, page by page in
archive order, and nothing it does not handle; the real insight service
builds its pictures from it, and a second backfill of the same events
changes nothing (every handler's inbox drops an event id it applied
before). Bad requests are refused with nothing written."""
import json
from datetime import timedelta

import pytest
from kombu import Connection

from services.feeds import backfills
from services.feeds.amqp import HandlerQueues
from services.feeds.config import SETTINGS
from services.feeds.service import FeedsService
from services.insight.config import SETTINGS as INSIGHT_SETTINGS
from services.insight.service import InsightService
from shared.clock import utcnow
from shared.config import DEFAULTS
from shared.department_feed import event_type_name
from shared.errors import Forbidden, InvalidInput
from shared.event_schemas import EVENT_SCHEMAS
from shared.events import new_event
from shared.topology import queue_name
from tests.support.broker import wait_for
from tests.support.callers import worker
from tests.support.event_samples import sample

SERVICE = FeedsService
SERVICE_CONFIG = dict({name: DEFAULTS[name] for name in SETTINGS}, FEEDS_SEND_SECONDS=0.1)
INSIGHT_CONFIG = dict({name: DEFAULTS[name] for name in INSIGHT_SETTINGS},
                      INSIGHT_PUSH_SECONDS="0.2", INSIGHT_PUSH_BATCH="2")
RETENTION_DAYS = float(DEFAULTS["ARCHIVE_RETENTION_DAYS"])


@pytest.fixture(scope="module")
def amqp_uri(make_vhost):
    """A vhost of this module's own: what lands on insight's handler queues
    is this module's doing alone."""
    return make_vhost()


@pytest.fixture
def insight_queues(amqp_uri, service):
    """The names of insight's handler queues (feeds declared them when it
    started, as every service does), emptied."""
    names = [queue_name(h["source"], h["type"], h["service"], h["method"])
             for h in backfills.handlers_of("insight")]
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for name in names:
            channel.queue_purge(name)
    return names


def archive(store, source, event_type, minutes_ago, **data):
    """An event as its producer made it, straight into the archive (as if
    published before the service that handles it existed)."""
    values = dict(sample(EVENT_SCHEMAS[(source, event_type)]()), **data)
    envelope = new_event(source, event_type, values, now=utcnow() - timedelta(minutes=minutes_ago))
    store.archive(envelope, event_type_name(source, event_type), RETENTION_DAYS, utcnow())
    return envelope


def take_all(amqp_uri, name):
    """Every message waiting on a queue: (its JSON body, its properties)."""
    taken = []
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        while True:
            message = channel.basic_get(name, no_ack=True)
            if message is None:
                return taken
            taken.append((json.loads(message.body), message.properties))


def finished(as_staff, backfill_id):
    return wait_for(lambda: (lambda b: b if b["status"] == "done" else None)(
        as_staff.get_backfill(backfill_id)), timeout=30, what="the backfill done")


def since(minutes):
    return (utcnow() - timedelta(minutes=minutes)).isoformat()


def test_each_handled_event_reaches_each_handler_queue_once_as_published(
        as_staff, store, amqp_uri, insight_queues, monkeypatch):
    monkeypatch.setattr("services.feeds.service.REPLAY_PAGE", 2)  # several pages
    before = archive(store, "stations", "station_visited", 50)  # before the window
    registered = [archive(store, "identity", "worker_registered", 30 - n, worker_id="w-" + str(n))
                  for n in range(2)]
    visits = [archive(store, "stations", "station_visited", 20 - n, worker_id="w-" + str(n))
              for n in range(3)]
    archive(store, "jobs", "job_posted", 15)  # insight handles no job_posted

    asked = as_staff.request_backfill({"service": "insight", "since": since(40)})
    assert asked["status"] == "queued" and asked["total"] == 5 and asked["sent"] == 0
    assert "identity.worker_registered" in asked["event_types"]
    assert "jobs.job_posted" not in asked["event_types"]
    done = finished(as_staff, asked["id"])
    assert done["sent"] == 5 and done["finished_at"]
    assert as_staff.list_backfills()["items"][0]["id"] == asked["id"]

    on = {name: take_all(amqp_uri, name) for name in insight_queues}
    for sent, handler in ((registered, "handle_worker_registered"),
                          (visits, "handle_station_visited")):
        name = queue_name(sent[0]["source"], sent[0]["type"], "insight", handler)
        # The envelopes exactly as published (no pseudonyms), in archive order, once.
        assert [body for body, _ in on.pop(name)] == sent
    assert all(messages == [] for messages in on.values())  # nothing else, no job_posted
    assert before["id"] not in str(on)


def test_a_page_that_fails_half_way_is_sent_again_and_no_more(
        as_staff, store, amqp_uri, insight_queues, monkeypatch):
    monkeypatch.setattr("services.feeds.service.REPLAY_PAGE", 2)
    monkeypatch.setattr("services.feeds.service.REPLAY_LEASE", timedelta(seconds=0.5))
    send, calls = HandlerQueues.send, []

    def send_failing_once(self, handler, envelope):
        calls.append(envelope["id"])
        if len(calls) == 4:  # the second event of the second page: a broker gone away
            raise ConnectionError("the broker went away")
        send(self, handler, envelope)
    monkeypatch.setattr(HandlerQueues, "send", send_failing_once)
    visits = [archive(store, "stations", "station_visited", 20 - n) for n in range(5)]

    done = finished(as_staff, as_staff.request_backfill(
        {"service": "insight", "since": since(30)})["id"])
    assert done["sent"] == 5  # the failed page counted once, when it went through
    received = [body["id"] for body, _ in take_all(amqp_uri, queue_name(
        "stations", "station_visited", "insight", "handle_station_visited"))]
    ids = [event["id"] for event in visits]
    # The first page once; the failed page's first event twice (harmless: the inbox).
    assert received == ids[:3] + ids[2:]


def test_the_message_is_what_nameko_s_event_dispatcher_sends(as_staff, store, amqp_uri,
                                                             insight_queues):
    event = archive(store, "learning", "quiz_passed", 5)
    finished(as_staff, as_staff.request_backfill({"service": "insight", "since": since(10)})["id"])
    [(body, properties)] = take_all(amqp_uri, queue_name("learning", "quiz_passed", "insight",
                                                          "handle_quiz_passed"))
    assert body == event
    assert properties["content_type"] == "application/json"
    assert properties["delivery_mode"] == 2  # persistent


def test_a_service_backfilled_twice_applies_each_event_once(
        as_staff, store, run_service, amqp_uri, insight_queues):
    insight = run_service(InsightService, **INSIGHT_CONFIG)
    me = worker().id
    events = [archive(store, "identity", "worker_registered", 30, worker_id=me)] + [
        archive(store, "stations", "station_visited", 20 - n, worker_id=me) for n in range(3)]
    archive(store, "jobs", "job_posted", 10)

    first = as_staff.request_backfill({"service": "insight", "since": since(40)})
    assert finished(as_staff, first["id"])["sent"] == 4
    wait_for(lambda: (insight.db.profiles.find_one({"_id": me}) or {}).get(
        "station_visits") == 3, what="the picture built from the archive")

    again = as_staff.request_backfill({"service": "insight", "since": since(40)})
    assert finished(as_staff, again["id"])["sent"] == 4  # sent again...
    insight.stop()  # finishes (and acks) what it took; anything not taken stays queued
    assert all(take_all(amqp_uri, name) == [] for name in insight_queues)  # ...all taken
    profile = insight.db.profiles.find_one({"_id": me})
    assert profile["station_visits"] == 3  # ...and dropped by the inbox: not 6
    for event in events:
        assert insight.db.processed_events.count_documents(
            {"_id": {"$regex": ":{}$".format(event["id"])}}) == 1
    assert insight.db.dead_letters.count_documents({}) == 0


@pytest.mark.parametrize("request_body,code", [
    ({"service": "nosuch", "since": "ago:30"}, "SERVICE_UNKNOWN"),
    ({"service": "stations", "since": "ago:30"}, "SERVICE_HANDLES_NO_EVENTS"),
    ({"service": "feeds", "since": "ago:30"}, "SERVICE_HANDLES_NO_EVENTS"),
    ({"service": "insight", "since": "ago:30", "until": "ago:40"}, "VALIDATION_FAILED"),
    ({"service": "insight", "since": "ago:30", "until": "ago:-60"}, "BACKFILL_WINDOW_INVALID"),
    ({"service": "insight", "since": "ago:{}".format(int(RETENTION_DAYS + 1) * 24 * 60)},
     "BACKFILL_BEFORE_ARCHIVE"),
    ({"service": "", "since": "ago:30"}, "VALIDATION_FAILED"),
    ({"service": "insight"}, "VALIDATION_FAILED"),
])
def test_bad_requests_are_refused_and_write_nothing(as_staff, store, request_body, code):
    body = {key: since(int(value[4:])) if str(value).startswith("ago:") else value
            for key, value in request_body.items()}
    with pytest.raises(InvalidInput) as refused:
        as_staff.request_backfill(body)
    assert refused.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)  # Chinese
    assert store.db.backfills.count_documents({}) == 0


def test_only_staff_backfill(rpc_as, service, store):
    as_worker = rpc_as(worker()).feeds
    with pytest.raises(Forbidden):
        as_worker.request_backfill({"service": "insight", "since": since(30)})
    with pytest.raises(Forbidden):
        as_worker.list_backfills()
    assert store.db.backfills.count_documents({}) == 0
