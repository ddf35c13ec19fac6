"""The gateway's class facts: which taps it may refuse without asking courses."""
import time
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from gateway.app import create_app
from gateway.class_facts import BookingShortcut, ClassFacts
from shared.errors import Conflict
from tests.conftest import TEST_JWT_SECRET

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def event(kind, **data):
    return {"type": kind, "data": dict(class_id="c1", **data)}


def published(opens_at):
    return event("class_published", booking_opens_at=opens_at.isoformat())


def code_of(refusal):
    return refusal.code if refusal else None


def test_unknown_classes_go_to_the_service():
    assert ClassFacts().refusal("c1", "w1", now=NOW) is None


def test_not_open_is_refused_until_the_opening_time():
    facts = ClassFacts()
    facts.apply(published(NOW + timedelta(minutes=5)))
    refusal = facts.refusal("c1", "w1", now=NOW)
    assert code_of(refusal) == "BOOKING_NOT_OPEN"
    assert refusal.details["booking_opens_at"].startswith("2026-11-28T20:05")  # +08:00
    assert facts.refusal("c1", "w1", now=NOW + timedelta(minutes=5)) is None


def test_full_is_refused_to_strangers_only():
    facts = ClassFacts()
    facts.apply(published(NOW - timedelta(minutes=1)))
    facts.apply(event("seat_booked", worker_id="holder"))
    facts.apply(event("class_full", seats=1, waitlist_limit=0))
    assert code_of(facts.refusal("c1", "stranger", now=NOW)) == "CLASS_FULL"
    # The holder's repeat (a key's replay, or "already booked") is the service's.
    assert facts.refusal("c1", "holder", now=NOW) is None


@pytest.mark.parametrize("freeing", ["seat_released", "waitlist_offered", "class_updated"])
def test_a_freed_seat_or_place_clears_full(freeing):
    facts = ClassFacts()
    facts.apply(published(NOW - timedelta(minutes=1)))
    facts.apply(event("class_full", seats=1, waitlist_limit=0))
    facts.apply(event(freeing, worker_id="holder",
                      booking_opens_at=(NOW - timedelta(minutes=1)).isoformat()))
    assert facts.refusal("c1", "stranger", now=NOW) is None


def test_a_full_answer_older_than_the_last_release_is_not_believed():
    facts = ClassFacts()
    sent_before = time.monotonic()
    facts.apply(event("seat_released", worker_id="holder"))
    facts.learn("c1", "w1", sent_before, error=Conflict("CLASS_FULL", "满"))
    assert facts.refusal("c1", "w2", now=NOW) is None
    facts.learn("c1", "w1", time.monotonic(), error=Conflict("CLASS_FULL", "满"))
    assert code_of(facts.refusal("c1", "w2", now=NOW)) == "CLASS_FULL"


def test_cancelled_classes_are_forgotten_and_so_is_everything_after_a_disconnect():
    facts = ClassFacts()
    facts.apply(published(NOW + timedelta(hours=1)))
    facts.apply(event("class_cancelled", worker_ids=[]))
    assert facts.refusal("c1", "w1", now=NOW) is None
    facts.apply(published(NOW + timedelta(hours=1)))
    facts.forget_all()
    assert facts.refusal("c1", "w1", now=NOW) is None


class CountingPool:
    def __init__(self):
        self.calls = 0

    def call(self, service, method, context, **kwargs):
        self.calls += 1
        raise Conflict("CLASS_FULL", "名额已满")


def test_the_gateway_answers_a_known_refusal_without_an_rpc(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", TEST_JWT_SECRET)
    facts, pool = ClassFacts(), CountingPool()
    app = create_app(pool=pool, shortcuts={("courses", "book_seat"): BookingShortcut(facts)})
    token = jwt.encode({"sub": "w1", "roles": ["worker"], "sid": "s", "iss": "hongyi-identity",
                        "iat": datetime.now(timezone.utc),
                        "exp": datetime.now(timezone.utc) + timedelta(minutes=5)},
                       TEST_JWT_SECRET, algorithm="HS256")
    client = app.test_client()
    headers = {"Authorization": "Bearer " + token}
    first = client.post("/api/v1/classes/c1/bookings", headers=headers)
    assert (first.status_code, first.json["error"], pool.calls) == (409, "CLASS_FULL", 1)
    again = client.post("/api/v1/classes/c1/bookings", headers=headers)
    assert (again.status_code, again.json["error"], pool.calls) == (409, "CLASS_FULL", 1)
    keyed = client.post("/api/v1/classes/c1/bookings",
                        headers=dict(headers, **{"Idempotency-Key": "key-00000001"}))
    assert (keyed.status_code, keyed.json["error"], pool.calls) == (409, "CLASS_FULL", 1)
    # A malformed key is still refused as such: the gateway checks it first.
    bad = client.post("/api/v1/classes/c1/bookings",
                      headers=dict(headers, **{"Idempotency-Key": "bad key"}))
    assert (bad.status_code, pool.calls) == (422, 1), bad.json
