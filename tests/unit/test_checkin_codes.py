"""Check-in codes: the keeper's rotating screen code and the poster's code of
the China day."""
from datetime import date, datetime, timedelta, timezone

import pyotp
import pytest

from shared import checkin_codes as codes
from shared.checkin_codes import SCREEN_PERIOD_SECONDS
from shared.domain import CHINA_TZ

# Fixed secrets: a random pair could share a code by chance (one in a million).
SECRET, OTHER = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
PERIOD = timedelta(seconds=SCREEN_PERIOD_SECONDS)
DAY = date(2026, 12, 2)


def china(day, hour, minute, second=0):
    return datetime(2026, 12, day, hour, minute, second, tzinfo=CHINA_TZ).astimezone(timezone.utc)


def period_start(moment):
    seconds = int(moment.timestamp()) // SCREEN_PERIOD_SECONDS * SCREEN_PERIOD_SECONDS
    return datetime.fromtimestamp(seconds, timezone.utc)


def test_a_new_secret_is_base32_and_differs_each_time():
    secret = codes.new_secret()
    assert secret != codes.new_secret()
    assert pyotp.TOTP(secret).byte_secret()  # decodes


@pytest.mark.parametrize("moment", [china(2, 0, 0), china(2, 12, 0), china(2, 23, 59, 59)])
def test_the_poster_code_works_all_china_day(moment):
    assert codes.accepts(SECRET, codes.poster_code(SECRET, DAY), moment)


def test_the_poster_code_does_not_work_the_next_china_day():
    assert not codes.accepts(SECRET, codes.poster_code(SECRET, DAY), china(3, 0, 0))


def test_yesterdays_poster_code_is_refused():
    yesterday = DAY - timedelta(days=1)
    assert codes.poster_code(SECRET, yesterday) != codes.poster_code(SECRET, DAY)
    assert not codes.accepts(SECRET, codes.poster_code(SECRET, yesterday), china(2, 12, 0))


def test_the_poster_day_is_the_china_day_not_the_utc_day():
    moment = datetime(2026, 12, 1, 17, 0, tzinfo=timezone.utc)  # Dec 2, 01:00 in China
    assert codes.accepts(SECRET, codes.poster_code(SECRET, DAY), moment)


def test_the_screen_code_is_shown_until_its_period_ends():
    now = china(2, 12, 3, 20)
    code, shown_until = codes.screen_code(SECRET, now)
    assert shown_until == period_start(now) + PERIOD
    assert codes.screen_code(SECRET, shown_until - timedelta(seconds=1))[0] == code
    assert codes.screen_code(SECRET, shown_until)[0] != code


def test_the_screen_code_works_in_its_period_and_the_next_but_not_after():
    start = period_start(china(2, 12, 0))
    code, _ = codes.screen_code(SECRET, start)
    assert codes.accepts(SECRET, code, start + PERIOD - timedelta(seconds=1))
    assert codes.accepts(SECRET, code, start + PERIOD)
    assert codes.accepts(SECRET, code, start + 2 * PERIOD - timedelta(seconds=1))
    assert not codes.accepts(SECRET, code, start + 2 * PERIOD)


def test_a_screen_code_of_the_next_period_is_not_accepted_early():
    start = period_start(china(2, 12, 0))
    next_code, _ = codes.screen_code(SECRET, start + PERIOD)
    assert not codes.accepts(SECRET, next_code, start)


def test_another_stations_codes_are_refused():
    now = china(2, 12, 0)
    assert not codes.accepts(SECRET, codes.screen_code(OTHER, now)[0], now)
    assert not codes.accepts(SECRET, codes.poster_code(OTHER, DAY), now)


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567", None, 123456])
def test_malformed_codes_are_refused_without_an_exception(code):
    assert codes.accepts(SECRET, code, china(2, 12, 0)) is False
