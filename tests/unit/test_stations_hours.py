"""A station's state at a moment from its opening hours, in China time."""
import time
from datetime import datetime, timedelta, timezone

import pytest
from marshmallow import ValidationError

from services.stations import hours, schemas
from services.stations.schemas import (
    CLOSED, CLOSING_SOON, CLOSING_SOON_MINUTES, HOURS_UNKNOWN, OPEN,
    REASON_CLOSURE_DATE, REASON_HOURS, REASON_UNKNOWN,
)
from shared.domain import CHINA_TZ

NIGHT = {"open_24h": False, "opening_hours": "22:00-06:00", "closed_dates": []}
ALWAYS = {"open_24h": True, "opening_hours": None, "closed_dates": []}


def china(day, hour, minute=0):
    """An aware UTC instant given as a China-time wall clock on December `day` 2026."""
    return datetime(2026, 12, day, hour, minute, tzinfo=CHINA_TZ).astimezone(timezone.utc)


@pytest.mark.parametrize("day,hour,minute", [(2, 23, 30), (3, 2, 0)])
def test_night_hours_are_open_either_side_of_midnight(day, hour, minute):
    status = hours.state_at(NIGHT, china(day, hour, minute))
    assert status.state == OPEN and status.reason == REASON_HOURS
    assert status.changes_at == datetime(2026, 12, 3, 6, 0, tzinfo=CHINA_TZ)


def test_night_hours_are_closed_in_the_morning_until_the_evening():
    status = hours.state_at(NIGHT, china(3, 7))
    assert status == hours.Status(CLOSED, datetime(2026, 12, 3, 22, tzinfo=CHINA_TZ), REASON_HOURS)


def test_night_hours_close_soon_at_a_quarter_to_six():
    assert hours.state_at(NIGHT, china(3, 5, 45)).state == CLOSING_SOON


def test_closing_soon_starts_exactly_when_less_than_the_margin_is_left():
    closing = datetime(2026, 12, 3, 6, tzinfo=CHINA_TZ)
    margin = timedelta(minutes=CLOSING_SOON_MINUTES)
    at_margin = hours.state_at(NIGHT, closing - margin)
    just_inside = hours.state_at(NIGHT, closing - margin + timedelta(seconds=1))
    assert (at_margin.state, just_inside.state) == (OPEN, CLOSING_SOON)


def test_the_machine_time_zone_does_not_matter(monkeypatch):
    expected = hours.state_at(NIGHT, china(3, 5, 45))
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert hours.state_at(NIGHT, china(3, 5, 45)) == expected
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_zone_the_instant_is_written_in_does_not_matter():
    # The same instant written in another zone gives the same status.
    moment = china(3, 5, 45)
    elsewhere = moment.astimezone(timezone(timedelta(hours=-5)))
    assert hours.state_at(NIGHT, elsewhere) == hours.state_at(NIGHT, moment)


def test_a_24_hour_station_is_open_with_no_change_announced():
    assert hours.state_at(ALWAYS, china(2, 3)) == hours.Status(OPEN, None, REASON_HOURS)


def test_a_24_hour_station_is_closed_on_its_closure_date_and_open_the_next_day():
    closed = dict(ALWAYS, closed_dates=["2026-12-02"])
    on_the_day = hours.state_at(closed, china(2, 12))
    assert on_the_day == hours.Status(
        CLOSED, datetime(2026, 12, 3, 0, 0, tzinfo=CHINA_TZ), REASON_CLOSURE_DATE)
    assert hours.state_at(closed, china(3, 0, 1)).state == OPEN


def test_a_24_hour_station_closes_soon_before_a_closure_date():
    closed = dict(ALWAYS, closed_dates=["2026-12-03"])
    status = hours.state_at(closed, china(2, 23, 45))
    assert status.state == CLOSING_SOON
    assert status.changes_at == datetime(2026, 12, 3, tzinfo=CHINA_TZ)


def test_a_closure_run_reopens_at_the_first_opening_after_it():
    closed = dict(NIGHT, closed_dates=["2026-12-02", "2026-12-03"])
    status = hours.state_at(closed, china(2, 23))
    # The night of the 3rd starts on a closed date; the first open moment
    # not on a closed date is midnight of the 4th, inside that night.
    assert status == hours.Status(
        CLOSED, datetime(2026, 12, 4, 0, tzinfo=CHINA_TZ), REASON_CLOSURE_DATE)


def test_the_closure_date_is_the_china_date_not_the_utc_date():
    moment = datetime(2026, 12, 1, 17, 0, tzinfo=timezone.utc)  # Dec 2, 01:00 in China
    assert hours.state_at(dict(ALWAYS, closed_dates=["2026-12-02"]), moment).state == CLOSED
    assert hours.state_at(dict(ALWAYS, closed_dates=["2026-12-01"]), moment).state == OPEN


def test_hours_the_week_decides_on_the_china_weekday():
    weekdays = {"open_24h": False, "opening_hours": "Mo-Fr 08:00-20:00", "closed_dates": []}
    # Friday 23:30 UTC is Saturday 07:30 in China: closed until Monday 08:00.
    friday_night_utc = datetime(2026, 12, 4, 23, 30, tzinfo=timezone.utc)
    status = hours.state_at(weekdays, friday_night_utc)
    assert status == hours.Status(CLOSED, datetime(2026, 12, 7, 8, tzinfo=CHINA_TZ), REASON_HOURS)


@pytest.mark.parametrize("stored", [
    None,
    {},
    {"open_24h": False, "opening_hours": None, "closed_dates": []},
    {"open_24h": False, "opening_hours": "", "closed_dates": []},
    {"open_24h": False, "opening_hours": "Mo-Su 08:00-20:00 unknown", "closed_dates": []},
])
def test_unknown_hours_are_never_shown_as_open(stored):
    assert hours.state_at(stored, china(2, 12)) == hours.Status(HOURS_UNKNOWN, None, REASON_UNKNOWN)


def test_valid_hours_pass_the_check():
    for text in ("Mo-Fr 08:00-20:00; Sa,Su 09:00-17:00", "22:00-06:00", "24/7"):
        assert schemas.check_hours_text(text) is None


@pytest.mark.parametrize("text", ["", "garbage", "25:00-26:00", "Mo-Fr 8-20"])
def test_bad_syntax_is_refused_with_a_message(text):
    with pytest.raises(ValidationError, match="营业时间格式不正确"):
        schemas.check_hours_text(text)


@pytest.mark.parametrize("text", ["off", "24/7 off"])
def test_a_rule_set_that_is_never_open_is_refused(text):
    with pytest.raises(ValidationError, match="没有任何开放时段"):
        schemas.check_hours_text(text)


def test_a_text_is_parsed_once():
    assert schemas.parsed_hours("Mo-Sa 07:00-21:00") is schemas.parsed_hours("Mo-Sa 07:00-21:00")
