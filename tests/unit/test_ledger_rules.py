"""The ledger's pure logic: earning rules (first pass only, per hour, daily
caps in China time, expiry), lots used and expired oldest first, periods,
ranking, and the request schemas. No broker, no database."""
from datetime import datetime, timedelta, timezone

import pytest
from marshmallow import ValidationError

from services.ledger import lots, reports, rules, schemas
from services.ledger.periods import period_start
from shared.domain import CHINA_TZ

NOON_UTC = datetime(2026, 3, 4, 4, 0, tzinfo=timezone.utc)  # 12:00 in Haiyan
QUIZ = {"code": "quiz_passed", "label": "红色知识答题", "points": 10, "unit": "event",
        "first_only": True, "daily_cap": None, "expire_days": None, "enabled": True}
VOLUNTEER = {"code": "volunteer_hours_confirmed", "label": "志愿服务", "points": 10,
             "unit": "hour", "first_only": False, "daily_cap": None, "expire_days": None}
STATION = {"code": "station_visited", "label": "驿站打卡", "points": 2, "unit": "event",
           "first_only": False, "daily_cap": 6, "expire_days": 365}


def quiz(quiz_id="q3", at=NOON_UTC):
    return {"worker_id": "w1", "quiz_id": quiz_id, "quiz_title": "第3期", "score": 90,
            "passed_at": at}


def hours(value):
    return {"worker_id": "w1", "activity_id": "a1", "activity_title": "文明交通劝导",
            "hours": value, "confirmed_by": "s1", "confirmed_at": NOON_UTC}


def visit(at=NOON_UTC):
    return {"worker_id": "w1", "station_id": "st1", "station_name": "武原城市红色驿站",
            "visited_at": at}


def test_a_first_quiz_pass_earns_and_says_so():
    award = rules.decide("quiz_passed", QUIZ, quiz(), rules.Facts())
    assert (award.points, award.reason) == (10, "红色知识答题 第3期 首次通过")
    assert award.subject == "q3" and award.expires_at is None


def test_a_second_pass_of_the_same_quiz_earns_nothing():
    assert rules.decide("quiz_passed", QUIZ, quiz(), rules.Facts(done_before=True)) is None
    again = dict(QUIZ, first_only=False)
    assert rules.decide("quiz_passed", again, quiz(), rules.Facts(done_before=True)).points == 10


@pytest.mark.parametrize("served,points,shown", [(2.5, 25, "2.5"), (2.33, 23, "2.33"),
                                                 (3.0, 30, "3"), (0.05, 0, None)])
def test_volunteer_points_are_per_hour_rounded_down(served, points, shown):
    award = rules.decide("volunteer_hours_confirmed", VOLUNTEER, hours(served), rules.Facts())
    if points == 0:
        assert award is None
    else:
        assert award.points == points
        assert award.reason == "志愿服务 {} 小时(文明交通劝导)".format(shown)


def test_the_daily_cap_cuts_then_stops_and_the_line_says_why():
    cut = rules.decide("station_visited", STATION, visit(), rules.Facts(earned_today=5))
    assert cut.points == 1 and cut.reason.endswith("(已达每日上限)")
    assert rules.decide("station_visited", STATION, visit(), rules.Facts(earned_today=6)) is None
    full = rules.decide("station_visited", STATION, visit(), rules.Facts(earned_today=4))
    assert full.points == 2 and "上限" not in full.reason


def test_the_day_of_a_cap_is_the_china_day():
    late_utc = datetime(2026, 3, 4, 17, 30, tzinfo=timezone.utc)  # 01:30 on the 5th in Haiyan
    assert rules.decide("station_visited", STATION, visit(late_utc), rules.Facts()).day == \
        "2026-03-05"
    assert rules.decide("station_visited", STATION, visit(NOON_UTC), rules.Facts()).day == \
        "2026-03-04"


def test_points_can_expire_a_number_of_days_after_they_were_earned():
    award = rules.decide("station_visited", STATION, visit(), rules.Facts())
    assert award.expires_at == NOON_UTC + timedelta(days=365)


def test_no_rule_or_a_disabled_rule_earns_nothing():
    assert rules.decide("quiz_passed", None, quiz(), rules.Facts()) is None
    assert rules.decide("quiz_passed", dict(QUIZ, enabled=False), quiz(), rules.Facts()) is None


