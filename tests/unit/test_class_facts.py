"""The gateway's class facts: which taps it may refuse without asking courses."""
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from gateway.admission import Admission
from gateway.app import create_app
from gateway.class_facts import BookingShortcut, ClassFacts
from shared.errors import Conflict
from tests.conftest import TEST_JWT_SECRET

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def at(seconds):
    return (NOW + timedelta(seconds=seconds)).isoformat()


def event(kind, **data):
    return {"type": kind, "data": dict(class_id="c1", **data)}


def published(opens_at):
    return event("class_published", booking_opens_at=opens_at.isoformat())


def full(seconds, seats=(), waiting=()):
    return event("class_full", seats=len(seats), waitlist_limit=len(waiting), at=at(seconds),
                 seat_holders=list(seats), waitlist_holders=list(waiting))


def open_class(*events):
    facts = ClassFacts()
    facts.apply(published(NOW - timedelta(minutes=1)))
    for one in events:
        facts.apply(one)
    return facts


def code_of(facts, worker, key=None):
    refusal = facts.shortcut("c1", worker, key, now=NOW)
    return refusal.code if refusal else None


def test_unknown_classes_go_to_the_service():
    assert ClassFacts().shortcut("c1", "w1", None, now=NOW) is None


def test_not_open_is_refused_until_the_opening_time():
    facts = ClassFacts()
    facts.apply(published(NOW + timedelta(minutes=5)))
    refusal = facts.shortcut("c1", "w1", "key-00000001", now=NOW)
    assert refusal.code == "BOOKING_NOT_OPEN"
    assert refusal.details["booking_opens_at"].startswith("2026-11-28T20:05")  # +08:00
    assert facts.shortcut("c1", "w1", None, now=NOW + timedelta(minutes=5)) is None


def test_an_open_class_not_known_full_goes_to_the_service():
    facts = open_class(event("seat_booked", worker_id="holder", at=at(1)))
    assert code_of(facts, "stranger") is None and code_of(facts, "holder") is None


def test_when_full_strangers_are_refused_and_holders_told_what_they_hold():
    facts = open_class(full(2, seats=["booked"], waiting=["waiting"]))
    assert code_of(facts, "stranger") == "CLASS_FULL"
    assert code_of(facts, "stranger", "key-00000001") == "CLASS_FULL"  # it keeps nothing
    assert code_of(facts, "booked") == "ALREADY_BOOKED"
    assert code_of(facts, "waiting") == "ALREADY_WAITLISTED"
    # A holder's keyed retry replays what the key took: the service knows.
    assert code_of(facts, "booked", "key-00000001") is None
    assert code_of(facts, "waiting", "key-00000002") is None


def answer(status, seconds):
    return {"class_id": "c1", "status": status, "position": 1 if status == "waitlisted"
            else None, "offer_expires_at": None, "at": at(seconds)}


def test_a_key_this_process_saw_take_a_seat_is_replayed_while_it_holds():
    facts = open_class()
    booked, waiting = answer("booked", 1), answer("waitlisted", 2)
    facts.learn("c1", "w1", "key-seat-0001", result=booked)
    facts.learn("c1", "w2", "key-place-001", result=waiting)
    facts.learn("c1", "w3", None, result=booked)  # no key: nothing to replay
    facts.apply(full(3, seats=["w1", "w3"], waiting=["w2"]))
    assert facts.shortcut("c1", "w1", "key-seat-0001", now=NOW) == booked
    assert facts.shortcut("c1", "w2", "key-place-001", now=NOW) == waiting
    assert facts.shortcut("c1", "w1", "another-key-1", now=NOW) is None  # the service's
    assert facts.shortcut("c1", "w3", "key-seat-0001", now=NOW) is None
    # Someone left the line (positions move), then it filled again: the
    # place's answer is the service's to recount; the seat's still stands.
    facts.apply(event("waitlist_left", worker_id="w9", at=at(4)))
    facts.apply(full(5, seats=["w1", "w3"], waiting=["w2", "w4"]))
    assert facts.shortcut("c1", "w2", "key-place-001", now=NOW) is None
    assert facts.shortcut("c1", "w1", "key-seat-0001", now=NOW) == booked
    # Released: no longer replayed (nor is the class full).
    facts.apply(event("seat_released", worker_id="w1", at=at(6)))
    facts.apply(full(7, seats=["w3", "w5"], waiting=["w2", "w4"]))
    assert code_of(facts, "w1", "key-seat-0001") == "CLASS_FULL"


def test_a_holder_whose_own_event_is_late_is_known_from_class_full():
    facts = open_class(full(5, seats=["late"]))
    facts.apply(event("seat_booked", worker_id="late", at=at(1)))  # published after a crash
    facts.apply(event("waitlist_joined", worker_id="late", at=at(0)))
    assert code_of(facts, "late") == "ALREADY_BOOKED"


