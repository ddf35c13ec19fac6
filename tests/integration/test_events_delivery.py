"""identity's events reach a subscriber exactly once in effect: the envelope,
the transactional outbox and its relay, duplicates, queues declared at start-up.

Real RabbitMQ (the run's vhost) and the embedded MongoDB; the subscriber is
tests/support/subscriber.py.
"""
import json
import uuid
from datetime import datetime, timedelta

import pytest

from shared.clock import utcnow
from shared.domain import mask_phone
from shared.events import new_event, read_event, schema_for
from shared.outbox import Outbox
from shared.topology import declare, queue_name, subscription_queue
from tests.support import broker
from tests.support.broker import wait_for
from tests.support.subscriber import SUBSCRIPTIONS

EVENT_TYPES = ("membership_approved", "profile_updated", "worker_registered")


def registration_fields(body):
    return {k: v for k, v in body.items() if k != "password"}


def outbox_entry_of(identity_db, event_type, worker_id):
    return identity_db.outbox.find_one({"type": event_type,
                                        "envelope.data.worker_id": worker_id})


def test_identity_events_are_cloudevents_whose_data_fits_the_shared_schema(
        subscriber, amqp_uri, rpc_as, staff_proxy, logged_in, audit):
    capture = broker.Capture(amqp_uri, "identity")
    try:
        profile, _, worker = logged_in()
        as_worker = rpc_as(worker)
        as_worker.identity.update_own_profile({"district": "秦山街道", "name": "赵凯"})
        application = as_worker.identity.apply_for_membership({"employer": "饿了么海盐站"})
        staff_proxy.identity.approve_membership(application["id"])
        events = wait_for(lambda: len(capture.drain()) >= 3 and capture.received,
                          what="identity's three events")
    finally:
        capture.close()

    assert sorted(event["type"] for event in events) == list(EVENT_TYPES)
    for event in events:
        assert {"id", "source", "type", "time", "specversion", "data"} <= set(event)
        assert event["source"] == "identity" and event["specversion"] == "1.0"
        uuid.UUID(event["id"])
        assert datetime.fromisoformat(event["time"]).utcoffset() == timedelta(0)
        assert schema_for("identity", event["type"]).validate(event["data"]) == {}
        assert read_event(event)["data"]["worker_id"] == worker.id
        # The phone travels masked, never in clear, in any field.
        assert profile["phone"] not in json.dumps(event, ensure_ascii=False)
        if "phone_masked" in event["data"]:
            assert event["data"]["phone_masked"] == mask_phone(profile["phone"])
    for event in events:
        wait_for(lambda: audit.applied(event["id"]), what="applied " + event["type"])
        assert audit.applied(event["id"]) == 1 and audit.count(event["type"], worker.id) == 1


def test_the_change_and_its_event_are_committed_together(
        identity_store, identity_db, make_registration, monkeypatch):
    body = make_registration()
    worker, events = identity_store.create_worker(registration_fields(body), "hash", utcnow())
    entry = identity_db.outbox.find_one({"_id": events[0]["id"]})
    assert entry["envelope"] == events[0] and entry["sent_at"] is None
    assert entry["envelope"]["data"]["worker_id"] == worker["_id"]

    # The event's write fails after it was made: the worker is not stored either.
    original_add = Outbox.add_all

    def add_then_fail(self, envelopes, session, *options):
        original_add(self, envelopes, session, *options)
        raise RuntimeError("outbox write failed")
    monkeypatch.setattr(Outbox, "add_all", add_then_fail)
    other = make_registration()
    with pytest.raises(RuntimeError):
        identity_store.create_worker(registration_fields(other), "hash", utcnow())
    assert identity_db.workers.count_documents({"phone": other["phone"]}) == 0
    assert identity_db.outbox.count_documents({}) == 1


def test_the_relay_publishes_after_commit_and_marks_the_entry_sent(
        subscriber, anonymous, make_registration, identity_db, audit):
    profile = anonymous.identity.register_worker(make_registration())
    entry = outbox_entry_of(identity_db, "worker_registered", profile["id"])
    wait_for(lambda: audit.applied(entry["_id"]), what="the event applied")
    sent = identity_db.outbox.find_one({"_id": entry["_id"]})
    assert sent["sent_at"] is not None
    # Published by the request itself: the timer never had to claim it.
    assert sent["publish_attempts"] == 0
    assert audit.count("worker_registered", profile["id"]) == 1


