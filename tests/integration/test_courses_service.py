"""courses over real RabbitMQ and the embedded MongoDB: classes, booking,
the waitlist and its offers, idempotency keys, and a small rush."""
from datetime import datetime, timedelta, timezone

import eventlet
import pytest
from nameko.standalone.events import event_dispatcher

from services.courses import booking
from services.courses.service import CoursesService
from shared.clock import utcnow
from shared.errors import Conflict, Forbidden, InvalidInput
from shared.events import new_event
from tests.support import broker
from tests.support.callers import STAFF, worker
from tests.support.times import at

SERVICE = CoursesService
SERVICE_CONFIG = {"MAX_UPCOMING_BOOKINGS": 2, "OFFER_MINUTES": 30}


@pytest.fixture
def new_class(as_staff):
    def make(publish=True, **overrides):
        body = {"title": "职工茶艺公益培训班", "category": "tea_art", "teacher": "沈老师",
                "venue": {"address": "海盐县武原街道 嘉里红驿"},
                "starts_at": at(days=2), "ends_at": at(days=2, hours=2),
                "booking_opens_at": at(minutes=-1), "seats": 2}
        body.update(overrides)
        cls = as_staff.create_class(body)
        return as_staff.publish_class(cls["id"]) if publish else cls
    return make


def test_staff_create_a_draft_then_publish(as_staff, new_class, rpc_as):
    draft = new_class(publish=False, seats=26)
    assert (draft["status"], draft["seats_left"], draft["waitlist_limit"]) == ("draft", 26, 26)
    with pytest.raises(Forbidden):
        rpc_as(worker()).courses.create_class({})
    with pytest.raises(Conflict):  # a draft cannot be booked
        rpc_as(worker()).courses.book_seat(draft["id"])
    published = as_staff.publish_class(draft["id"])
    assert published["status"] == "published"
    listed = rpc_as(worker()).courses.list_classes({"category": "tea_art"})
    assert draft["id"] in [c["id"] for c in listed["items"]]


def test_class_times_must_be_in_order(as_staff, new_class):
    with pytest.raises(InvalidInput) as raised:
        new_class(ends_at=at(days=1), booking_opens_at=at(days=3))
    assert {"ends_at", "booking_opens_at"} <= set(raised.value.details)


def test_booking_window(new_class, rpc_as):
    me = rpc_as(worker()).courses
    early = new_class(booking_opens_at=at(hours=1))
    with pytest.raises(Conflict) as raised:
        me.book_seat(early["id"])
    assert raised.value.code == "BOOKING_NOT_OPEN"
    assert "booking_opens_at" in raised.value.details
    closed = new_class(booking_opens_at=at(hours=-2), booking_closes_at=at(hours=-1))
    with pytest.raises(Conflict) as raised:
        me.book_seat(closed["id"])
    assert raised.value.code == "BOOKING_CLOSED"


def test_seats_then_waitlist_then_full(new_class, rpc_as):
    cls = new_class(seats=2, waitlist_limit=1)
    callers = [rpc_as(worker()).courses for _ in range(4)]
    answers = [c.book_seat(cls["id"]) for c in callers[:3]]
    assert [a["status"] for a in answers] == ["booked", "booked", "waitlisted"]
    assert answers[2]["position"] == 1
    with pytest.raises(Conflict) as raised:
        callers[3].book_seat(cls["id"])
    assert raised.value.code == "CLASS_FULL"
    with pytest.raises(Conflict) as raised:
        callers[0].book_seat(cls["id"])
    assert raised.value.code == "ALREADY_BOOKED"
    seen = callers[2].get_class(cls["id"])
    assert (seen["seats_left"], seen["waitlist_length"]) == (0, 1)
    assert seen["my_booking"]["status"] == "waitlisted"


def test_same_idempotency_key_same_answer_one_seat(new_class, rpc_as, store):
    cls, other = new_class(seats=3), new_class(seats=3)
    me = rpc_as(worker()).courses
    first = me.book_seat(cls["id"], idempotency_key="tap-0001-abcd")
    again = me.book_seat(cls["id"], idempotency_key="tap-0001-abcd")
    assert first == again and first["status"] == "booked"
    assert store.seats_left(cls["id"]) == 2
    with pytest.raises(InvalidInput) as raised:
        me.book_seat(other["id"], idempotency_key="tap-0001-abcd")
    assert raised.value.code == "IDEMPOTENCY_KEY_REUSED"
    with pytest.raises(InvalidInput):
        me.book_seat(cls["id"], idempotency_key="bad key!")


