"""The login rules as pure functions: the lockout and what a failed login answers."""
from datetime import datetime, timedelta, timezone

import pytest

from services.identity import login
from services.identity.config import IdentitySettings
from shared.errors import TooManyAttempts, Unauthenticated

NOW = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)
SETTINGS = IdentitySettings(jwt_secret="s" * 40, access_ttl=900, refresh_ttl=3600,
                            max_failures=3, lock_seconds=600, reuse_grace=0)


def worker(locked_until=None):
    return {"_id": "w1", "password_hash": "hash", "locked_until": locked_until}


def test_an_account_locked_until_later_is_refused_with_the_time():
    with pytest.raises(TooManyAttempts) as raised:
        login.check_not_locked(worker(NOW + timedelta(seconds=1)), NOW)
    assert raised.value.code == "ACCOUNT_LOCKED"
    assert raised.value.details == {"locked_until": "2026-07-01T10:00:01+08:00"}


def test_a_lock_that_ran_out_or_never_was_lets_the_login_go_on():
    login.check_not_locked(worker(NOW), NOW)
    login.check_not_locked(worker(None), NOW)
    login.check_not_locked(None, NOW)  # an unknown phone is checked like any other


def test_the_max_th_failure_in_a_row_locks_for_lock_seconds():
    assert login.lock_after(2, SETTINGS, NOW) is None
    assert login.lock_after(3, SETTINGS, NOW) == NOW + timedelta(seconds=600)


def test_a_failed_login_answers_locked_only_when_it_locked():
    assert isinstance(login.failed_login(NOW), TooManyAttempts)
    refused = login.failed_login(None)
    assert isinstance(refused, Unauthenticated) and refused.code == "INVALID_CREDENTIALS"


def test_an_unknown_phone_has_no_hash():
    assert login.password_hash_of(None) is None
    assert login.password_hash_of(worker()) == "hash"
