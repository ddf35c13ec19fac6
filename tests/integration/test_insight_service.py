"""insight (精准画像) over real RabbitMQ and the embedded MongoDB: each
worker's picture from the events other services publish (once per event),
their own view with tags and what they rest on, pushes that reach exactly a
segment less the opted-out, once, also when repeated and when the fan-out
is interrupted and resumed, the inbox read and unread, staff's reasoned
look logged first, the live view's deltas folded from a burst of events
(and from events a stopped fold left), and bad input refused with nothing
written."""
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from kombu import Connection, Queue

from services.insight import fanout
from services.insight.config import SETTINGS
from services.insight.live import PENDING
from services.insight.live_publisher import EXCHANGE as LIVE_EXCHANGE
from services.insight.schemas import SENT
from services.insight.service import InsightService
from services.insight.tags import DEFAULT_RULES
from shared.clock import utcnow
from shared.config import DEFAULTS
from shared.event_schemas import EVENT_SCHEMAS
from shared.events import new_event, read_event
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.broker import wait_for
from tests.support.callers import STAFF, worker
from tests.support.event_samples import sample

SERVICE = InsightService
CONFIG = dict({name: DEFAULTS[name] for name in SETTINGS}, INSIGHT_PUSH_SECONDS="0.2",
              INSIGHT_PUSH_BATCH="2", LIVE_FOLD_SECONDS="0.2")
SERVICE_CONFIG = CONFIG
DISTRICT, OTHER_DISTRICT = "武原街道", "通元镇"


def unique_platform():
    """Workers of one test only: other tests' events may reach this service."""
    return "平台" + uuid.uuid4().hex[:8]


def registered(publish, caller, platform, district=DISTRICT, occupation="food_delivery"):
    publish("identity", "worker_registered", {
        "worker_id": caller.id, "name": "沈建明", "phone_masked": "138****1234",
        "occupation": occupation, "platform": platform, "district": district,
        "roles": ["worker"], "registered_at": utcnow()})
    return caller


def wait_profiles(store, ids):
    wait_for(lambda: store.db.profiles.count_documents(
        {"_id": {"$in": ids}, "facts_at": {"$ne": None}}) == len(ids), what="the profiles")


def china(hour, days_ago=0):
    """Today (or ``days_ago``) at ``hour`` China time, as UTC."""
    local = datetime.now(timezone(timedelta(hours=8))).replace(
        hour=hour, minute=30, second=0, microsecond=0) - timedelta(days=days_ago)
    return local.astimezone(timezone.utc)


# ---- the picture ---------------------------------------------------------------------