def test_a_refused_key_took_nothing_and_is_answered_afresh(new_class, rpc_as, store):
    cls = new_class(seats=1, waitlist_limit=0)
    holder = rpc_as(worker()).courses
    holder.book_seat(cls["id"])
    refused = worker()
    me = rpc_as(refused).courses
    for _ in range(2):
        with pytest.raises(Conflict) as raised:
            me.book_seat(cls["id"], idempotency_key="full-tap-0001")
        assert raised.value.code == "CLASS_FULL"
    assert store.db.list_collection_names(filter={"name": "refusals"}) == []
    # The seat frees: the retry of the refused tap gets it, once.
    holder.cancel_booking(cls["id"])
    booked = me.book_seat(cls["id"], idempotency_key="full-tap-0001")
    assert booked["status"] == "booked"
    assert me.book_seat(cls["id"], idempotency_key="full-tap-0001") == booked
    assert store.db.seats.count_documents({"class_id": cls["id"], "holder": refused.id}) == 1


def test_a_freed_seat_is_offered_first_come_first_served(new_class, rpc_as, store):
    cls = new_class(seats=1, waitlist_limit=3)
    holder, first, second = (rpc_as(worker()).courses for _ in range(3))
    holder.book_seat(cls["id"])
    assert first.book_seat(cls["id"])["position"] == 1
    assert second.book_seat(cls["id"])["position"] == 2
    holder.cancel_booking(cls["id"])
    offer = first.get_class(cls["id"])["my_booking"]
    assert offer["status"] == "offered" and offer["offer_expires_at"]
    assert second.get_class(cls["id"])["my_booking"]["position"] == 1
    with pytest.raises(Conflict):
        second.confirm_offer(cls["id"])
    assert first.confirm_offer(cls["id"])["status"] == "booked"
    assert store.seats_left(cls["id"]) == 0


def test_an_unconfirmed_offer_passes_to_the_next(new_class, rpc_as, store):
    cls = new_class(seats=1, waitlist_limit=2)
    holder, first, second = (rpc_as(worker()).courses for _ in range(3))
    holder.book_seat(cls["id"])
    first.book_seat(cls["id"])
    second.book_seat(cls["id"])
    holder.cancel_booking(cls["id"])
    later = datetime.now(timezone.utc) + timedelta(minutes=31)
    events = store.expire_offers(later)
    assert [e["type"] for e in events] == ["seat_released", "waitlist_offered"]
    assert first.get_class(cls["id"])["my_booking"] is None
    assert second.get_class(cls["id"])["my_booking"]["status"] == "offered"
    with pytest.raises(Conflict):
        first.confirm_offer(cls["id"])


def test_added_seats_go_to_the_waitlist(new_class, as_staff, rpc_as):
    cls = new_class(seats=1, waitlist_limit=2)
    callers = [rpc_as(worker()).courses for _ in range(3)]
    for caller in callers:
        caller.book_seat(cls["id"])
    as_staff.update_class(cls["id"], {"seats": 2})
    assert callers[1].get_class(cls["id"])["my_booking"]["status"] == "offered"
    assert callers[2].get_class(cls["id"])["my_booking"]["position"] == 1
    with pytest.raises(Conflict) as raised:  # held seats cannot be removed
        as_staff.update_class(cls["id"], {"seats": 0 + 1, "waitlist_limit": 0})
    assert raised.value.code == "SEATS_IN_USE"


def test_members_only_uses_identitys_events(new_class, rpc_as, amqp_uri):
    cls = new_class(members_only=True)
    member = worker()
    with pytest.raises(Forbidden) as raised:
        rpc_as(member).courses.book_seat(cls["id"])
    assert raised.value.code == "MEMBERS_ONLY"
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    dispatch("identity", "membership_approved", new_event("identity", "membership_approved", {
        "worker_id": member.id, "member_number": "HY2026000001", "district": "武原街道",
        "occupation": "courier", "approved_at": datetime.now(timezone.utc),
        "approved_by": STAFF.id}, now=utcnow()))
    deadline = eventlet.Timeout(10)
    with deadline:
        while True:
            try:
                assert rpc_as(member).courses.book_seat(cls["id"])["status"] == "booked"
                break
            except Forbidden:
                eventlet.sleep(0.2)


