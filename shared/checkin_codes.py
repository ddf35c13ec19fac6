"""Rotating check-in codes a worker types to prove they are there: at a
station (stations), or at a volunteer activity from its organizer's screen
(volunteering). Pure: the moment is an argument.

One secret per station (or activity), two carriers:
- the keeper's screen: TOTP, a new code every SCREEN_PERIOD_SECONDS, accepted
  in its own period and the next (a code read just before it changed works).
  pyotp's TOTP refuses periods over 120 s (NIST's rule for login codes), so
  the screen's counter (unix time // period, what TOTP computes) goes to
  HOTP: this code proves presence, not identity, and the poster's lasts a day;
- a printed poster: HOTP with the China date's ordinal as counter, accepted
  all that China day and no other.

The two never share an HMAC input: screen counters are unix time // 300
(about 6.0 million in 2026; they were as low as date ordinals, about
740,000 now, only in 1977) and date ordinals would reach 6 million only
in the year 16427 (datetime.date stops at 9999). Two different counters
can still give the same 6 digits by chance (one in a million), which only
means a code is accepted for what it is: a code of this station now. Each
try matches one of three codes (3 in a million): limiting tries is the
caller's job (stations: rules.WRONG_CODE_LIMIT).
"""
from datetime import datetime, timezone

import pyotp

from shared.domain import china_time

# The keeper's screen shows a code that changes this often; a printed poster
# carries the code of the China day.
SCREEN_PERIOD_SECONDS = 300
CODE_DIGITS = 6


def new_secret():
    return pyotp.random_base32()


def screen_code(secret, now):
    """(code shown at `now`, aware UTC instant the screen shows the next one).
    The code stays accepted one period after that."""
    counter = _screen_counter(now)
    shown_until = datetime.fromtimestamp((counter + 1) * SCREEN_PERIOD_SECONDS, timezone.utc)
    return _hotp(secret).at(counter), shown_until


def poster_code(secret, day):
    """The code printed for the China calendar date `day` (a datetime.date)."""
    return _hotp(secret).at(day.toordinal())


def accepts(secret, code, now):
    """Whether `code` is this station's code at `now`: the screen's current or
    previous one, or the poster's of the China day. Compared in constant time
    (pyotp's verify); anything not a code is simply refused."""
    if not isinstance(code, str):
        return False
    hotp = _hotp(secret)
    screen = _screen_counter(now)
    counters = (screen, screen - 1, china_time(now).date().toordinal())
    # All three are checked whatever matched, so timing does not tell which did.
    matches = [hotp.verify(code, counter) for counter in counters]
    return any(matches)


def _screen_counter(now):
    return int(now.timestamp()) // SCREEN_PERIOD_SECONDS


def _hotp(secret):
    return pyotp.HOTP(secret, digits=CODE_DIGITS)
