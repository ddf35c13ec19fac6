"""feeds over real RabbitMQ (its management API too) and the embedded
MongoDB: departments receive exactly their event types, as pseudonyms, on
their own queue (read with their own broker user, which may do nothing
else) or as signed webhooks retried until accepted; replays from the
archive; pause, rotation and revocation."""
from datetime import datetime, timedelta

import pytest
from amqp.exceptions import AccessRefused, NotFound
from kombu import Connection, Exchange, Producer

from services.feeds.config import SETTINGS
from services.feeds.messages import pseudonym
from services.feeds.service import FeedsService
from shared.clock import utcnow
from shared.config import DEFAULTS
from shared.errors import InvalidInput, Unauthenticated
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.broker import wait_for
from tests.support.departments import (RunningReceiver, amqp_department, read_queue,
                                       webhook_department)
from tests.support.event_samples import NAME, PHONE, sample
from shared.event_schemas import EVENT_SCHEMAS

SERVICE = FeedsService
SERVICE_CONFIG = dict({name: DEFAULTS[name] for name in SETTINGS},
                      FEEDS_SEND_SECONDS=0.1, WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8")
KEY = bytes.fromhex(TEST_PSEUDONYM_KEY)


@pytest.fixture(scope="module")
def amqp_uri(make_vhost):
    """A vhost of this module's own: the archive queue of the shared one
    holds every event the other tests published."""
    return make_vhost()


@pytest.fixture
def publish_sample(publish):
    def send(source, event_type, **data):
        values = sample(EVENT_SCHEMAS[(source, event_type)]())
        values.update(data)
        return publish(source, event_type, values)
    return send


@pytest.fixture
def receiver():
    running = RunningReceiver()
    yield running
    running.close()


def archived(store, *envelopes):
    return wait_for(lambda: all(store.is_archived(e["id"]) for e in envelopes),
                    what="the events archived")


# ---- AMQP: only its types, only pseudonyms, only its queue ---------------------------

def test_a_department_receives_only_its_types_as_pseudonyms(as_staff, store, publish_sample):
    department, credentials = amqp_department(as_staff)
    sent = [publish_sample("identity", "worker_registered", worker_id="w-1"),
            publish_sample("learning", "quiz_passed", worker_id="w-1"),
            publish_sample("stations", "station_visited", worker_id="w-1")]
    archived(store, *sent)
    events = []
    # Both, in whichever order feeds' concurrent handlers put them there.
    wait_for(lambda: events.extend(read_queue(credentials)) or len(events) >= 2,
             what="its queue")
    assert sorted(e["type"] for e in events) == ["station_visited", "worker_registered"]
    mine = pseudonym(KEY, department["id"], "w-1")
    assert {e["data"]["worker_id"] for e in events} == {mine}
    text = str(events)
    assert NAME not in text and PHONE not in text and "w-1'" not in text
    assert not {e["id"] for e in events} & {e["id"] for e in sent}
    assert all(e["department"] == department["id"] and e["replayed"] is False for e in events)
    wait_for(lambda: as_staff.get_department(department["id"])["stats"]["delivered"] == 2,
             what="counted on the next tick")


def test_its_broker_user_reads_its_queue_and_nothing_else(as_staff, amqp_uri):
    _, mine = amqp_department(as_staff, name="县民政局")
    _, theirs = amqp_department(as_staff, name="县交通运输局")
    with Connection(mine["amqp"]["url"]) as connection:
        with pytest.raises(AccessRefused):
            connection.channel().basic_get(theirs["amqp"]["queue"])
    for exchange in ("", "identity.events", "feeds.departments"):
        with Connection(mine["amqp"]["url"], transport_options={"confirm_publish": True}) as c:
            with pytest.raises(AccessRefused, match="Basic.publish"):
                Producer(c.channel()).publish(
                    b"{}", exchange=Exchange(exchange, type="topic", passive=True),
                    routing_key=mine["amqp"]["queue"])
    with Connection(mine["amqp"]["url"]) as connection:
        with pytest.raises(AccessRefused):
            connection.channel().queue_declare("dept-made-its-own", durable=True)
        assert connection.channel().basic_get(mine["amqp"]["queue"]) is None  # its own: fine


def test_revoked_it_cannot_connect_and_its_queue_is_gone(as_staff, amqp_uri):
    department, credentials = amqp_department(as_staff)
    assert as_staff.revoke_department(department["id"])["status"] == "revoked"
    with pytest.raises(AccessRefused):
        with Connection(credentials["amqp"]["url"], connect_timeout=5) as connection:
            connection.connect()
    with Connection(amqp_uri) as connection:
        with pytest.raises(NotFound):
            connection.channel().queue_declare(credentials["amqp"]["queue"], passive=True)


def test_rotated_credentials_replace_the_old_ones_at_once(as_staff):
    department, old = amqp_department(as_staff)
    new = as_staff.rotate_credentials(department["id"])
    assert new["amqp"]["password"] != old["amqp"]["password"] and new["api_key"] != old["api_key"]
    with pytest.raises(AccessRefused):
        with Connection(old["amqp"]["url"], connect_timeout=5) as connection:
            connection.connect()
    assert read_queue(new) == []


def test_changed_types_rebind_its_queue(as_staff, store, publish_sample):
    department, credentials = amqp_department(as_staff, types=["learning.quiz_passed"])
    as_staff.update_department(department["id"], {"event_types": ["stations.station_visited"]})
    sent = [publish_sample("learning", "quiz_passed"),
            publish_sample("stations", "station_visited")]
    archived(store, *sent)
    events = wait_for(lambda: read_queue(credentials), what="its queue")
    assert [e["type"] for e in events] == ["station_visited"]


# ---- HTTPS: signed, retried, in order, parked ---------------------------------------

def test_a_failing_webhook_gets_every_event_once_it_recovers(as_staff, store, publish_sample,
                                                             receiver):
    receiver.server.failures_left = 3
    department, credentials = webhook_department(as_staff, receiver.url)
    receiver.use_secret(credentials["webhook_secret"])
    sent = [publish_sample("stations", "station_visited", worker_id="w-{}".format(n))
            for n in range(5)]
    wait_for(lambda: len(receiver.server.events) == 5, timeout=30, what="all five")
    got = receiver.server.events
    assert [e["data"]["worker_id"] for e in got] == [
        pseudonym(KEY, department["id"], "w-{}".format(n)) for n in range(5)]
    assert receiver.server.bad_signatures == 0 and receiver.server.attempts >= 8
    # RFC 3339 lets a whole second drop its fraction ("…:30Z"), so compare
    # the instants, not the strings.
    times = [datetime.fromisoformat(e["time"]) for e in got]
    assert times == sorted(times)
    archived(store, *sent)
    stats = wait_for(lambda: (lambda s: s if s["delivered"] == 5 else None)(
        as_staff.get_department(department["id"])["stats"]), what="counted")
    assert stats["waiting"] == 0 and stats["failed"] == 0


def test_a_delivery_failing_past_the_retry_window_is_parked_then_redelivered(
        run_service, rpc_as, publish_sample, receiver):
    running = run_service(FeedsService, **dict(SERVICE_CONFIG, WEBHOOK_RETRY_SECONDS=1))
    from tests.support.callers import STAFF
    staff = rpc_as(STAFF).feeds
    receiver.server.failures_left = 10 ** 6
    department, credentials = webhook_department(staff, receiver.url)
    receiver.use_secret(credentials["webhook_secret"])
    publish_sample("stations", "station_visited")
    parked = wait_for(lambda: staff.list_parked(department["id"])["items"], timeout=20,
                      what="the delivery parked")
    assert parked[0]["attempts"] >= 2 and parked[0]["last_error"] == "HTTP 503"
    assert staff.get_department(department["id"])["stats"]["failed"] == 1
    receiver.server.failures_left = 0
    assert staff.redeliver_parked(department["id"]) == {"redelivered": 1}
    wait_for(lambda: receiver.server.events, what="the redelivery")
    assert running.store.parked(department["id"]) == []


@pytest.mark.parametrize("url,why", [
    ("http://10.1.2.3/hook", "内网"), ("https://169.254.169.254/latest", "内网"),
    ("https://localhost.invalid/hook", "解析"), ("ftp://example.com/x", "https"),
    ("https://user:pw@example.com/x", "用户名")])
def test_a_webhook_into_private_addresses_is_refused(as_staff, url, why):
    with pytest.raises(InvalidInput) as refused:
        webhook_department(as_staff, url)
    assert refused.value.code == "WEBHOOK_URL_REFUSED" and why in refused.value.message


# ---- replays ------------------------------------------------------------------------

def test_a_replay_delivers_exactly_the_archived_events_of_its_types_in_order(
        as_staff, store, publish_sample):
    before = publish_sample("stations", "station_visited", worker_id="w-before")
    archived(store, before)
    since = utcnow()
    sent = [publish_sample("stations", "station_visited", worker_id="w-{}".format(n))
            for n in range(4)] + [publish_sample("identity", "worker_registered")]
    archived(store, *sent)
    department, credentials = amqp_department(as_staff)  # after the fact: nothing live
    replay = as_staff.request_replay(department["id"], {
        "since": since.isoformat(), "event_types": ["stations.station_visited"]})
    assert replay["total"] == 4 and replay["status"] == "running"
    done = wait_for(lambda: (lambda r: r if r["status"] == "done" else None)(
        as_staff.get_replay(department["id"], replay["id"])), what="the replay")
    assert done["delivered"] == 4
    events = read_queue(credentials)
    assert [e["data"]["worker_id"] for e in events] == [
        pseudonym(KEY, department["id"], "w-{}".format(n)) for n in range(4)]
    assert all(e["replayed"] is True for e in events)


def test_a_department_replays_with_its_own_key_and_only_its_types(as_staff, anonymous):
    department, credentials = amqp_department(as_staff)
    since = (utcnow() - timedelta(hours=1)).isoformat()
    own = anonymous.feeds.request_own_replay({"since": since}, department_key=credentials["api_key"])
    assert own["requested_by"] == "department" and own["department_id"] == department["id"]
    with pytest.raises(InvalidInput) as refused:
        anonymous.feeds.request_own_replay({"since": since, "event_types": ["jobs.job_posted"]},
                                           department_key=credentials["api_key"])
    assert refused.value.code == "EVENT_TYPES_NOT_SUBSCRIBED"
    with pytest.raises(Unauthenticated):
        anonymous.feeds.request_own_replay({"since": since}, department_key="hyd_x_wrong")


def test_resuming_a_paused_department_replays_what_it_missed(as_staff, store, publish_sample):
    department, credentials = amqp_department(as_staff)
    as_staff.update_department(department["id"], {"paused": True})
    missed = publish_sample("stations", "station_visited", worker_id="w-paused")
    archived(store, missed)
    assert read_queue(credentials) == []
    assert as_staff.update_department(department["id"], {"paused": False})["status"] == "active"
    events = wait_for(lambda: read_queue(credentials), what="the catch-up")
    assert [(e["data"]["worker_id"], e["replayed"]) for e in events] == [
        (pseudonym(KEY, department["id"], "w-paused"), True)]


# ---- the archive ----------------------------------------------------------------------

def test_every_event_is_archived_once_and_a_bad_one_is_dead_lettered(
        store, publish, publish_sample, amqp_uri):
    event = publish_sample("courses", "seat_booked")
    publish("courses", "seat_booked", None, envelope=event)  # delivered twice
    from tests.support.broker import publish_raw
    publish_raw(amqp_uri, "courses", "seat_booked", {"id": "not-an-event"})
    wait_for(lambda: store.db.dead_letters.count_documents({}), what="the dead letter")
    archived(store, event)
    assert store.db.archive.count_documents({"_id": event["id"]}) == 1


def test_staff_see_what_waits_on_its_queue_and_how_old_it_is(as_staff, store, publish_sample):
    department, _ = amqp_department(as_staff)
    publish_sample("stations", "station_visited", visited_at=utcnow() - timedelta(minutes=5))
    # The broker's management API refreshes queue figures every few seconds.
    stats = wait_for(lambda: (lambda s: s["waiting"] and s)(
        as_staff.get_department(department["id"])["stats"]), timeout=20, what="one waiting")
    assert stats["waiting"] == 1 and stats["delivered"] == 1 and stats["failed"] == 0
    assert 0 <= stats["lag_seconds"] < 60  # the event's time, not the visit's
    assert stats["last_delivery_at"] is not None


def test_the_archive_keeps_each_event_for_the_retention(store, publish_sample):
    event = publish_sample("stations", "station_visited")
    archived(store, event)
    entry = store.db.archive.find_one({"_id": event["id"]})
    kept = entry["expires_at"] - entry["archived_at"]
    assert kept == timedelta(days=float(DEFAULTS["ARCHIVE_RETENTION_DAYS"]))
    assert entry["type_name"] == "stations.station_visited" and entry["time"] == event["time"]