def test_a_worker_s_picture_is_built_from_the_events_once_each(service, store, publish,
                                                                rpc_as):
    me = registered(publish, worker(), unique_platform())
    visits = [china(23, days_ago=3), china(1, days_ago=2), china(22, days_ago=1),
              china(12, days_ago=1)]
    for visited_at in visits:
        publish("stations", "station_visited", {
            "worker_id": me.id, "station_id": "st-1", "station_name": "红驿",
            "visited_at": visited_at})
    publish("identity", "membership_approved", {
        "worker_id": me.id, "member_number": "HY-1", "district": DISTRICT,
        "occupation": "food_delivery", "approved_at": utcnow(), "approved_by": STAFF.id})
    applied = publish("jobs", "application_submitted", {
        "application_id": "a-1", "job_id": "j-1", "employer_id": "e-1", "worker_id": me.id,
        "at": utcnow()})
    publish("jobs", "application_submitted", None, envelope=applied)  # a redelivery
    publish("volunteering", "volunteer_hours_confirmed", {
        "worker_id": me.id, "activity_id": "act-1", "activity_title": "送清凉",
        "signup_id": "s-1", "shift_id": "sh-1", "hours": 2.5, "confirmed_by": STAFF.id,
        "confirmed_at": utcnow()})
    publish("learning", "quiz_passed", {"worker_id": me.id, "quiz_id": "q-1",
                                        "quiz_title": "第3期", "score": 90,
                                        "passed_at": utcnow()})
    # Each source's events come through a queue of their own: wait for every one of them.
    every_source = {"quiz_passes": 1, "station_visits": 4, "member": True,
                    "volunteer_hours": 2.5, "applications": 1, "district": DISTRICT}
    wait_for(lambda: every_source.items() <= (store.db.profiles.find_one({"_id": me.id})
                                              or {}).items(), what="the picture")

    mine = rpc_as(me).insight.get_my_insight()
    facts = {fact["fact"]: fact["value"] for fact in mine["facts"]}
    assert facts["station_visits"] == 4 and facts["night_station_visits"] == 3
    assert facts["applications"] == 1  # the redelivered event counted once
    assert facts["classes_attended"] == 0 and facts["last_class_attended_at"] is None
    assert mine["member"] is True and mine["district"] == DISTRICT
    assert mine["name"] is None  # a worker's own view: no need, staff's reasoned view only
    assert mine["visits_by_hour"] == {"23": 1, "01": 1, "22": 1, "12": 1}
    tags = {tag["tag"]: tag for tag in mine["tags"]}
    assert {"night_rider", "looking_for_work", "never_attended"} <= set(tags)
    assert "volunteer_core" not in tags  # 2.5 hours, not 20
    night = {c["fact"]: c["actual"] for c in tags["night_rider"]["conditions"]}
    assert night["night_station_visits"] == 3
    assert night["last_night_visit_at"] == visits[2].isoformat()
    kept = store.db.profiles.find_one({"_id": me.id})
    assert "phone_masked" not in kept and "138****1234" not in str(kept)


def test_the_default_rules_are_there_and_staff_edit_them_as_data(service, as_staff):
    listed = as_staff.list_tag_rules()
    assert [rule["tag"] for rule in listed["items"]] == [r["tag"] for r in DEFAULT_RULES]
    assert listed["facts"]["night_station_visits"] and listed["ops"]["within_days"]
    saved = as_staff.put_tag_rule("new_member", {
        "label": "新会员", "description": "",
        "conditions": [{"fact": "registered_at", "op": "within_days", "value": 30}]})
    assert saved["conditions"][0]["fact_label"] == "注册时间"
    as_staff.delete_tag_rule("new_member")
    with pytest.raises(NotFound):
        as_staff.delete_tag_rule("new_member")


# ---- segments and pushes -----------------------------------------------------------------

@pytest.fixture
def crowd(service, store, publish, rpc_as):
    """Four workers of one platform in DISTRICT (the last opted out) and one
    in another district."""
    platform = unique_platform()
    inside = [registered(publish, worker(), platform) for _ in range(4)]
    outside = registered(publish, worker(), platform, district=OTHER_DISTRICT)
    wait_profiles(store, [w.id for w in inside + [outside]])
    rpc_as(inside[-1]).insight.set_my_preferences({"personalised_pushes": False})
    return platform, inside, outside


def push_body(platform, **fields):
    body = {"filters": {"platform": platform, "district": DISTRICT}, "kind": "class",
            "target_id": "c-1", "title": "夜间骑手专场:电动车安全课", "body": "周六晚上七点",
            "link": "/classes/c-1"}
    body.update(fields)
    return body


def notified(store, caller):
    return store.db.notifications.count_documents({"worker_id": caller.id})


def test_a_push_reaches_the_segment_less_the_opted_out_once_even_repeated(
        crowd, as_staff, store):
    platform, inside, outside = crowd
    assert as_staff.preview_segment({"platform": platform, "district": DISTRICT}) == {"size": 4}
    made = as_staff.send_push(push_body(platform), idempotency_key="push-key-0001")
    assert made["status"] == "queued"
    sent = wait_for(lambda: as_staff.get_push(made["push_id"])["status"] == SENT
                    and as_staff.get_push(made["push_id"]), what="the push sent")
    assert (sent["audience"], sent["reach"], sent["reads"]) == (3, 3, 0)
    assert [notified(store, w) for w in inside] == [1, 1, 1, 0]
    assert notified(store, outside) == 0

    again = as_staff.send_push(push_body(platform), idempotency_key="push-key-0001")
    assert again["push_id"] == made["push_id"]
    with pytest.raises(Conflict) as reused:
        as_staff.send_push(push_body(platform, title="另一条"), idempotency_key="push-key-0001")
    assert reused.value.code == "IDEMPOTENCY_KEY_REUSED"
    fanout.send_due(store, 2, utcnow)  # a tick more sends nothing again
    assert store.db.pushes.count_documents({}) == 1
    assert [notified(store, w) for w in inside] == [1, 1, 1, 0]