def test_events_about_a_worker_apply_in_the_order_they_happened():
    facts = open_class(event("seat_released", worker_id="w1", at=at(3)),
                       event("seat_booked", worker_id="w1", at=at(1)),  # arrives late
                       full(2, seats=["w1"]))                           # also older
    assert code_of(facts, "w1") is None  # free since the release: not full any more
    facts.apply(full(4, seats=["w2"]))
    assert code_of(facts, "w1") == "CLASS_FULL"


@pytest.mark.parametrize("freeing", ["seat_released", "waitlist_offered", "waitlist_left",
                                     "class_updated"])
def test_a_freed_seat_or_place_clears_full(freeing):
    facts = open_class(full(1, seats=["holder"]))
    facts.apply(event(freeing, worker_id="holder", at=at(2),
                      booking_opens_at=(NOW - timedelta(minutes=1)).isoformat()))
    assert code_of(facts, "stranger") is None


def test_a_full_older_than_the_last_release_is_not_believed():
    facts = open_class(event("seat_released", worker_id="w1", at=at(2)), full(2, seats=["w2"]))
    assert code_of(facts, "stranger") is None
    facts.apply(full(3, seats=["w2", "w3"]))
    assert code_of(facts, "stranger") == "CLASS_FULL"


def test_a_full_class_forgets_holders_it_does_not_list():
    facts = open_class(event("seat_booked", worker_id="gone", at=at(1)), full(2, seats=["w2"]))
    assert code_of(facts, "gone") == "CLASS_FULL"


def test_cancelled_classes_are_forgotten_and_so_is_everything_after_a_disconnect():
    facts = ClassFacts()
    facts.apply(published(NOW + timedelta(hours=1)))
    facts.apply(event("class_cancelled", worker_ids=[]))
    assert facts.shortcut("c1", "w1", None, now=NOW) is None
    facts.apply(published(NOW + timedelta(hours=1)))
    facts.forget_all()
    assert facts.shortcut("c1", "w1", None, now=NOW) is None


class CountingPool:
    def __init__(self):
        self.calls = 0

    def call(self, service, method, context, kwargs=None, changes=False):
        self.calls += 1
        raise Conflict("CLASS_FULL", "名额已满")


def token_for(worker_id):
    now = datetime.now(timezone.utc)
    return jwt.encode({"sub": worker_id, "roles": ["worker"], "sid": "s",
                       "iss": "hongyi-identity", "iat": now, "exp": now + timedelta(minutes=5)},
                      TEST_JWT_SECRET, algorithm="HS256")


def test_the_gateway_answers_a_known_refusal_without_an_rpc(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", TEST_JWT_SECRET)
    facts, pool = ClassFacts(), CountingPool()
    app = create_app(pool=pool, shortcuts={("courses", "book_seat"): BookingShortcut(facts, Admission(4))})
    client = app.test_client()
    headers = {"Authorization": "Bearer " + token_for("w1")}
    keyed = dict(headers, **{"Idempotency-Key": "key-00000001"})
    path = "/api/v1/classes/c1/bookings"
    first = client.post(path, headers=headers)
    # A CLASS_FULL answer is not enough to refuse others: it lists no holders.
    assert (first.status_code, first.json["error"], pool.calls) == (409, "CLASS_FULL", 1)
    assert client.post(path, headers=keyed).status_code == 409 and pool.calls == 2
    facts.apply(event("class_full", seats=1, waitlist_limit=0, at=datetime.now(timezone.utc)
                      .isoformat(), seat_holders=["w2"], waitlist_holders=[]))
    for sent in (headers, keyed):
        again = client.post(path, headers=sent)
        assert (again.status_code, again.json["error"], pool.calls) == (409, "CLASS_FULL", 2)
    # A malformed key is still refused as such: the gateway checks it first.
    bad = client.post(path, headers=dict(headers, **{"Idempotency-Key": "bad key"}))
    assert (bad.status_code, bad.json["error"], pool.calls) == (422, "VALIDATION_FAILED", 2)


def test_a_verified_token_is_refused_once_it_expires(monkeypatch):
    from gateway import auth
    token = token_for("w-expiring")
    claims = auth.claims_of(token, TEST_JWT_SECRET)
    assert claims["sub"] == "w-expiring"
    monkeypatch.setattr(auth.time, "time", lambda: claims["exp"])
    with pytest.raises(jwt.ExpiredSignatureError):
        auth.claims_of(token, TEST_JWT_SECRET)
    with pytest.raises(jwt.InvalidSignatureError):  # another secret: checked afresh
        auth.claims_of(token, "y" * 48)
