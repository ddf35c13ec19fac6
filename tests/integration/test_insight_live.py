"""insight's live-demand counters on the embedded MongoDB (services/insight/
live.py, used directly: events queued in transactions as the handlers queue
them, then folded as the relay folds them) and
its publisher on the real RabbitMQ (a test-only service putting deltas on
``insight.live``, read back by a kombu consumer)."""
import json
import logging
import uuid
from datetime import datetime, timedelta
from types import SimpleNamespace

import eventlet
import pytest
from amqp.exceptions import PreconditionFailed
from kombu import Connection, Exchange, Queue
from nameko.rpc import rpc
from nameko.testing.services import entrypoint_hook
from pymongo import MongoClient, monitoring

from services.insight.live import COLLECTION, PENDING, LiveStore, prepare_live
from services.insight.live_publisher import EXCHANGE, LIVE_EXCHANGE, LivePublisher
from services.insight.live_rules import DAY, WEEK, period_of, period_start
from shared.clock import utcnow
from shared.event_schemas import EVENT_SCHEMAS
from shared.events import new_event, read_event
from shared.mongo import database_name
from shared.store import BaseStore
from tests.support.broker import wait_for
from tests.support.event_samples import sample

# Noon today in Haiyan: the day's documents expire (TTL) a week after now,
# and the test's events stay inside one Shanghai day, whenever it runs.
NOON = period_start(DAY, utcnow()) + timedelta(hours=12)
TODAY, YESTERDAY = period_of(DAY, NOON), period_of(DAY, NOON - timedelta(days=1))


@pytest.fixture(scope="module")
def amqp_uri(make_vhost):
    """A vhost of this module's own: a fresh insight.live exchange."""
    return make_vhost()


class LiveOnly(LiveStore, BaseStore):
    """The mixin over the base store, as the insight store composes it."""


@pytest.fixture
def db(mongo_client, db_prefix):
    database = mongo_client[database_name(db_prefix, "insight")]
    prepare_live(database)
    return database


@pytest.fixture
def store(db):
    return LiveOnly(db)


def event(source, event_type, time=NOON, **data):
    """The envelope (published at ``time``) as a handler gets it: data loaded."""
    values = dict(sample(EVENT_SCHEMAS[(source, event_type)]()), **data)
    return read_event(new_event(source, event_type, values, now=time))


def queue(store, envelope, district=None):
    return store.in_transaction(lambda session: store.queue_live(
        envelope["source"], envelope["type"], envelope["data"], envelope, district, session))


def apply(store, envelope, district=None):
    """One event queued, then folded: the deltas of that fold."""
    queue(store, envelope, district)
    deltas, _ = store.fold_live()
    return deltas


def minutes(n):
    return NOON + timedelta(minutes=n)


def seat(event_type, worker, at, class_id="c1", **more):
    return event("courses", event_type, at, class_id=class_id, worker_id=worker, at=at, **more)


def published(seats, at=NOON, class_id="c1", starts_at=None, event_type="class_published"):
    """class_published (its time: the envelope's), or class_updated (its ``at``)."""
    starts_at = starts_at or NOON + timedelta(days=2)
    edited = {"at": at} if event_type == "class_updated" else {}
    return event("courses", event_type, at, class_id=class_id, title="茶艺", seats=seats,
                 starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **edited)


def seats_of(store, class_id="c1"):
    return store.live_snapshot(NOON)["panels"]["class_seats"].get(class_id)


# ---- counters -------------------------------------------------------------------------------

def test_counters_count_per_period_and_a_late_event_apart(store):
    for district in ("武原街道", "武原街道", None):
        quiz = apply(store, event("learning", "quiz_passed", passed_at=NOON), district)
    assert quiz == [{"panel": "quiz_by_district", "key": "未知", "period": TODAY, "value": 1,
                     "version": 1, "event_time": NOON.isoformat()}]
    apply(store, event("ledger", "points_awarded", amount=5, at=minutes(1)))
    today, = apply(store, event("ledger", "points_awarded", amount=3, at=minutes(2)))
    late, = apply(store, event("ledger", "points_awarded", amount=7,
                               at=NOON - timedelta(days=1)))
    assert (today["period"], today["value"], today["version"]) == (TODAY, 8, 2)
    assert (late["period"], late["value"], late["version"]) == (YESTERDAY, 7, 1)
    snapshot = store.live_snapshot(NOON)
    assert snapshot["panels"]["points_today"] == {"awarded": {"value": 8, "version": 2}}
    assert snapshot["panels"]["quiz_by_district"] == {
        "武原街道": {"value": 2, "version": 2}, "未知": {"value": 1, "version": 1}}
    assert snapshot["periods"]["points_today"] == TODAY