def test_a_class_line_uses_its_title_or_its_category():
    rule = dict(QUIZ, code="class_attended", label="盐工学堂", first_only=True)
    data = {"worker_id": "w1", "class_id": "c1", "category": "tea_art", "hours": 2.0,
            "attended_at": NOON_UTC}
    assert rules.decide("class_attended", rule, dict(data, title="职工茶艺公益培训班"),
                        rules.Facts()).reason == "盐工学堂「职工茶艺公益培训班」签到"
    assert rules.decide("class_attended", rule, data, rules.Facts()).reason == \
        "盐工学堂「茶艺课」签到"


# ---- lots ----------------------------------------------------------------

def lot(lot_id, remaining, day, seq, expires=None):
    earned = NOON_UTC + timedelta(days=day)
    return {"_id": lot_id, "remaining": remaining, "earned_at": earned, "seq": seq,
            "expires_at": earned + timedelta(days=expires) if expires else None}


def test_a_debit_takes_the_oldest_points_first():
    open_lots = [lot("new", 5, 2, 3), lot("old", 3, 0, 1), lot("mid", 4, 1, 2)]
    assert lots.take(open_lots, 5) == [("old", 3), ("mid", 2)]
    assert lots.take(open_lots, 6, first="new") == [("new", 5), ("old", 1)]
    with pytest.raises(lots.NotEnoughPoints):
        lots.take(open_lots, 13)


def test_only_points_past_their_date_are_due_to_expire():
    open_lots = [lot("a", 3, 0, 1, expires=10), lot("b", 0, 0, 2, expires=1),
                 lot("c", 4, 0, 3), lot("d", 2, 5, 4, expires=10)]
    due = lots.due_to_expire(open_lots, NOON_UTC + timedelta(days=10))
    assert [item["_id"] for item in due] == ["a"]


# ---- periods, ranking, CSV ----------------------------------------------

def test_periods_start_at_midnight_in_china():
    sunday_night_utc = datetime(2026, 3, 1, 20, 0, tzinfo=timezone.utc)  # Mon 04:00 in China
    week = period_start("week", sunday_night_utc)
    assert week == datetime(2026, 3, 2, tzinfo=CHINA_TZ)
    assert period_start("day", sunday_night_utc) == week
    assert period_start("month", sunday_night_utc) == datetime(2026, 3, 1, tzinfo=CHINA_TZ)
    assert period_start("year", sunday_night_utc) == datetime(2026, 1, 1, tzinfo=CHINA_TZ)
    assert period_start("all", sunday_night_utc) is None


def test_equal_points_share_a_rank():
    rows = [{"_id": "a", "points": 30}, {"_id": "b", "points": 30}, {"_id": "c", "points": 10}]
    assert [r["rank"] for r in reports.ranked(rows)] == [1, 1, 3]


def test_a_reason_cannot_become_a_spreadsheet_formula():
    assert reports.safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert reports.safe_cell("志愿服务 2 小时") == "志愿服务 2 小时"


# ---- request schemas -----------------------------------------------------

@pytest.mark.parametrize("body,field", [
    ({"rules": [QUIZ, QUIZ]}, "rules"),
    ({"rules": [dict(STATION, unit="hour")]}, "unit"),
    ({"rules": [dict(QUIZ, points="10")]}, "points"),
    ({"rules": [dict(QUIZ, code="lottery")]}, "code"),
    ({"rules": []}, "rules"),
])
def test_bad_rule_sets_are_refused(body, field):
    with pytest.raises(ValidationError) as raised:
        schemas.RuleSetRequest().load(body)
    assert field in str(raised.value.messages)


@pytest.mark.parametrize("amount", [0, "10", 10.5, 100001, None])
def test_an_adjustment_needs_a_whole_nonzero_amount(amount):
    with pytest.raises(ValidationError) as raised:
        schemas.AdjustmentRequest().load({"worker_id": "w1", "amount": amount, "reason": "补录"})
    assert "amount" in raised.value.messages


def test_a_redemption_needs_an_idempotency_key():
    with pytest.raises(ValidationError):
        schemas.RequiredKey().load({"idempotency_key": None})
    assert schemas.RequiredKey().load({"idempotency_key": "redeem-0001"})


def test_a_lesson_line_names_its_column_or_else_the_rule_s_label():
    rule = dict(QUIZ, code="lesson_completed", label="星火课堂")
    data = {"worker_id": "w1", "lesson_id": "l1", "lesson_title": "安全驾驶十分钟",
            "completed_at": NOON_UTC}
    assert rules.decide("lesson_completed", rule, dict(data, column="pre_shift"),
                        rules.Facts()).reason == "班前十分钟「安全驾驶十分钟」学习完成"
    assert rules.decide("lesson_completed", rule, data, rules.Facts()).reason == \
        "星火课堂「安全驾驶十分钟」学习完成"
