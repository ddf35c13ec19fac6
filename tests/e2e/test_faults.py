"""What "try again later" means, proved on the real processes.

A system of its own, on a database server of its own (so a test may pause or
kill it) kept on disk (so a restart keeps the data):

- a paused service: the booking and the redemption sent meanwhile answer 503,
  and when the service resumes, nothing was booked and nothing spent;
- a slow service (its database paused after it took the request): 504
  OUTCOME_UNKNOWN, and the outcome can be checked afterwards;
- the database server restarting: 503 for a moment, then answers again with
  no service restarted.
"""
import os
import signal
import time
import uuid

import pytest

from scripts import embedded_mongo
from scripts.system import System
from tests.conftest import TEST_SECRETS, unique_phone
from tests.e2e.conftest import GatewaySession, assert_error, bearer, make_staff
from tests.e2e.test_classes import class_body, class_path
from tests.support.broker import wait_for
from tests.support.database import RestartableDatabase

DB_PREFIX = "faults_"
RPC_TIMEOUT_SECONDS = 5
@pytest.fixture(scope="module")
def database(tmp_path_factory):
    db = RestartableDatabase(tmp_path_factory.mktemp("faults-db"))
    db.start()
    yield db
    db.stop()


@pytest.fixture(scope="module")
def faulty(make_vhost, database, tmp_path_factory):
    env = {"AMQP_URI": make_vhost(), "MONGO_URI": database.uri, "MONGO_DB_PREFIX": DB_PREFIX,
           "RPC_TIMEOUT_SECONDS": str(RPC_TIMEOUT_SECONDS), **TEST_SECRETS}
    with System(env, embedded_mongo.free_port(),
                log_dir=tmp_path_factory.mktemp("faults-logs")) as running:
        yield running


@pytest.fixture(scope="module")
def http(faulty):
    with GatewaySession(faulty.url, timeout=30) as session:
        yield session


@pytest.fixture(scope="module")
def staff(http, database):
    account = make_staff(database.uri, DB_PREFIX)
    return bearer(logged_in(http, account["phone"], account["password"]))