def test_week_counters_and_lapses(store):
    apply(store, event("volunteering", "volunteer_signed_up", at=minutes(1)))
    apply(store, event("volunteering", "volunteer_hours_confirmed", hours=2.5,
                       confirmed_at=minutes(2)))
    apply(store, event("volunteering", "volunteer_hours_confirmed", hours=1.25,
                       confirmed_at=minutes(3)))
    assert apply(store, event("jobs", "application_status_changed", status="viewed")) == []
    apply(store, event("jobs", "application_status_changed", status="no_reply", at=minutes(4)))
    apply(store, event("jobs", "application_submitted", at=minutes(5)))
    snapshot = store.live_snapshot(NOON)
    assert snapshot["panels"]["volunteering_week"] == {
        "signups": {"value": 1, "version": 1}, "hours": {"value": 3.75, "version": 2}}
    assert snapshot["panels"]["job_applications"] == {
        "lapsed": {"value": 1, "version": 1}, "submitted": {"value": 1, "version": 1}}
    assert snapshot["periods"]["volunteering_week"] == period_of(WEEK, NOON)


def test_a_rolled_back_handler_counts_nothing(store, db):
    class HandlerFailed(Exception):
        pass

    def work(session):
        for envelope in (published(26), event("learning", "quiz_passed", passed_at=NOON)):
            assert store.queue_live(envelope["source"], envelope["type"], envelope["data"],
                                    envelope, None, session)
        raise HandlerFailed()
    with pytest.raises(HandlerFailed):
        store.in_transaction(work)
    assert store.fold_live() == ([], 0)
    assert db[COLLECTION].count_documents({}) == 0 == db[PENDING].count_documents({})


def test_events_no_panel_counts_are_not_queued(store, db):
    viewed = event("jobs", "application_status_changed", status="viewed")
    assert queue(store, viewed) is False
    assert db[PENDING].count_documents({}) == 0


def test_a_fold_of_many_events_sends_one_delta_per_document_at_its_last_version(store, db):
    apply(store, published(26))
    for n in range(5):
        queue(store, seat("seat_booked", "w{}".format(n), minutes(n + 1)))
    for n in range(3):
        queue(store, event("ledger", "points_awarded", amount=2, at=minutes(n)))
    deltas, folded = store.fold_live()
    assert folded == 8 and db[PENDING].count_documents({}) == 0
    by_panel = {d["panel"]: d for d in deltas}
    assert len(deltas) == 2
    assert by_panel["class_seats"]["value"]["seats_left"] == 21
    assert by_panel["class_seats"]["version"] == 6
    assert by_panel["class_seats"]["event_time"] == minutes(5).isoformat()
    assert (by_panel["points_today"]["value"], by_panel["points_today"]["version"]) == (6, 3)
    assert store.fold_live() == ([], 0)


def test_an_event_that_cannot_be_read_back_is_dropped_not_blocking(store, db, caplog):
    queue(store, event("ledger", "points_awarded", amount=2, at=minutes(1)))
    db[PENDING].insert_one({"source": "ledger", "type": "points_awarded", "time": NOON,
                            "data": {"amount": "two"}, "district": None})
    queue(store, event("ledger", "points_awarded", amount=3, at=minutes(2)))
    with caplog.at_level(logging.ERROR):
        (delta,), folded = store.fold_live()
    assert (folded, delta["value"]) == (3, 5) and "dropped" in caplog.text
    assert db[PENDING].count_documents({}) == 0


def test_a_fold_takes_at_most_its_limit_oldest_first(store, db):
    apply(store, published(26))
    for n in range(5):
        queue(store, seat("seat_booked", "w{}".format(n), minutes(n + 1)))
    deltas, folded = store.fold_live(limit=2)
    assert folded == 2 and deltas[0]["value"]["seats_left"] == 24
    assert db[PENDING].count_documents({}) == 3
    deltas, folded = store.fold_live(limit=10)
    assert folded == 3 and deltas[0]["value"]["seats_left"] == 21


