"""Set-up of the class rush (not timed): a staff account, many registered and
signed-in workers, and a published class whose booking opens shortly.

Everything goes over HTTP through the gateway, as the apps do, except the
staff account: nobody can make themselves staff through the API, so it is
created the way operators do (`make staff`, scripts/staff.py).
"""
import contextlib
import http.client
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from scripts.staff import ensure_staff
from shared.domain import DISTRICTS, OCCUPATIONS

HTTP_TIMEOUT_SECONDS = 10
PASSWORD = "Rush2026hy"
STAFF_PHONE = "13800000000"
# Registration and login each hash a password with Argon2id (~0.12 s of CPU):
# each hash runs 4 lanes, so a few at a time keep both cores busy; more only queue
# up behind the gateway's RPC timeout.
SIGN_UP_THREADS = 4


class Http:
    """One keep-alive HTTP/1.1 connection (never shared between threads)."""

    def __init__(self, base_url, timeout=HTTP_TIMEOUT_SECONDS):
        parts = urlsplit(base_url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)

    def call(self, method, path, body=None, token=None, key=None):
        """(status, parsed JSON body or None)."""
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        if key:
            headers["Idempotency-Key"] = key
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        content = response.read()
        try:
            parsed = json.loads(content) if content else None
        except ValueError:
            parsed = None
        return response.status, parsed

    def close(self):
        self.conn.close()


def expect(status, body, wanted, what):
    if status != wanted:
        raise RuntimeError("{}: HTTP {} {}".format(what, status, str(body)[:300]))
    return body


@dataclass(frozen=True)
class Account:
    worker_id: str
    token: str


@contextlib.contextmanager
def system_settings(env, names=("MONGO_URI", "MONGO_DB_PREFIX")):
    """scripts.staff reads its settings from the environment: lend it the
    running system's, then put ours back."""
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({name: env[name] for name in names})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def log_in(http, phone):
    body = expect(*http.call("POST", "/api/v1/auth/login",
                             {"phone": phone, "password": PASSWORD}), 200, "log in")
    return body["access_token"]


def staff_token(target):
    with system_settings(target.system.env):
        ensure_staff(STAFF_PHONE, PASSWORD, "抢课压测")
    http = Http(target.url)
    try:
        return log_in(http, STAFF_PHONE)
    finally:
        http.close()


def worker_phone(n):
    return "139{:08d}".format(n)


def sign_up_workers(target, count, budget_seconds, threads=SIGN_UP_THREADS):
    """Register and log in up to `count` workers over HTTP, starting no new
    one after `budget_seconds`; [Account]."""
    deadline = time.monotonic() + budget_seconds

    def sign_up_range(indexes):
        http = Http(target.url, timeout=60)
        accounts = []
        try:
            for n in indexes:
                if time.monotonic() > deadline:
                    break
                phone = worker_phone(n)
                profile = expect(*http.call("POST", "/api/v1/auth/register", {
                    "phone": phone, "password": PASSWORD, "name": "骑手{}".format(n),
                    "occupation": OCCUPATIONS[n % len(OCCUPATIONS)], "platform": "美团",
                    "district": DISTRICTS[n % len(DISTRICTS)]}), 201, "register")
                accounts.append((n, Account(profile["id"], log_in(http, phone))))
        finally:
            http.close()
        return accounts

    slices = [range(t, count, threads) for t in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        done = [a for part in pool.map(sign_up_range, slices) for a in part]
    return [account for _, account in sorted(done, key=lambda pair: pair[0])]


def open_class(target, token, seats, opens_in_seconds):
    """Create and publish a class of `seats` seats (and as many waitlist
    places) whose booking opens `opens_in_seconds` from now.
    Returns (class id, opening time as a time.time() value)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    opens_at = now + timedelta(seconds=opens_in_seconds)
    starts_at = now + timedelta(days=3)
    http = Http(target.url)
    try:
        cls = expect(*http.call("POST", "/api/v1/classes", {
            "title": "茶艺体验课(抢课压测)", "category": "tea_art", "teacher": "沈老师",
            "venue": {"address": "海盐县武原街道红驿驿站"},
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=2)).isoformat(),
            "seats": seats, "waitlist_limit": seats,
            "booking_opens_at": opens_at.isoformat()}, token=token), 201, "create class")
        expect(*http.call("POST", "/api/v1/classes/{}/publish".format(cls["id"]),
                          token=token), 200, "publish class")
    finally:
        http.close()
    return cls["id"], opens_at.timestamp()


def timed(function, *args):
    began = time.monotonic()
    value = function(*args)
    return value, time.monotonic() - began
