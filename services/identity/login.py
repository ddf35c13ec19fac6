"""The login rules, apart from storage and hashing: the lockout after too many
wrong passwords, and what a failed login answers. Pure functions (``now``
passed in), unit-tested in tests/unit/test_identity_login.py.
"""
from datetime import timedelta

from services.identity import exceptions


def check_not_locked(worker, now):
    """A locked account is refused before its password is checked, so guessing
    on during the lock learns nothing (the right password is refused too)."""
    if worker is not None and worker["locked_until"] and worker["locked_until"] > now:
        raise exceptions.account_locked(worker["locked_until"])


def password_hash_of(worker):
    """None for an unknown phone: it is checked all the same (passwords.py)."""
    return worker["password_hash"] if worker is not None else None


def lock_after(failures, settings, now):
    """When the ``failures``-th wrong password in a row locks the account
    until: the max-th locks it for lock_seconds; None before that."""
    if failures < settings.max_failures:
        return None
    return now + timedelta(seconds=settings.lock_seconds)


def failed_login(locked_until):
    """What a wrong password answers: locked if this one locked the account,
    else the same answer as for a phone nobody registered."""
    if locked_until is not None:
        return exceptions.account_locked(locked_until)
    return exceptions.invalid_credentials()