def test_concurrent_folds_apply_each_event_once(store, db):
    # A counter, not seats: adding is what a second application would show.
    for n in range(60):
        queue(store, event("ledger", "points_awarded", amount=1, at=minutes(1)))
    folds = eventlet.GreenPool()
    results = [folds.spawn(store.fold_live, 7) for _ in range(3)]
    folded = sum(result.wait()[1] for result in results)
    for _ in range(60 // 7 + 1):  # what the three left
        folded += store.fold_live(7)[1]
    assert folded == 60 and db[PENDING].count_documents({}) == 0
    assert store.live_snapshot(NOON)["panels"]["points_today"]["awarded"]["value"] == 60


# ---- class seats ----------------------------------------------------------------------------

def test_seats_converge_through_a_repeat_and_an_out_of_order_pair(store):
    assert apply(store, published(3))[0]["value"]["seats_left"] == 3
    apply(store, seat("seat_booked", "w1", minutes(1)))
    booked_w2 = seat("seat_booked", "w2", minutes(2))
    first, = apply(store, booked_w2)
    repeat, = apply(store, booked_w2)
    assert first["value"]["seats_left"] == repeat["value"]["seats_left"] == 1
    assert repeat["version"] == first["version"] + 1
    # w3's release arrives before the booking it undoes: w3 holds nothing.
    apply(store, seat("seat_released", "w3", minutes(4), reason="cancelled_by_worker"))
    apply(store, seat("seat_booked", "w3", minutes(3)))
    apply(store, seat("waitlist_joined", "w4", minutes(5)))
    apply(store, published(2, at=minutes(7), event_type="class_updated"))
    # An older edit arriving last does not undo the newer one.
    last, = apply(store, published(5, at=minutes(6), event_type="class_updated"))
    assert last["value"] == {"title": "茶艺", "starts_at": (NOON + timedelta(days=2)).isoformat(),
                             "seats": 2, "seats_left": 0, "waitlist": 1}
    assert last["version"] == 9
    assert seats_of(store) == {"value": last["value"], "version": 9}


def test_class_full_gives_the_exact_lists_and_a_cancel_removes_the_class(store):
    # class_full before class_published: the first write takes the lists.
    apply(store, event("courses", "class_full", minutes(5), class_id="c1", at=minutes(5),
                       seat_holders=["w2", "w3"], waitlist_holders=["w4"]))
    apply(store, published(3))
    assert seats_of(store)["value"]["seats_left"] == 1
    # Released before the list that names them: still a holder.
    apply(store, seat("seat_released", "w2", minutes(4), reason="cancelled_by_worker"))
    # An older class_full arriving late does not replace the newer lists.
    apply(store, event("courses", "class_full", minutes(1), class_id="c1", at=minutes(1),
                       seat_holders=["w1"], waitlist_holders=[]))
    offered, = apply(store, event("courses", "waitlist_offered", minutes(6), class_id="c1",
                                  worker_id="w4", at=minutes(6), offer_expires_at=minutes(36)))
    assert (offered["value"]["seats_left"], offered["value"]["waitlist"]) == (0, 0)
    apply(store, seat("seat_booked", "w5", minutes(7)))  # four holders, three seats
    assert seats_of(store)["value"]["seats_left"] == 0
    cancelled, = apply(store, event("courses", "class_cancelled", minutes(8), class_id="c1",
                                    at=minutes(8), starts_at=NOON + timedelta(days=2),
                                    ends_at=NOON + timedelta(days=2, hours=2)))
    assert cancelled["value"] is None
    assert seats_of(store) is None


# ---- the snapshot ---------------------------------------------------------------------------

def test_the_snapshot_shows_the_last_hours_and_current_classes(store):
    for hours_ago in (1, 1, 7):
        apply(store, event("stations", "station_visited", station_id="s1",
                           visited_at=NOON - timedelta(hours=hours_ago, minutes=-10)))
    for class_id, starts_in in (("past", -5), ("started", -1), ("upcoming", 30)):
        apply(store, published(26, class_id=class_id, starts_at=NOON + timedelta(hours=starts_in)))
    apply(store, published(26, class_id="gone"))
    apply(store, event("courses", "class_cancelled", class_id="gone", at=minutes(1)))
    panels = store.live_snapshot(NOON)["panels"]
    hour = (NOON - timedelta(hours=1)).isoformat()
    assert panels["station_visits"] == {"s1|" + hour: {
        "value": {"station_id": "s1", "hour": hour, "visits": 2}, "version": 2}}
    assert set(panels["class_seats"]) == {"started", "upcoming"}
    assert store.live_snapshot(NOON, visit_hours=8)["panels"]["station_visits"].keys() == {
        "s1|" + hour, "s1|" + (NOON - timedelta(hours=7)).isoformat()}


def test_old_documents_expire_a_week_after_their_period(store, db):
    apply(store, event("learning", "quiz_passed", passed_at=NOON))
    ttl = [index for index in db[COLLECTION].index_information().values()
           if index["key"] == [("expires_at", 1)]]
    assert ttl and ttl[0]["expireAfterSeconds"] == 0
    document = db[COLLECTION].find_one({"panel": "quiz_by_district"})
    assert document["expires_at"] == period_start(DAY, NOON) + timedelta(days=8)


class Commands(monitoring.CommandListener):
    def __init__(self):
        self.names = []

    def started(self, event):
        if event.command_name in ("find", "findAndModify", "update", "insert", "delete"):
            self.names.append(event.command_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def test_commands_per_event_and_per_snapshot(mongo_uri, db):
    commands = Commands()
    client = MongoClient(mongo_uri, tz_aware=True, event_listeners=[commands])
    counted = LiveOnly(client[db.name])
    try:
        queue(counted, event("learning", "quiz_passed", passed_at=NOON))
        assert commands.names == ["insert"]  # a handler's, in its transaction
        queue(counted, published(26))
        for n in range(20):
            queue(counted, seat("seat_booked", "w{}".format(n), minutes(1)))
        commands.names.clear()
        counted.fold_live()  # however many events: one bulk write
        assert commands.names == ["find", "delete", "update", "find"]
        commands.names.clear()
        counted.live_snapshot(NOON)
        assert commands.names == ["find", "find", "find"]
    finally:
        client.close()


# ---- the publisher --------------------------------------------------------------------------

class LiveProbe:
    name = "live_probe"
    live = LivePublisher()

    @rpc
    def send(self, deltas):
        self.live.publish_deltas(deltas)


@pytest.fixture
def probe(container_factory, service_config):
    container = container_factory(LiveProbe, service_config)
    container.start()
    return container


@pytest.fixture
def received(probe, amqp_uri):
    """What a consumer bound to every panel gets: (body, message) pairs."""
    with Connection(amqp_uri) as connection:
        queue = Queue("test-live-" + uuid.uuid4().hex[:8], exchange=EXCHANGE,
                      routing_key="#", exclusive=True, auto_delete=True)(connection.channel())
        queue.declare()
        messages = []

        def drain():
            while (message := queue.get(no_ack=True)) is not None:
                messages.append(message)
            return messages
        yield drain


def test_deltas_reach_a_consumer_of_insight_live(probe, received):
    delta = {"panel": "class_seats", "key": "c1", "period": None, "version": 4,
             "value": {"title": "茶艺", "starts_at": NOON.isoformat(), "seats": 26,
                       "seats_left": 3, "waitlist": 0},
             "event_time": NOON.isoformat()}
    before = utcnow()
    with entrypoint_hook(probe, "send") as send:
        send([delta, dict(delta, panel="points_today", key="awarded", value=5)])
    first, second = wait_for(lambda: len(received()) >= 2 and received(), what="two deltas")
    body = json.loads(first.body)
    assert body == dict(delta, published_at=body["published_at"])
    assert before <= datetime.fromisoformat(body["published_at"]) <= utcnow()
    assert first.delivery_info["routing_key"] == "class_seats"
    assert second.delivery_info["routing_key"] == "points_today"
    assert first.content_type == "application/json"
    assert first.properties["delivery_mode"] == 1


def test_concurrent_workers_publish_through_their_own_producers(probe, received):
    publisher, = [d for d in probe.dependencies if isinstance(d, LivePublisher)]
    workers = eventlet.GreenPool()
    for version in range(30):
        workers.spawn(publisher.publish_deltas, [{"panel": "points_today", "key": "awarded",
                                           "period": TODAY, "value": version,
                                           "version": version, "event_time": NOON.isoformat()}])
    workers.waitall()
    messages = wait_for(lambda: len(received()) >= 30 and received(), what="30 deltas")
    assert sorted(json.loads(m.body)["version"] for m in messages) == list(range(30))


def test_insight_live_is_a_durable_topic_exchange(probe, amqp_uri):
    with Connection(amqp_uri) as connection:
        Exchange(LIVE_EXCHANGE, type="topic", durable=True)(connection.channel()).declare(
            passive=True)
        with pytest.raises(PreconditionFailed):
            Exchange(LIVE_EXCHANGE, type="topic", durable=False)(
                connection.channel()).declare()


def test_a_broker_that_is_down_loses_the_deltas_quietly(caplog):
    publisher = LivePublisher()
    publisher.container = SimpleNamespace(config={"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    publisher.setup()
    try:
        with caplog.at_level(logging.WARNING):
            publisher.publish_deltas([{"panel": "points_today", "key": "awarded", "value": 1}])
        assert "live deltas not published" in caplog.text
    finally:
        publisher.stop()