class CrashingStore:
    """The store, dying in the middle of the ``crash_at``-th batch's insert
    (after the first of its notifications went in, before it was marked)."""

    def __init__(self, store, crash_at):
        self.store, self.crash_at, self.batches = store, crash_at, 0

    def __getattr__(self, name):
        return getattr(self.store, name)

    def deliver_batch(self, push, batch, now):
        self.batches += 1
        if self.batches == self.crash_at:
            self.store.deliver_batch(push, dict(batch, worker_ids=batch["worker_ids"][:1]), now)
            self.store.db.push_audience.update_one({"_id": batch["_id"]},
                                                   {"$set": {"sent": False}})
            raise ConnectionError("the process died")
        self.store.deliver_batch(push, batch, now)


def test_an_interrupted_fan_out_resumes_and_sends_each_once(run_service, publish, rpc_as):
    quiet = run_service(InsightService, **dict(CONFIG, INSIGHT_PUSH_SECONDS="3600"))
    store, platform = quiet.store, unique_platform()
    crowd = [registered(publish, worker(), platform) for _ in range(5)]
    wait_profiles(store, [w.id for w in crowd])
    staff = rpc_as(STAFF).insight
    made = staff.send_push(push_body(platform), idempotency_key="push-key-0002")
    with pytest.raises(ConnectionError):
        fanout.send_due(CrashingStore(store, crash_at=2), 2, utcnow)
    half = store.db.notifications.count_documents({"push_id": made["push_id"]})
    assert half == 3  # the first batch of two, and one of the second
    # The lease of the dead process runs out; another takes the push up.
    store.db.pushes.update_one({"_id": made["push_id"]}, {"$set": {"lease_until": None}})
    fanout.send_due(store, 2, utcnow)
    assert [notified(store, w) for w in crowd] == [1] * 5
    done = staff.get_push(made["push_id"])
    assert (done["status"], done["audience"], done["reach"]) == (SENT, 5, 5)


def test_a_stale_partial_audience_is_taken_again(run_service, publish, rpc_as):
    quiet = run_service(InsightService, **dict(CONFIG, INSIGHT_PUSH_SECONDS="3600"))
    store, platform = quiet.store, unique_platform()
    crowd = [registered(publish, worker(), platform) for _ in range(3)]
    wait_profiles(store, [w.id for w in crowd])
    made = rpc_as(STAFF).insight.send_push(push_body(platform), idempotency_key="push-key-0003")
    # A process died while writing the audience: a batch with somebody who
    # is not in the segment, the push still queued.
    store.db.push_audience.insert_one({"_id": made["push_id"] + ":000009",
                                       "push_id": made["push_id"], "worker_ids": ["stranger"],
                                       "sent": False})
    fanout.send_due(store, 2, utcnow)
    assert store.db.notifications.count_documents({"worker_id": "stranger"}) == 0
    assert [notified(store, w) for w in crowd] == [1, 1, 1]


