"""courses' class rules (services/courses/rules.py): pure, no database."""
from datetime import datetime, timedelta, timezone

import pytest

from services.courses import rules
from shared.caller import Caller
from shared.errors import DomainError

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc)
STARTS = NOW + timedelta(days=1)
FIELDS = {"title": "职工茶艺公益培训班", "category": "tea_art", "venue": {"address": "嘉里红驿"},
          "starts_at": STARTS, "ends_at": STARTS + timedelta(hours=1, minutes=30),
          "booking_opens_at": NOW, "members_only": False, "seats": 12}
WORKER = Caller(id="w1", roles=("worker",), session_id="s1")
STAFF = Caller(id="st1", roles=("worker", "union_staff"), session_id="s2")


def a_class(**changes):
    return dict(rules.new_class(FIELDS, "st1", 30, NOW), **changes)


def code_of(check, *args):
    try:
        check(*args)
    except DomainError as refusal:
        return refusal.code
    return None


def test_a_new_class_is_a_draft_closing_at_its_start_with_a_waitlist_as_long_as_its_seats():
    cls = rules.new_class(dict(FIELDS), "st1", 30, NOW)
    assert (cls["status"], cls["created_by"], cls["created_at"], cls["updated_at"]) == (
        "draft", "st1", NOW, NOW)
    assert (cls["booking_closes_at"], cls["waitlist_limit"], cls["offer_minutes"]) == (
        STARTS, 12, 30)
    assert cls["published_at"] is None and cls["cover_url"] is None
    assert len(cls["_id"]) == 32 and rules.new_class(FIELDS, "st1", 30, NOW)["_id"] != cls["_id"]


def test_what_staff_say_wins_over_the_defaults_and_their_fields_are_left_alone():
    fields = dict(FIELDS, booking_closes_at=NOW + timedelta(hours=3), waitlist_limit=0,
                  offer_minutes=5, cover_url="https://example.org/tea.jpg")
    given = dict(fields)
    cls = rules.new_class(fields, "st1", 30, NOW)
    assert (cls["booking_closes_at"], cls["waitlist_limit"], cls["offer_minutes"],
            cls["cover_url"]) == (NOW + timedelta(hours=3), 0, 5, "https://example.org/tea.jpg")
    assert fields == given


@pytest.mark.parametrize("status, caller, code", [
    ("draft", WORKER, "CLASS_NOT_FOUND"),
    ("draft", STAFF, None),
    ("published", WORKER, None),
    ("cancelled", WORKER, None),
])
def test_only_staff_see_a_draft(status, caller, code):
    assert code_of(rules.check_visible, a_class(status=status), caller) == code


@pytest.mark.parametrize("status, code", [
    ("draft", None), ("published", "ALREADY_PUBLISHED"), ("cancelled", "ALREADY_PUBLISHED")])
def test_only_a_draft_is_published(status, code):
    assert code_of(rules.check_publishable, a_class(status=status)) == code


@pytest.mark.parametrize("status, now, code", [
    ("published", STARTS - timedelta(milliseconds=1), None),
    ("draft", NOW, None),
    ("published", STARTS, "CLASS_STARTED"),
    ("cancelled", NOW, "CLASS_CANCELLED"),
    ("cancelled", STARTS + timedelta(hours=1), "CLASS_CANCELLED"),
])
def test_staff_change_a_class_until_it_starts_and_never_once_cancelled(status, now, code):
    assert code_of(rules.check_changeable, a_class(status=status), now) == code


@pytest.mark.parametrize("now, code", [
    (STARTS - timedelta(milliseconds=1), None), (STARTS, "CLASS_STARTED")])
def test_a_seat_or_place_is_given_up_before_the_class_starts(now, code):
    assert code_of(rules.check_leavable, {"starts_at": STARTS}, now) == code


@pytest.mark.parametrize("status, now, running", [
    ("published", STARTS - timedelta(minutes=30), True),
    ("published", STARTS - timedelta(minutes=31), False),
    ("published", STARTS + timedelta(hours=1, minutes=30), True),
    ("published", STARTS + timedelta(hours=1, minutes=30, seconds=1), False),
    ("draft", STARTS, False),
    ("cancelled", STARTS, False),
])
def test_check_in_is_open_from_half_an_hour_before_the_start_to_the_end(status, now, running):
    cls = a_class(status=status)
    assert rules.running(cls, now) is running
    assert code_of(rules.check_running, cls, now) == (None if running else "CLASS_NOT_RUNNING")


@pytest.mark.parametrize("stored, given, code", [
    ("042137", "042137", None),
    ("042137", "042138", "WRONG_CHECKIN_CODE"),
    (None, "042137", "WRONG_CHECKIN_CODE"),
    ("", "", "WRONG_CHECKIN_CODE"),  # no code made yet: nothing matches
])
def test_the_check_in_code_must_be_the_one_staff_were_given(stored, given, code):
    assert code_of(rules.check_checkin_code, a_class(checkin_code=stored), given) == code


def test_attending_counts_the_class_length_and_an_offer_waits_its_minutes():
    assert rules.attended_hours(a_class()) == 1.5
    assert rules.offer_expires_at(a_class(offer_minutes=20), NOW) == NOW + timedelta(minutes=20)
