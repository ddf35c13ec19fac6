"""Fault: a `courses` process is SIGKILLed in the middle of a class rush.

nameko acks an RPC message only after the worker finished, so what the killed
process had in hand is redelivered to the surviving one; a request the gateway
gave up on (503) is retried by the client with the same Idempotency-Key. In the
end the database must hold exactly the bookings the workers were told about:
no acknowledged booking lost, none doubled, and every booked seat's
seat_booked event published (the relay's timer re-publishes what the killed
process left in the seat's pending_events).

This test runs its own System (own vhost and database prefix), because it
kills one of its processes.
"""
import random
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
import requests

from scripts import embedded_mongo
from scripts.system import System
from shared.clock import utcnow
from shared.mongo import connect
from tests.conftest import TEST_JWT_SECRET, TEST_SECRETS, unique_phone
from tests.support.broker import Capture, queue_exists, wait_for

pytestmark = pytest.mark.slow

WORKERS = 80
# Argon2 makes each register and each login cost ~0.35 s of CPU here (~70 s
# for 80 workers over HTTP), so only some register and log in over HTTP; the
# rest are written through identity's own store, as `make staff` does, with
# access tokens signed by identity's own code. The rush itself is all HTTP.
HTTP_WORKERS = 8
SEATS = 20
WAITLIST = 20
RUSH_THREADS = 32
TAPS = (1, 3)              # each worker taps this many times (inclusive range)
KILL_AFTER_ANSWERS = 12    # SIGKILL courses-0 once this many taps were answered
# A tap answered 503 (courses down, or BOOKING_BUSY while the in-flight calls
# to the killed process hold the gateway's admission for the RPC timeout) is
# retried after Retry-After, as the app does, for up to this long.
RETRY_503_SECONDS = 30
STAFF_PASSWORD = "Staff2026ok"
WORKER_PASSWORD = "Hongyi2026"


class Client:
    """One requests.Session per (green) thread, paths relative to the gateway."""

    def __init__(self, url):
        self.url = url
        self.local = threading.local()

    def session(self):
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def post(self, path, **kwargs):
        kwargs.setdefault("timeout", 20)
        return self.session().post(self.url + path, **kwargs)


def bearer(token):
    return {"Authorization": "Bearer " + token}


def iso(delta):
    return (datetime.now(timezone.utc) + delta).isoformat()


@pytest.fixture
def fault_system(make_vhost, mongo_uri, tmp_path):
    amqp_uri = make_vhost()
    prefix = "fault{}_".format(uuid.uuid4().hex[:8])
    env = {"AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri, "MONGO_DB_PREFIX": prefix,
           "RPC_TIMEOUT_SECONDS": "5", **TEST_SECRETS}
    system = System(env, embedded_mongo.free_port(), processes={"courses": 2},
                    log_dir=tmp_path / "logs")
    with system:
        # Both courses processes consume the RPC queue before the rush starts.
        wait_for(lambda: queue_exists(amqp_uri, "rpc-courses"), timeout=30,
                 what="courses' RPC queue")
        yield system, amqp_uri, prefix


