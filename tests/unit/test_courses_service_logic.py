"""courses' entrypoint logic with its dependencies replaced (no broker, no DB)."""
from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
from nameko.testing.services import worker_factory

from services.courses import rules, service as courses_service
from services.courses.config import CoursesSettings
from shared.outbox import Events
from services.courses.service import CoursesService
from shared.caller import Caller
from shared.errors import Forbidden, InvalidInput, NotFound

WORKER = Caller(id="w1", roles=("worker",), session_id="s1")
STAFF = Caller(id="st1", roles=("worker", "union_staff"), session_id="s2")
SETTINGS = CoursesSettings(max_upcoming_bookings=3, offer_minutes=20)
NOW = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc)
FIELDS = {"title": "职工茶艺公益培训班", "category": "tea_art", "description": "",
          "teacher": "沈老师", "venue": {"address": "海盐县武原街道 嘉里红驿"},
          "starts_at": NOW + timedelta(days=2), "ends_at": NOW + timedelta(days=2, hours=2),
          "booking_opens_at": NOW - timedelta(hours=1), "members_only": False, "seats": 2}
REQUEST = dict(FIELDS, **{key: FIELDS[key].isoformat()
                          for key in ("starts_at", "ends_at", "booking_opens_at")})
SEAT = {"class_id": "c1", "state": "booked", "offer_expires_at": None, "since": NOW,
        "attended_at": NOW}


@pytest.fixture(autouse=True)
def clock():
    """The one clock reading of each entrypoint."""
    with mock.patch.object(courses_service, "utcnow", return_value=NOW):
        yield


def service(caller=WORKER):
    svc = worker_factory(CoursesService, caller=caller, settings=SETTINGS)
    svc.store.seats_left.return_value = 2
    svc.store.waitlist_length.return_value = 0
    return svc


def a_class(status="published"):
    return dict(rules.new_class(FIELDS, "st1", 30, NOW), _id="c1", status=status)


def stored_events(outbox="where they are kept"):
    return Events([{"id": "e1", "type": "something_happened"}], outbox)


@pytest.mark.parametrize("call, verb", [
    (lambda svc: svc.create_class(REQUEST), "create_class"),
    (lambda svc: svc.update_class("c1", {"seats": 5}), "update_class"),
    (lambda svc: svc.publish_class("c1"), "publish_class"),
    (lambda svc: svc.cancel_class("c1"), "cancel_class"),
    (lambda svc: svc.get_checkin_code("c1"), "checkin_code"),
])
def test_staff_only_entrypoints_refuse_a_worker(call, verb):
    svc = service(WORKER)
    with pytest.raises(Forbidden):
        call(svc)
    getattr(svc.store, verb).assert_not_called()
    svc.relay.publish.assert_not_called()


def test_a_new_class_is_a_draft_with_the_configured_offer_time_and_the_clock():
    svc = service(STAFF)
    svc.store.create_class.side_effect = lambda cls: cls
    view = svc.create_class(REQUEST)
    (stored,), _ = svc.store.create_class.call_args
    assert (stored["status"], stored["created_by"], stored["created_at"]) == (
        "draft", "st1", NOW)
    assert stored["offer_minutes"] == SETTINGS.offer_minutes == view["offer_minutes"]
    svc.relay.publish.assert_not_called()  # a draft is announced to nobody


def test_a_draft_class_does_not_exist_for_a_worker():
    svc = service(WORKER)
    svc.store.get_class.return_value = a_class("draft")
    with pytest.raises(NotFound):
        svc.get_class("c1")
    svc.store.holding.assert_not_called()


def test_staff_see_a_draft():
    svc = service(STAFF)
    svc.store.get_class.return_value = a_class("draft")
    svc.store.holding.return_value = (None, None)
    seen = svc.get_class("c1")
    assert (seen["id"], seen["status"], seen["my_booking"]) == ("c1", "draft", None)