def test_the_inbox_counts_unread_and_a_read_once(crowd, as_staff, rpc_as, store):
    platform, inside, _ = crowd
    made = as_staff.send_push(push_body(platform, kind="notice", target_id=None,
                                        link="https://www.hy.gov.cn/help"),
                              idempotency_key="push-key-0004")
    wait_for(lambda: as_staff.get_push(made["push_id"])["status"] == SENT, what="sent")
    mine = rpc_as(inside[0]).insight
    inbox = mine.list_my_notifications({})
    assert (inbox["total"], inbox["unread"]) == (1, 1)
    (item,) = inbox["items"]
    assert item["link"] == "https://www.hy.gov.cn/help" and item["read_at"] is None
    read = mine.read_notification(item["notification_id"])
    assert read["read_at"] is not None
    assert mine.read_notification(item["notification_id"])["read_at"] == read["read_at"]
    assert mine.list_my_notifications({})["unread"] == 0
    assert mine.list_my_notifications({"unread_only": "true"})["items"] == []
    with pytest.raises(NotFound):
        rpc_as(inside[1]).insight.read_notification(item["notification_id"])
    assert as_staff.get_push(made["push_id"])["reads"] == 1


def test_a_segment_names_only_tags_that_exist_and_keeps_them(crowd, as_staff, store):
    platform, _, _ = crowd
    with pytest.raises(NotFound) as unknown:
        as_staff.preview_segment({"tags": ["no_such_tag"]})
    assert unknown.value.code == "TAG_NOT_FOUND"
    saved = as_staff.save_segment({"name": "从未上课的" + platform,
                                   "filters": {"platform": platform, "tags": ["never_attended"]}})
    assert saved["size"] == 5
    assert as_staff.send_push(push_body(platform, filters=None, segment_id=saved["segment_id"]),
                              idempotency_key="push-key-0005")["filters"]["platform"] == platform
    with pytest.raises(Conflict) as in_use:
        as_staff.delete_tag_rule("never_attended")
    assert in_use.value.code == "TAG_IN_USE"
    with pytest.raises(Conflict):
        as_staff.save_segment({"name": saved["name"], "filters": {}})


# ---- staff's reasoned look ---------------------------------------------------------------

def test_staff_see_a_named_worker_only_with_a_reason_logged_first(service, store, publish,
                                                                   rpc_as, as_staff):
    me = registered(publish, worker(), unique_platform())
    wait_profiles(store, [me.id])
    with pytest.raises(InvalidInput):
        as_staff.get_worker_picture(me.id, {"reason": "看看"})
    with pytest.raises(Forbidden):
        rpc_as(worker()).insight.get_worker_picture(me.id, {"reason": "核实困难帮扶申请"})
    assert store.db.access_log.count_documents({}) == 0
    picture = as_staff.get_worker_picture(me.id, {"reason": "核实困难帮扶申请"})
    assert picture["name"] == "沈建明"
    (entry,) = store.db.access_log.find({"worker_id": me.id})
    assert (entry["staff_id"], entry["reason"]) == (STAFF.id, "核实困难帮扶申请")
    (looked,) = rpc_as(me).insight.get_my_insight()["looked_at"]
    assert (looked["staff_id"], looked["reason"]) == (STAFF.id, "核实困难帮扶申请")
    log = as_staff.list_access_log({"worker_id": me.id})
    assert log["total"] == 1 and log["items"][0]["reason"] == "核实困难帮扶申请"
    with pytest.raises(Forbidden):
        rpc_as(me).insight.list_access_log({})


# ---- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("conditions, field", [
    ([{"fact": "shoe_size", "op": "gte", "value": 1}], "fact"),
    ([{"fact": "station_visits", "op": "about", "value": 1}], "op"),
    ([{"fact": "station_visits", "op": "within_days", "value": 7}], "op"),
    ([{"fact": "last_application_at", "op": "within_days", "value": 0.5}], "value"),
    ([], None),
])
def test_bad_rules_are_refused_in_chinese_and_nothing_is_written(as_staff, store, conditions,
                                                                 field):
    before = store.db.tag_rules.count_documents({})
    with pytest.raises(InvalidInput) as refused:
        as_staff.put_tag_rule("bad_rule", {"label": "坏规则", "conditions": conditions})
    if field:
        message = str(refused.value.details["conditions"])
        assert field in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert store.db.tag_rules.count_documents({}) == before


