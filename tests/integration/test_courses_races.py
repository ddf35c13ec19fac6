"""courses under taps that land at the same instant, over real RabbitMQ and
the embedded MongoDB, with two courses containers taking the calls (as when
courses runs as two processes): the per-worker cap and the waitlist
positions told in the answers.

A race is not certain to happen in one try, so each test tries many times;
on the code before the fixes they failed within a few tries."""
from datetime import timedelta

import pytest

from services.courses.claims import CLAIM_LEASE
from services.courses.service import CoursesService
from shared.clock import utcnow
from shared.errors import Conflict
from tests.support.callers import worker
from tests.support.concurrency import run_together
from tests.support.times import at

SERVICE = CoursesService
CAP = 2
SERVICE_CONFIG = {"MAX_UPCOMING_BOOKINGS": CAP, "OFFER_MINUTES": 30}
ATTEMPTS = 12
WAITLIST_ATTEMPTS = 20


@pytest.fixture
def new_class(as_staff):
    def make(**overrides):
        body = dict({"title": "职工茶艺公益培训班", "category": "tea_art", "teacher": "沈老师",
                     "venue": {"address": "海盐县武原街道 嘉里红驿"},
                     "starts_at": at(days=2), "ends_at": at(days=2, hours=2),
                     "booking_opens_at": at(minutes=-1)}, **overrides)
        return as_staff.publish_class(as_staff.create_class(body)["id"])
    return make


@pytest.fixture
def second_process(service, run_service):
    """A second courses container on the same queue and database."""
    return run_service(SERVICE, **SERVICE_CONFIG)


def test_one_worker_tapping_several_classes_at_once_stays_within_the_cap(
        new_class, rpc_as, store, second_process):
    classes = [new_class(seats=ATTEMPTS) for _ in range(CAP + 1)]
    for _ in range(ATTEMPTS):
        me = worker()
        proxies = [rpc_as(me).courses for _ in classes]
        outcomes = run_together([lambda p=p, c=c: p.book_seat(c["id"])
                                 for p, c in zip(proxies, classes)])
        statuses = sorted(o if isinstance(o, str) else o["status"] for o in outcomes)
        assert statuses == ["BOOKING_LIMIT_REACHED"] + ["booked"] * CAP, statuses
        assert store.db.seats.count_documents({"holder": me.id}) == CAP


def test_workers_joining_the_waitlist_at_once_are_told_distinct_positions(
        new_class, rpc_as, store, second_process):
    together = 4
    cls = new_class(seats=1, waitlist_limit=WAITLIST_ATTEMPTS * together)
    rpc_as(worker()).courses.book_seat(cls["id"])  # the seat: the rest wait
    told = []
    for attempt in range(WAITLIST_ATTEMPTS):
        proxies = [rpc_as(worker()).courses for _ in range(together)]
        answers = run_together([lambda p=p: p.book_seat(cls["id"]) for p in proxies])
        positions = sorted(answer["position"] for answer in answers)
        first = attempt * together + 1
        assert positions == list(range(first, first + together)), positions
        told += [(answer["position"], proxy) for answer, proxy in zip(answers, proxies)]
    for position, proxy in told:  # what each was told is where they stand
        assert proxy.get_class(cls["id"])["my_booking"]["position"] == position


def test_every_seat_given_back_gives_back_its_claim(new_class, as_staff, rpc_as, store):
    """Leaving, a cancelled class and an expired offer each free a place
    under the cap: two taps at once on other classes then get one seat."""
    me = worker()
    booked = [new_class(seats=1) for _ in range(CAP)]
    for cls in booked:
        rpc_as(me).courses.book_seat(cls["id"])

    def two_taps_get_one_seat():
        classes = [new_class(seats=1), new_class(seats=1)]
        outcomes = run_together([lambda p=rpc_as(me).courses, c=c: p.book_seat(c["id"])
                                 for c in classes])
        assert sorted(o if isinstance(o, str) else o["status"] for o in outcomes) == [
            "BOOKING_LIMIT_REACHED", "booked"], outcomes
        return next(c for c, o in zip(classes, outcomes) if not isinstance(o, str))

    rpc_as(me).courses.cancel_booking(booked[0]["id"])
    got = two_taps_get_one_seat()
    as_staff.cancel_class(got["id"])
    got = two_taps_get_one_seat()
    # Offered from a waitlist, not confirmed in time.
    waited = new_class(seats=1, waitlist_limit=1)
    holder = rpc_as(worker()).courses
    holder.book_seat(waited["id"])
    rpc_as(me).courses.cancel_booking(got["id"])
    assert rpc_as(me).courses.book_seat(waited["id"])["status"] == "waitlisted"
    holder.cancel_booking(waited["id"])
    assert rpc_as(me).courses.get_class(waited["id"])["my_booking"]["status"] == "offered"
    store.expire_offers(utcnow() + timedelta(minutes=31))
    two_taps_get_one_seat()


def test_a_claim_a_dead_process_left_is_dropped_when_it_is_in_the_way(
        new_class, rpc_as, store):
    me = worker()
    held, left, in_flight, wanted = (new_class(seats=1) for _ in range(4))
    rpc_as(me).courses.book_seat(held["id"])
    # A tap claimed a seat in `left` and its process died before taking it.
    long_ago = utcnow() - CLAIM_LEASE - timedelta(seconds=1)
    assert store.claim_seat(me.id, store.get_class(left["id"]), [], CAP, long_ago)
    assert rpc_as(me).courses.book_seat(wanted["id"])["status"] == "booked"
    assert store.db.seats.count_documents({"holder": me.id}) == CAP
    # A claim just taken may be a tap still under way: it stands.
    rpc_as(me).courses.cancel_booking(wanted["id"])
    assert store.claim_seat(me.id, store.get_class(in_flight["id"]), [], CAP, utcnow())
    with pytest.raises(Conflict) as raised:
        rpc_as(me).courses.book_seat(wanted["id"])
    assert raised.value.code == "BOOKING_LIMIT_REACHED"