def test_book_seat_passes_the_key_and_the_clock_and_publishes_what_was_taken():
    svc = service(WORKER)
    cls = a_class()
    svc.store.get_class.return_value = cls
    taken, full = stored_events("the seat"), stored_events("the outbox")
    svc.store.mark_class_full.return_value = full
    answer = {"class_id": "c1", "status": "booked", "position": None,
              "offer_expires_at": None, "at": NOW}
    checked_at = NOW + timedelta(milliseconds=40)
    with mock.patch.object(courses_service.booking, "book",
                           return_value=(answer, taken)) as book, \
            mock.patch.object(courses_service, "utcnow", side_effect=[NOW, checked_at]):
        result = svc.book_seat("c1", idempotency_key="tap-key-0001")
    book.assert_called_once_with(svc.store, SETTINGS, cls, "w1", "tap-key-0001", NOW)
    # class_full is dated when fullness is checked, after the take.
    svc.store.mark_class_full.assert_called_once_with(cls, checked_at)
    assert svc.relay.publish.call_args_list == [mock.call(taken), mock.call(full)]
    assert [call.args[0].outbox for call in svc.relay.publish.call_args_list] == [
        "the seat", "the outbox"]
    assert (result["status"], result["at"]) == ("booked", NOW.isoformat())


def test_a_tap_that_took_nothing_publishes_nothing():
    svc = service(WORKER)
    svc.store.get_class.return_value = a_class()
    replayed = {"class_id": "c1", "status": "waitlisted", "position": 3,
                "offer_expires_at": None, "at": NOW}
    with mock.patch.object(courses_service.booking, "book", return_value=(replayed, Events())):
        assert svc.book_seat("c1", idempotency_key="tap-key-0001")["position"] == 3
    svc.store.mark_class_full.assert_not_called()
    svc.relay.publish.assert_not_called()


def test_a_malformed_idempotency_key_is_refused_before_the_class_is_read():
    svc = service(WORKER)
    with mock.patch.object(courses_service.booking, "book") as book:
        with pytest.raises(InvalidInput):
            svc.book_seat("c1", idempotency_key="bad key!")
    book.assert_not_called()
    svc.store.get_class.assert_not_called()


@pytest.mark.parametrize("caller, call, verb, returns, expected_args", [
    (STAFF, lambda svc: svc.update_class("c1", {"seats": 5}), "update_class",
     "class", ("c1", {"seats": 5}, NOW)),
    (STAFF, lambda svc: svc.publish_class("c1"), "publish_class", "class", ("c1", NOW)),
    (STAFF, lambda svc: svc.cancel_class("c1"), "cancel_class", "class", ("c1", NOW)),
    (WORKER, lambda svc: svc.confirm_offer("c1"), "confirm_offer", "seat", ("c1", "w1", NOW)),
    (WORKER, lambda svc: svc.record_attendance("c1", {"code": "123456"}), "attend", "seat",
     ("c1", "w1", "123456", NOW)),
    (WORKER, lambda svc: svc.cancel_booking("c1"), "leave", None, ("c1", "w1", NOW)),
    (None, lambda svc: svc.pass_on_expired_offers(), "expire_offers", None, (NOW,)),
])
def test_every_write_gets_the_clock_and_its_events_go_out_from_their_outbox(
        caller, call, verb, returns, expected_args):
    svc = service(caller or Caller())
    events = stored_events()
    document = {"class": a_class(), "seat": SEAT}.get(returns)
    getattr(svc.store, verb).return_value = (document, events) if returns else events
    call(svc)
    getattr(svc.store, verb).assert_called_once_with(*expected_args)
    svc.relay.publish.assert_called_once_with(events)
    assert svc.relay.publish.call_args.args[0].outbox == "where they are kept"


def test_the_class_list_reads_upcoming_from_the_entrypoints_clock():
    svc = service(WORKER)
    svc.store.list_classes.return_value = ([a_class()], 1)
    page = svc.list_classes({"upcoming": "true"})
    (query, now), _ = svc.store.list_classes.call_args
    assert (query["upcoming"], now) == (True, NOW)
    assert [item["id"] for item in page["items"]] == ["c1"] and page["total"] == 1