def logged_in(http, phone, password):
    response = http.post("/api/v1/auth/login", json={"phone": phone, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def new_key():
    return "faults-" + uuid.uuid4().hex[:16]


@pytest.fixture
def scene(http, staff):
    """A worker with 50 points, a published class with 2 seats, a reward of 20."""
    phone = unique_phone()
    registered = http.post("/api/v1/auth/register", json={
        "phone": phone, "password": "Hongyi2026", "name": "赵凯锋",
        "occupation": "food_delivery", "platform": "饿了么", "district": "武原街道"})
    assert registered.status_code == 201, registered.text
    worker_id = registered.json()["id"]
    worker = bearer(logged_in(http, phone, "Hongyi2026"))
    wait_for(lambda: http.post("/api/v1/points/adjustments", json={
        "worker_id": worker_id, "amount": 50, "reason": "故障演练"},
        headers=dict(staff, **{"Idempotency-Key": new_key()})).status_code == 201,
        what="the ledger to open the account and credit it")
    cls = http.post("/api/v1/classes", headers=staff, json=class_body(seats=2)).json()
    assert http.post(class_path(cls["id"], "/publish"), headers=staff).status_code == 200
    reward = http.post("/api/v1/rewards", headers=staff,
                       json={"name": "红驿保温杯", "cost": 20, "stock": 5}).json()
    return {"worker": worker, "class_id": cls["id"], "reward_id": reward["id"]}


def book(http, scene, key):
    return http.post(class_path(scene["class_id"], "/bookings"),
                     headers=dict(scene["worker"], **{"Idempotency-Key": key}))


def redeem(http, scene, key):
    return http.post("/api/v1/rewards/{}/redemptions".format(scene["reward_id"]),
                     headers=dict(scene["worker"], **{"Idempotency-Key": key}))


def my_bookings(http, scene):
    response = http.get("/api/v1/me/bookings", headers=scene["worker"])
    assert response.status_code == 200, response.text
    return [b for b in response.json()["items"] if b["class_id"] == scene["class_id"]]


def balance(http, scene):
    response = http.get("/api/v1/me/points", headers=scene["worker"])
    assert response.status_code == 200, response.text
    return response.json()["balance"]


def pause(system, *services):
    for name in services:
        os.killpg(system.services[name][0].pid, signal.SIGSTOP)


def resume(system, *services):
    for name in services:
        os.killpg(system.services[name][0].pid, signal.SIGCONT)


def log_of(system, label):
    return (system.log_dir / "{}.log".format(label)).read_text()


@pytest.mark.slow
def test_what_a_paused_service_was_sent_is_never_done(http, faulty, scene):
    book_key, redeem_key = new_key(), new_key()
    pause(faulty, "courses", "ledger")
    try:
        booked, redeemed = book(http, scene, book_key), redeem(http, scene, redeem_key)
    finally:
        resume(faulty, "courses", "ledger")
    assert_error(booked, 503, "SERVICE_UNAVAILABLE")
    assert_error(redeemed, 503, "SERVICE_UNAVAILABLE")
    # Both services answer again, so the requests they had been handed while
    # paused have been dealt with (in order): refused, not run.
    assert balance(http, scene) == 50
    assert my_bookings(http, scene) == []
    assert "not running courses.book_seat" in log_of(faulty, "courses-0")
    assert "not running ledger.redeem_reward" in log_of(faulty, "ledger-0")
    # "Try again later" was true: the same keys now do it, once.
    assert book(http, scene, book_key).status_code == 201
    assert redeem(http, scene, redeem_key).status_code == 201
    assert balance(http, scene) == 30 and len(my_bookings(http, scene)) == 1


@pytest.mark.slow
def test_a_change_taken_but_not_answered_in_time_is_504_and_checkable(
        http, faulty, database, scene):
    book_key, redeem_key = new_key(), new_key()
    database.signal(signal.SIGSTOP)  # each service takes the request, then waits on it
    try:
        booked, redeemed = book(http, scene, book_key), redeem(http, scene, redeem_key)
    finally:
        database.signal(signal.SIGCONT)
    body = assert_error(booked, 504, "OUTCOME_UNKNOWN")
    assert "Idempotency-Key" in body["message"]
    assert_error(redeemed, 504, "OUTCOME_UNKNOWN")
    # The outcome: both went through once; the same key gives the same answer.
    # Each service finishes its request when the database resumes, the two
    # in their own time: wait for each outcome, not for one and read the other.
    wait_for(lambda: len(my_bookings(http, scene)) == 1, what="the booking to show")
    wait_for(lambda: balance(http, scene) == 30, what="the redemption to show")
    again = book(http, scene, book_key)
    assert again.status_code == 201 and again.json()["status"] == "booked"
    assert redeem(http, scene, redeem_key).status_code == 201
    assert balance(http, scene) == 30


@pytest.mark.slow
def test_a_database_restart_is_503_for_a_moment_then_it_answers(http, faulty, database,
                                                                 scene):
    database.kill()
    try:
        assert_error(http.get("/api/v1/me/points", headers=scene["worker"]),
                     503, "SERVICE_UNAVAILABLE")
        started = time.monotonic()
        assert_error(book(http, scene, new_key()), 503, "SERVICE_UNAVAILABLE")
        assert time.monotonic() - started < RPC_TIMEOUT_SECONDS
    finally:
        database.start()
    # The same service processes answer again, from the same data.
    pids = {name: group[0].pid for name, group in faulty.services.items()}
    wait_for(lambda: http.get("/api/v1/me/points", headers=scene["worker"]).status_code
             == 200, timeout=30, what="the ledger to answer again")
    assert balance(http, scene) == 50
    booked = book(http, scene, new_key())
    assert booked.status_code == 201, booked.text
    assert {name: group[0].pid for name, group in faulty.services.items()} == pids
    assert all(group[0].poll() is None for group in faulty.services.values())


def test_every_change_documents_504_and_no_read_does(http):
    spec = http.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert ("504" in operation["responses"]) == (method != "get"), (method, path)
            assert "503" in operation["responses"], (method, path)

