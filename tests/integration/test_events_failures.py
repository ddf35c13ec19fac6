"""A failing handler is retried, then dead-lettered where it can be inspected
and replayed; a malformed message is dead-lettered at once. Nothing is dropped
and the consumer keeps consuming."""
import uuid
from datetime import datetime, timezone

import pytest

from shared.caller import WORKER, Caller
from shared.errors import Forbidden, Unauthenticated
from shared.clock import utcnow
from shared.events import new_event
from shared.inbox import RETRY_DELAYS_SECONDS
from tests.support import broker
from tests.support.broker import wait_for

ATTEMPTS = len(RETRY_DELAYS_SECONDS) + 1
# Long enough for every retry of one event (about sum(RETRY_DELAYS_SECONDS)).
DEAD_LETTER_TIMEOUT = sum(RETRY_DELAYS_SECONDS) + 20


def registered_event(worker_id=None):
    return new_event("identity", "worker_registered", {
        "worker_id": worker_id or "w-" + uuid.uuid4().hex, "name": "沈月华",
        "phone_masked": "138****1234", "occupation": "domestic", "platform": "",
        "district": "沈荡镇", "roles": ["worker"],
        "registered_at": datetime.now(timezone.utc)}, now=utcnow())


def register(anonymous, make_registration, identity_db):
    profile = anonymous.identity.register_worker(make_registration())
    entry = identity_db.outbox.find_one({"envelope.data.worker_id": profile["id"]})
    return profile["id"], entry["_id"]


def test_a_handler_that_fails_a_few_times_is_retried_and_applied_once(
        subscriber, anonymous, make_registration, identity_db, audit):
    audit.set_knob(fail_next=ATTEMPTS - 2)
    worker_id, event_id = register(anonymous, make_registration, identity_db)
    wait_for(lambda: audit.applied(event_id), timeout=DEAD_LETTER_TIMEOUT,
             what="applied after retries")
    assert audit.attempts(event_id) == ATTEMPTS - 1
    assert audit.applied(event_id) == 1 and audit.processed(event_id) == 1
    assert audit.count("worker_registered", worker_id) == 1
    assert audit.dead_letters() == []


def test_a_handler_that_keeps_failing_is_dead_lettered_then_replayed_once(
        subscriber, anonymous, staff_proxy, make_registration, identity_db, audit):
    audit.set_knob(fail_always=True)
    worker_id, event_id = register(anonymous, make_registration, identity_db)
    letters = wait_for(staff_proxy.audit_subscriber.list_dead_letters,
                       timeout=DEAD_LETTER_TIMEOUT, what="a dead letter")
    assert len(letters) == 1
    letter = letters[0]
    assert letter["handler"] == "handle_worker_registered"
    assert letter["attempts"] == ATTEMPTS == audit.attempts(event_id)
    assert "PlannedFailure" in letter["error"]
    assert letter["payload"]["id"] == event_id and letter["payload"]["type"] == "worker_registered"
    assert audit.applied(event_id) == 0 and audit.processed(event_id) == 0

    audit.set_knob()  # the bug is fixed
    assert staff_proxy.audit_subscriber.replay_dead_letters() == 1
    assert staff_proxy.audit_subscriber.list_dead_letters() == []
    assert staff_proxy.audit_subscriber.replay_dead_letters() == 0
    assert audit.applied(event_id) == 1 and audit.processed(event_id) == 1
    assert audit.count("worker_registered", worker_id) == 1


def test_a_replay_that_still_fails_keeps_the_dead_letter(
        subscriber, audit, amqp_uri, staff_proxy):
    audit.set_knob(fail_always=True)
    event = registered_event()
    broker.publish_raw(amqp_uri, "identity", "worker_registered", event)
    wait_for(audit.dead_letters, timeout=DEAD_LETTER_TIMEOUT, what="a dead letter")
    audit.set_knob(fail_next=ATTEMPTS)  # replay: every attempt fails again
    assert staff_proxy.audit_subscriber.replay_dead_letters() == 0
    assert [d["payload"]["id"] for d in staff_proxy.audit_subscriber.list_dead_letters()] \
        == [event["id"]]
    assert audit.applied(event["id"]) == 0


def test_malformed_events_are_dead_lettered_at_once_and_consuming_goes_on(
        subscriber, audit, amqp_uri, anonymous, staff_proxy, make_registration, identity_db):
    no_type = registered_event()
    del no_type["type"]
    bad_data = registered_event()
    del bad_data["data"]["worker_id"]
    bad_spec = dict(registered_event(), specversion="0.3")
    # Two different messages without an id: both must be kept.
    no_id_1 = {"source": "identity", "type": "worker_registered", "note": "one"}
    no_id_2 = {"source": "identity", "type": "worker_registered", "note": "two"}
    not_an_object = "not an envelope"
    malformed = [no_type, bad_data, bad_spec, no_id_1, no_id_2, not_an_object]
    for payload in malformed:
        broker.publish_raw(amqp_uri, "identity", "worker_registered", payload)

    letters = wait_for(lambda: len(audit.dead_letters()) >= len(malformed)
                       and audit.dead_letters(), what="every malformed message kept")
    assert len(letters) == len(malformed)
    assert sorted(map(repr, (d["payload"] for d in letters))) == sorted(map(repr, malformed))
    for letter in letters:
        assert letter["attempts"] == 0 and letter["error"].startswith("invalid event")
    listed = staff_proxy.audit_subscriber.list_dead_letters()
    assert len(listed) == len(malformed)
    # Replaying cannot fix them: they stay, once each.
    assert staff_proxy.audit_subscriber.replay_dead_letters() == 0
    assert len(audit.dead_letters()) == len(malformed)

    # The consumer is alive and well.
    worker_id, event_id = register(anonymous, make_registration, identity_db)
    wait_for(lambda: audit.applied(event_id), what="a good event after bad ones")
    assert audit.count("worker_registered", worker_id) == 1


def test_only_union_staff_may_list_or_replay_dead_letters(
        subscriber, audit, amqp_uri, anonymous, rpc_as, staff_proxy):
    audit.set_knob(fail_always=True)
    event = registered_event()
    broker.publish_raw(amqp_uri, "identity", "worker_registered", event)
    wait_for(audit.dead_letters, timeout=DEAD_LETTER_TIMEOUT, what="a dead letter")
    audit.set_knob()  # a replay would apply it now
    a_worker = rpc_as(Caller(id="w-" + uuid.uuid4().hex, roles=(WORKER,), session_id="s"))
    for proxy, refusal in ((anonymous, Unauthenticated), (a_worker, Forbidden)):
        for call in (proxy.audit_subscriber.list_dead_letters,
                     proxy.audit_subscriber.replay_dead_letters):
            with pytest.raises(refusal):
                call()
    assert audit.applied(event["id"]) == 0 and len(audit.dead_letters()) == 1
    assert staff_proxy.audit_subscriber.replay_dead_letters() == 1
    assert audit.applied(event["id"]) == 1