@pytest.mark.parametrize("fields", [
    {"link": "http://example.com/x"}, {"link": "//evil.example.com"},
    {"link": "javascript:alert(1)"}, {"kind": "notice"}, {"target_id": None},
    {"segment_id": "s-1"}, {"filters": None}, {"kind": "poster"},
])
def test_bad_pushes_are_refused_and_nothing_is_written(as_staff, store, fields):
    with pytest.raises(InvalidInput):
        as_staff.send_push(push_body("平台", **fields), idempotency_key="push-key-0006")
    assert store.db.pushes.count_documents({}) == 0


def test_a_worker_may_not_call_staff_rpcs(service, rpc_as):
    mine = rpc_as(worker()).insight
    for call in (mine.get_overview, mine.list_tag_rules, mine.show_live_demand,
                 lambda: mine.preview_segment({})):
        with pytest.raises(Forbidden):
            call()


# ---- the live view ------------------------------------------------------------------------

@pytest.fixture
def class_seats(amqp_uri):
    """The class_seats deltas on insight.live, read by a queue of the test's own
    (declaring the exchange too, as insight does)."""
    with Connection(amqp_uri) as connection:
        queue = Queue("test-live-" + uuid.uuid4().hex[:8], exchange=LIVE_EXCHANGE,
                      routing_key="class_seats", exclusive=True,
                      auto_delete=True)(connection.channel())
        queue.declare()
        seen = []

        def read(class_id):
            while (message := queue.get(no_ack=True)) is not None:
                seen.append(json.loads(message.body))
            return [delta for delta in seen if delta["key"] == class_id]
        yield read


def class_published(class_id, seats):
    starts_at = utcnow() + timedelta(days=2)
    return dict(sample(EVENT_SCHEMAS[("courses", "class_published")]()), class_id=class_id,
                seats=seats, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))


def seats_left_shown(class_seats, class_id, seats_left):
    """Waits for the delta at the class's highest version to show ``seats_left``."""
    def shown():
        deltas = class_seats(class_id)
        return deltas and max(deltas, key=lambda d: d["version"])["value"]["seats_left"] \
            == seats_left and deltas
    return wait_for(shown, what="{} seats left on the live view".format(seats_left))


def test_a_burst_of_bookings_reaches_the_live_view_each_once(run_service, publish,
                                                             class_seats):
    """Each handler's commit starts a fold: the timer here waits an hour."""
    store = run_service(InsightService, **dict(CONFIG, LIVE_FOLD_SECONDS="3600")).store
    class_id = "live-" + uuid.uuid4().hex[:8]
    publish("courses", "class_published", class_published(class_id, 26))
    for n in range(20):
        publish("courses", "seat_booked", {"class_id": class_id, "worker_id": "w{}".format(n),
                                           "at": utcnow()})
    deltas = seats_left_shown(class_seats, class_id, 6)
    assert max(d["version"] for d in deltas) == 21  # published, then 20 bookings
    assert store.db[PENDING].count_documents({}) == 0


def test_events_a_stopped_fold_left_are_folded_by_the_timer(service, store, class_seats):
    """A process that committed its handler and stopped before its fold."""
    class_id = "live-" + uuid.uuid4().hex[:8]
    envelope = read_event(new_event("courses", "class_published",
                                    class_published(class_id, 30), now=utcnow()))
    store.in_transaction(lambda session: store.queue_live(
        "courses", "class_published", envelope["data"], envelope, None, session))
    seats_left_shown(class_seats, class_id, 30)


def test_a_quiz_pass_counts_under_the_district_insight_keeps(service, store, publish,
                                                             as_staff):
    me = registered(publish, worker(), unique_platform(), district=OTHER_DISTRICT)
    wait_profiles(store, [me.id])
    publish("learning", "quiz_passed", {"worker_id": me.id, "quiz_id": "q-1",
                                        "quiz_title": "第3期", "score": 90,
                                        "passed_at": utcnow()})
    wait_for(lambda: as_staff.show_live_demand()["panels"]["quiz_by_district"] == {
        OTHER_DISTRICT: {"value": 1, "version": 1}}, what="the pass under its district")
