"""Password hashing with Argon2id (argon2-cffi).

Hashing is deliberately slow; it runs in eventlet's native thread pool so
one login does not stall every other request of the process.
"""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool

# OWASP's recommended Argon2id floor (19 MiB, 2 passes, 1 lane): argon2-cffi's
# default (64 MiB, 3 passes, 4 lanes) costs ~0.35 s of CPU per hash here, so a
# handful of simultaneous logins kept a 2-core machine busy past the gateway's
# RPC timeout. Hashes made with other parameters are upgraded at next login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when the phone is unknown, so a login takes as long either way and
# the timing does not tell which phones are registered.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")


def hash_password(password):
    return tpool.execute(_hasher.hash, password)


def verify_password(password_hash, password):
    """False for a missing hash too, after the same work as a real check."""
    try:
        matches = tpool.execute(_hasher.verify, password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and password_hash is not None


def needs_rehash(password_hash):
    return _hasher.check_needs_rehash(password_hash)


def upgraded_hash(password_hash, password):
    """A new hash of the password just verified if its stored hash was made
    with other parameters (see _hasher), else None."""
    return hash_password(password) if needs_rehash(password_hash) else None