def test_one_worker_cannot_hoard_seats(new_class, rpc_as):
    me = rpc_as(worker()).courses
    for _ in range(2):  # MAX_UPCOMING_BOOKINGS is 2 here
        me.book_seat(new_class()["id"])
    with pytest.raises(Conflict) as raised:
        me.book_seat(new_class()["id"])
    assert raised.value.code == "BOOKING_LIMIT_REACHED"


def test_a_small_rush_books_exactly_the_seats(new_class, rpc_as, store):
    cls = new_class(seats=5, waitlist_limit=5)
    callers = [rpc_as(worker()).courses for _ in range(40)]
    outcomes = []

    def tap(caller):
        try:
            outcomes.append(caller.book_seat(cls["id"])["status"])
        except Conflict as exc:
            outcomes.append(exc.code)
    pool = eventlet.GreenPool(40)
    for caller in callers:
        pool.spawn(tap, caller)
    pool.waitall()
    assert sorted(set(outcomes)) == ["CLASS_FULL", "booked", "waitlisted"]
    assert (outcomes.count("booked"), outcomes.count("waitlisted")) == (5, 5)
    holders = store.db.seats.distinct("holder", {"class_id": cls["id"], "state": "booked"})
    assert len(holders) == 5 and store.seats_left(cls["id"]) == 0


def test_cancelling_a_class_releases_everyone_and_names_them(new_class, as_staff, rpc_as,
                                                             store):
    cls = new_class(seats=1, waitlist_limit=1)
    booked, waiting = worker(), worker()
    rpc_as(booked).courses.book_seat(cls["id"])
    rpc_as(waiting).courses.book_seat(cls["id"])
    cancelled = as_staff.cancel_class(cls["id"])
    assert cancelled["status"] == "cancelled"
    assert store.db.seats.count_documents({"class_id": cls["id"], "holder": {"$ne": None}}) == 0
    assert store.db.places.count_documents({"class_id": cls["id"], "holder": {"$ne": None}}) == 0
    event = store.db.outbox.find_one({"type": "class_cancelled"})["envelope"]
    assert sorted(event["data"]["worker_ids"]) == sorted([booked.id, waiting.id])
    with pytest.raises(Conflict) as raised:
        rpc_as(worker()).courses.book_seat(cls["id"])
    assert raised.value.code == "CLASS_NOT_BOOKABLE"
    with pytest.raises(Conflict):
        as_staff.cancel_class(cls["id"])
    with pytest.raises(Conflict) as raised:
        as_staff.update_class(cls["id"], {"seats": 5})
    assert raised.value.code == "CLASS_CANCELLED"


def test_a_tap_that_read_the_class_before_it_was_cancelled_takes_nothing(
        new_class, as_staff, store):
    """The booking path reads the class, then takes a slot: a cancel landing
    in between must leave nothing to take (its slots are closed, not free)."""
    cls = new_class(seats=2, waitlist_limit=2)
    read_before_cancel = store.get_class(cls["id"])
    as_staff.cancel_class(cls["id"])
    with pytest.raises(Conflict):
        booking.take(store, read_before_cancel, worker().id, None, None, utcnow())
    assert store.db.seats.count_documents({"class_id": cls["id"], "holder": {"$ne": None}}) == 0
    assert store.db.places.count_documents({"class_id": cls["id"], "holder": {"$ne": None}}) == 0
    assert store.seats_left(cls["id"]) == 0