def register_and_log_in(client, phone):
    body = {"phone": phone, "password": WORKER_PASSWORD, "name": "骑手{}".format(phone[-4:]),
            "occupation": "food_delivery", "platform": "饿了么", "district": "武原街道"}
    registered = client.post("/api/v1/auth/register", json=body)
    assert registered.status_code == 201, registered.text
    tokens = client.post("/api/v1/auth/login",
                         json={"phone": phone, "password": WORKER_PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return new_rusher(registered.json()["id"], tokens.json()["access_token"])


def seed_workers(mongo_uri, prefix, count):
    """Workers made through identity's store, each with a live session and an
    access token exactly as a login would give (one password hash for all)."""
    from services.identity import passwords, tokens
    from services.identity.schemas import RegisterRequest
    from services.identity.storage import IdentityStore
    settings = type("Settings", (), {"jwt_secret": TEST_JWT_SECRET, "access_ttl": 900})
    password_hash = passwords.hash_password(WORKER_PASSWORD)
    client = connect(mongo_uri)
    try:
        db = client[prefix + "identity"]
        IdentityStore.prepare(db)
        store = IdentityStore(db)
        seeded = []
        for _ in range(count):
            phone = unique_phone()
            fields = RegisterRequest().load({
                "phone": phone, "password": WORKER_PASSWORD,
                "name": "骑手{}".format(phone[-4:]), "occupation": "courier",
                "platform": "顺丰", "district": "武原街道"})
            fields.pop("password")
            now = utcnow()
            worker, _ = store.create_worker(fields, password_hash, now)
            session_id = store.create_session(worker["_id"], uuid.uuid4().hex, 3600, now)
            token = tokens.issue_access_token(worker, session_id, settings, now)
            seeded.append(new_rusher(worker["_id"], token))
        return seeded
    finally:
        client.close()


def new_rusher(worker_id, token):
    return {"id": worker_id, "token": token, "key": "rush-" + uuid.uuid4().hex[:20],
            "answers": [], "errors_503": 0}


def open_class(client, staff_token):
    created = client.post("/api/v1/classes", headers=bearer(staff_token), json={
        "title": "茶艺入门(抢课故障演练)", "category": "tea_art", "teacher": "沈老师",
        "venue": {"address": "海盐县武原街道红驿驿站"},
        "starts_at": iso(timedelta(days=3)), "ends_at": iso(timedelta(days=3, hours=2)),
        "seats": SEATS, "waitlist_limit": WAITLIST,
        "booking_opens_at": iso(timedelta(minutes=-1))})
    assert created.status_code == 201, created.text
    class_id = created.json()["id"]
    published = client.post("/api/v1/classes/{}/publish".format(class_id),
                            headers=bearer(staff_token))
    assert published.status_code == 200, published.text
    return class_id


def answer_of(response):
    """What a tap was told, comparable across taps of the same key (not the
    waitlist position: it is live, it moves as the line moves)."""
    body = response.json()
    if response.status_code in (201, 202):
        return (response.status_code, body["status"], body["at"])
    return (response.status_code, body.get("error"))


def tap(client, class_id, worker):
    """One tap on "book", retried with the same key while the gateway says 503."""
    give_up = time.monotonic() + RETRY_503_SECONDS
    while True:
        response = client.post("/api/v1/classes/{}/bookings".format(class_id),
                               headers=dict(bearer(worker["token"]),
                                            **{"Idempotency-Key": worker["key"]}))
        if response.status_code != 503:
            return answer_of(response) if response.status_code < 500 else (
                response.status_code, response.text)
        worker["errors_503"] += 1
        if time.monotonic() > give_up:
            return (503, "still 503 after {} s".format(RETRY_503_SECONDS))
        time.sleep(float(response.headers.get("Retry-After", "1")) * random.uniform(0.5, 1))


def test_killing_a_courses_process_mid_rush_loses_and_doubles_no_booking(
        fault_system, mongo_uri, monkeypatch):
    system, amqp_uri, prefix = fault_system
    client = Client(system.url)

    from scripts.staff import ensure_staff
    monkeypatch.setenv("MONGO_URI", mongo_uri)
    monkeypatch.setenv("MONGO_DB_PREFIX", prefix)
    staff_phone = unique_phone()
    ensure_staff(staff_phone, STAFF_PASSWORD, "沈建芳")
    staff = client.post("/api/v1/auth/login",
                        json={"phone": staff_phone, "password": STAFF_PASSWORD})
    assert staff.status_code == 200, staff.text

    # A few at a time: 8 concurrent Argon2 hashes on 2 cores outlast the
    # gateway's 5 s RPC timeout.
    with ThreadPoolExecutor(4) as pool:
        workers = list(pool.map(lambda phone: register_and_log_in(client, phone),
                                [unique_phone() for _ in range(HTTP_WORKERS)]))
    workers += seed_workers(mongo_uri, prefix, WORKERS - HTTP_WORKERS)
    by_id = {worker["id"]: worker for worker in workers}
    class_id = open_class(client, staff.json()["access_token"])

    capture = Capture(amqp_uri, "courses")
    answered = Counter()
    enough_answered = threading.Event()

    def rush(worker):
        # A worker taps again after each answer (the same key): repeats are
        # sequential per worker, interleaved with everyone else's taps.
        for _ in range(random.randint(*TAPS)):
            worker["answers"].append(tap(client, class_id, worker))
            answered["taps"] += 1
            if answered["taps"] >= KILL_AFTER_ANSWERS:
                enough_answered.set()

    order = random.sample(workers, len(workers))
    started = time.monotonic()
    with ThreadPoolExecutor(RUSH_THREADS) as pool:
        rushing = [pool.submit(rush, worker) for worker in order]
        assert enough_answered.wait(30), "the rush did not get going"
        answered_at_kill = answered["taps"]
        system.kill_service("courses", 0)
        system.restart_service("courses", 0)
        for future in rushing:
            future.result()
    rush_seconds = time.monotonic() - started
    total_taps = sum(len(worker["answers"]) for worker in workers)
    # Every rush thread was still busy when the process died.
    assert total_taps - answered_at_kill >= RUSH_THREADS, (answered_at_kill, total_taps)

    # ---- what the workers were told --------------------------------------
    final = {}
    for worker in workers:
        statuses = {answer[0] for answer in worker["answers"]}
        assert statuses <= {201, 202, 409}, (worker["id"], worker["answers"])
        # The same key always gets the same answer.
        assert len(set(worker["answers"])) == 1, (worker["id"], worker["answers"])
        final[worker["id"]] = worker["answers"][0]
    told_booked = {wid for wid, answer in final.items() if answer[0] == 201}
    told_waitlisted = {wid for wid, answer in final.items() if answer[0] == 202}
    refused = Counter(answer[1] for answer in final.values() if answer[0] == 409)
    assert set(refused) <= {"CLASS_FULL"}, refused

    # ---- what the database holds -----------------------------------------
    mongo = connect(mongo_uri)
    try:
        db = mongo[prefix + "courses"]
        seats = list(db.seats.find({"class_id": class_id}))
        places = list(db.places.find({"class_id": class_id}))
        assert len(seats) == SEATS
        assert len(places) == WAITLIST
        booked = [seat for seat in seats if seat["holder"] is not None]
        assert all(seat["state"] == "booked" for seat in booked), booked
        seat_holders = Counter(seat["holder"] for seat in booked)
        place_holders = Counter(p["holder"] for p in places if p["holder"] is not None)
        assert len(booked) <= SEATS
        assert max(seat_holders.values(), default=1) == 1, seat_holders
        assert max(place_holders.values(), default=1) == 1, place_holders
        assert not set(seat_holders) & set(place_holders)
        assert set(seat_holders) <= set(by_id)
        # No acknowledged booking lost, and no seat held by someone not told so.
        assert set(seat_holders) == told_booked
        assert set(place_holders) == told_waitlisted
        for seat in booked:
            assert seat["key"] == by_id[seat["holder"]]["key"]
        # 80 workers for 20 seats: every seat went to someone.
        assert len(booked) == SEATS
        assert len(told_waitlisted) == WAITLIST
        assert sum(refused.values()) == WORKERS - SEATS - WAITLIST

        # ---- events: every seat_booked leaves the seat's outbox ----------
        def outbox_drained():
            return db.seats.count_documents(
                {"class_id": class_id, "pending_events.0": {"$exists": True}}) == 0
        wait_for(outbox_drained, timeout=20, interval=0.5,
                 what="the seats' pending_events to be published")

        def all_seat_booked_published():
            published = {event["data"]["worker_id"] for event in capture.drain()
                         if event["type"] == "seat_booked"
                         and event["data"]["class_id"] == class_id}
            return published >= told_booked
        wait_for(all_seat_booked_published, timeout=10, interval=0.5,
                 what="a seat_booked event for every booked seat")
    finally:
        mongo.close()
        capture.close()

    # The restarted process joined again: the system answers as a whole.
    system.wait_until_healthy(timeout=30)
    print("\nfault rush: {} taps in {:.1f}s, kill after {} answers, {} answers 503 "
          "(retried), final: {} booked, {} waitlisted, {}".format(
              total_taps, rush_seconds, answered_at_kill,
              sum(worker["errors_503"] for worker in workers),
              len(told_booked), len(told_waitlisted), dict(refused)))