def test_an_event_committed_but_never_published_is_republished_by_the_timer(
        subscriber, identity_store, identity_db, make_registration, audit):
    # create_worker commits the worker and its event; nobody publishes it, as
    # if the process died right after the commit.
    worker, events = identity_store.create_worker(registration_fields(make_registration()),
                                                  "hash", utcnow())
    event_id = events[0]["id"]
    assert identity_db.outbox.find_one({"_id": event_id})["sent_at"] is None
    wait_for(lambda: audit.applied(event_id), what="the timer to republish")
    wait_for(lambda: identity_db.outbox.find_one({"_id": event_id})["sent_at"],
             what="the entry marked sent")
    assert identity_db.outbox.find_one({"_id": event_id})["publish_attempts"] == 1
    assert audit.applied(event_id) == 1
    assert audit.count("worker_registered", worker["_id"]) == 1


def test_an_event_delivered_again_is_applied_once(
        subscriber, anonymous, make_registration, identity_db, audit, amqp_uri):
    profile = anonymous.identity.register_worker(make_registration())
    envelope = outbox_entry_of(identity_db, "worker_registered", profile["id"])["envelope"]
    wait_for(lambda: audit.applied(envelope["id"]), what="the first delivery")
    # A repeat after the fact, and a never-seen event delivered five times at
    # once (concurrent workers race for the same id).
    broker.publish_raw(amqp_uri, "identity", "worker_registered", envelope)
    fresh = new_event("identity", "worker_registered", dict(
        envelope["data"], worker_id="w-" + uuid.uuid4().hex,
        registered_at=datetime.fromisoformat(envelope["data"]["registered_at"])), now=utcnow())
    for _ in range(5):
        broker.publish_raw(amqp_uri, "identity", "worker_registered", fresh)

    queue = queue_name(*SUBSCRIPTIONS[0])
    wait_for(lambda: audit.applied(fresh["id"]), what="the fresh event applied")
    wait_for(lambda: broker.queue_state(amqp_uri, queue)[0] == 0, what="queue drained")
    subscriber.stop()  # waits for running handlers; unacked messages would return
    assert broker.queue_state(amqp_uri, queue)[0] == 0
    for event in (envelope, fresh):
        assert audit.applied(event["id"]) == 1
        assert audit.processed(event["id"]) == 1
        assert audit.count("worker_registered", event["data"]["worker_id"]) == 1
    assert audit.dead_letters() == []


def test_events_published_while_the_subscriber_is_down_wait_in_its_declared_queue(
        identity_declaring, start_subscriber, anonymous, rpc_as, logged_in,
        identity_db, audit, amqp_uri):
    # identity declared the subscriber's queues when it started.
    for subscription in SUBSCRIPTIONS:
        assert broker.queue_state(amqp_uri, queue_name(*subscription)) == (0, 0)
    profile, _, worker = logged_in()
    rpc_as(worker).identity.update_own_profile({"district": "望海街道"})
    registered = queue_name(*SUBSCRIPTIONS[0])
    updated = queue_name(*SUBSCRIPTIONS[1])
    wait_for(lambda: broker.queue_state(amqp_uri, registered)[0] == 1
             and broker.queue_state(amqp_uri, updated)[0] == 1, what="events queued")

    start_subscriber()
    for event_type in ("worker_registered", "profile_updated"):
        event_id = outbox_entry_of(identity_db, event_type, profile["id"])["_id"]
        wait_for(lambda: audit.applied(event_id), what=event_type + " applied")
        assert audit.applied(event_id) == 1 and audit.count(event_type, worker.id) == 1


def test_without_a_declared_queue_an_event_published_first_is_lost(amqp_uri):
    """Why the queues are declared at start-up: RabbitMQ drops a message
    routed to no queue, and a queue declared later does not get it."""
    late = ("identity", "worker_registered", "latecomer_" + uuid.uuid4().hex[:6], "handle")
    assert not broker.queue_exists(amqp_uri, queue_name(*late))
    event = new_event("identity", "worker_registered", {
        "worker_id": "w1", "name": "赵凯锋", "phone_masked": "139****0000",
        "occupation": "courier", "platform": "顺丰", "district": "武原街道",
        "roles": ["worker"], "registered_at": datetime.now().astimezone()}, now=utcnow())
    broker.publish_raw(amqp_uri, "identity", "worker_registered", event)
    declare(amqp_uri, [subscription_queue(*late)])
    try:
        assert broker.queue_state(amqp_uri, queue_name(*late)) == (0, 0)
    finally:
        broker.delete_queue(amqp_uri, queue_name(*late))