def test_attendance_with_the_check_in_code_counts_once(new_class, as_staff, rpc_as, store,
                                                       amqp_uri):
    capture = broker.Capture(amqp_uri, "courses")
    cls = new_class(starts_at=at(minutes=10), ends_at=at(hours=2, minutes=10), seats=2)
    me, other = worker(), worker()
    rpc_as(me).courses.book_seat(cls["id"])
    code = as_staff.get_checkin_code(cls["id"])["code"]
    assert as_staff.get_checkin_code(cls["id"])["code"] == code  # stable
    with pytest.raises(Forbidden) as raised:  # a code is proof of presence, like a key
        rpc_as(me).courses.record_attendance(cls["id"], {
            "code": "{:06d}".format((int(code) + 1) % 10 ** 6)})
    assert raised.value.code == "WRONG_CHECKIN_CODE"
    first = rpc_as(me).courses.record_attendance(cls["id"], {"code": code})
    again = rpc_as(me).courses.record_attendance(cls["id"], {"code": code})
    assert first == again
    seat = store.db.seats.find_one({"class_id": cls["id"], "holder": me.id})
    assert seat["attended_at"] is not None
    attended = broker.wait_for(lambda: [e for e in capture.drain()
                                        if e["type"] == "class_attended"], what="class_attended")
    capture.close()
    assert len(attended) == 1
    assert attended[0]["data"]["hours"] == 2.0 and attended[0]["data"]["category"] == "tea_art"
    with pytest.raises(Exception) as raised:  # no seat: nothing to attend
        rpc_as(other).courses.record_attendance(cls["id"], {"code": code})
    assert getattr(raised.value, "code", None) == "BOOKING_NOT_FOUND"


def test_no_check_in_code_before_the_class_runs(new_class, as_staff):
    cls = new_class()
    with pytest.raises(Conflict) as raised:
        as_staff.get_checkin_code(cls["id"])
    assert raised.value.code == "CLASS_NOT_RUNNING"


def test_twin_requests_with_one_key_get_the_same_answer(new_class, rpc_as, store):
    cls = new_class(seats=1, waitlist_limit=5)
    rpc_as(worker()).courses.book_seat(cls["id"])  # the seat is gone: places race
    me = worker()
    callers = [rpc_as(me).courses for _ in range(4)]
    answers = []
    pool = eventlet.GreenPool(4)
    for caller in callers:
        pool.spawn(lambda c: answers.append(c.book_seat(cls["id"],
                                                        idempotency_key="twin-key-0001")),
                   caller)
    pool.waitall()
    assert len(answers) == 4 and all(a == answers[0] for a in answers)
    assert answers[0]["status"] == "waitlisted"
    # And the key keeps answering the same afterwards (no refusal was remembered).
    assert callers[0].book_seat(cls["id"], idempotency_key="twin-key-0001") == answers[0]
    assert store.db.places.count_documents({"class_id": cls["id"], "holder": me.id}) == 1


def unsent(store):
    """Every event still waiting in an outbox: the seats', the places' or the
    outbox collection."""
    embedded = [event["type"] for name in ("seats", "places")
                for doc in store.db[name].find({"pending_events.0": {"$exists": True}})
                for event in doc["pending_events"]]
    return embedded + [entry["type"] for entry in store.db.outbox.find({"sent_at": None})]


def test_each_write_marks_its_events_sent_where_they_are_kept(new_class, as_staff, rpc_as,
                                                              store):
    """A booking's, a confirmation's and an attendance's events live in the
    seat or place, the others in the outbox collection: the request that
    wrote them marks them sent there at once, not the relay's timer later
    (it only looks at events older than STALE_AFTER)."""
    cls = new_class(seats=1, waitlist_limit=2, starts_at=at(minutes=10),
                    ends_at=at(hours=2))
    holder, first, second = (rpc_as(worker()).courses for _ in range(3))
    steps = [
        lambda: holder.book_seat(cls["id"]),                          # seat_booked: seat
        lambda: first.book_seat(cls["id"]),                           # waitlist_joined: place
        lambda: second.book_seat(cls["id"]),                          # and class_full: outbox
        lambda: second.cancel_booking(cls["id"]),                     # waitlist_left: place
        lambda: holder.cancel_booking(cls["id"]),                     # released, offered
        lambda: first.confirm_offer(cls["id"]),                       # seat_booked: seat
        lambda: first.record_attendance(                              # class_attended: seat
            cls["id"], {"code": as_staff.get_checkin_code(cls["id"])["code"]}),
        lambda: as_staff.update_class(cls["id"], {"title": "茶艺进阶"}),  # class_updated
    ]
    for step in steps:
        step()
        assert unsent(store) == []
