"""Department subscriptions through the gateway with every process running:
a department subscribed to every event type receives a worker's life on
the platform with no name or phone in it, only its own pseudonyms; the
example consumers under examples/ (what a department's developer starts
from) take delivery over AMQP and over a webhook that was down at first;
a department replays with its own key; staff see its figures; bad input
gets a 4xx with a code and writes nothing."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import embedded_mongo
from services.feeds.messages import pseudonym
from services.feeds.schemas import EVENT_TYPE_NAMES
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.e2e.conftest import assert_error
from tests.support.broker import wait_for
from tests.support.departments import read_queue

ROOT = Path(__file__).resolve().parents[2]
KEY = bytes.fromhex(TEST_PSEUDONYM_KEY)
DEPARTMENTS = "/api/v1/departments"
MOBILE = re.compile(r"1[3-9]\d(\d{4}|\*{4})\d{4}")


@pytest.fixture
def register(api, staff):
    """register(**fields) -> (department, credentials), revoked after the test
    (a department left subscribed would take every later test's events)."""
    made = []

    def make(**fields):
        body = {"name": "县人力社保局", "contact": "就业科", "purpose": "岗位供需分析",
                "event_types": ["identity.worker_registered"], "delivery": "amqp"}
        body.update(fields)
        created = api.post(DEPARTMENTS, json=body, headers=staff)
        assert created.status_code == 201, created.text
        made.append(created.json()["department"]["id"])
        return created.json()["department"], created.json()["credentials"]
    yield make
    for department_id in made:
        revoked = api.post("{}/{}/revocation".format(DEPARTMENTS, department_id), headers=staff)
        assert revoked.status_code == 200, revoked.text


def test_everything_a_department_receives_is_free_of_names_and_phones(api, staff, register,
                                                                    new_worker):
    department, credentials = register(event_types=list(EVENT_TYPE_NAMES))
    worker = new_worker(name="沈建明")
    renamed = api.patch("/api/v1/me", json={"name": "沈建华", "platform": "美团"},
                        headers=worker.headers)
    assert renamed.status_code == 200, renamed.text
    applied = api.post("/api/v1/membership/applications", json={"note": "电话 13900001111"},
                       headers=worker.headers)
    approved = api.post("/api/v1/membership/applications/{}/approve".format(
        applied.json()["id"]), headers=staff)
    assert approved.status_code == 200, approved.text
    mine = pseudonym(KEY, department["id"], worker.id)
    received = []
    wait_for(lambda: received.extend(read_queue(credentials)) or {
        "worker_registered", "profile_updated", "membership_approved"} <= {
        e["type"] for e in received if e["data"].get("worker_id") == mine},
        timeout=30, what="the worker's three events")
    text = json.dumps(received, ensure_ascii=False)
    assert "沈建明" not in text and "沈建华" not in text and worker.id not in text
    assert not MOBILE.search(text)
    assert all(e["department"] == department["id"] for e in received)


@pytest.fixture
def example(tmp_path):
    """example(script, *args) -> a running examples/<script> printing into a file."""
    started = []

    def start(script, *args):
        output = open(tmp_path / (script + ".out"), "w+")
        process = subprocess.Popen([sys.executable, str(ROOT / "examples" / script), *args],
                                   cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        started.append((process, output))
        return lambda: Path(output.name).read_text()
    yield start
    for process, output in started:
        process.kill()
        process.wait()
        output.close()


def test_the_example_consumer_reads_its_queue(register, new_worker, example):
    _, credentials = register()
    printed = example("amqp_consumer.py", "--url", credentials["amqp"]["url"],
                      "--queue", credentials["amqp"]["queue"], "--limit", "1")
    new_worker()
    line = wait_for(lambda: printed().strip(), timeout=30, what="the consumer's line")
    assert "identity.worker_registered" in line and '"worker_id": "p_' in line


def test_the_example_webhook_receiver_gets_events_after_being_down(api, staff, register,
                                                                   new_worker, example):
    port = embedded_mongo.free_port()
    department, credentials = register(delivery="https",
                                       webhook_url="http://127.0.0.1:{}/hook".format(port))
    worker = new_worker()  # delivered while nothing listens: retried
    wait_for(lambda: api.get("{}/{}".format(DEPARTMENTS, department["id"]),
                             headers=staff).json()["stats"]["waiting"], what="one waiting")
    printed = example("webhook_receiver.py", "--port", str(port),
                      "--secret", credentials["webhook_secret"], "--fail-first", "1")
    mine = pseudonym(KEY, department["id"], worker.id)
    line = wait_for(lambda: [line for line in printed().splitlines() if mine in line],
                    timeout=30, what="the receiver's line")[0]
    assert "identity.worker_registered" in line
    stats = wait_for(lambda: (lambda s: s["delivered"] and s)(api.get(
        "{}/{}".format(DEPARTMENTS, department["id"]), headers=staff).json()["stats"]),
        what="counted delivered")
    assert stats["waiting"] == 0 and stats["failed"] == 0 and stats["last_delivery_at"]


def test_a_department_replays_with_its_own_key(api, register, new_worker):
    department, credentials = register()
    worker = new_worker()
    pseudonymous = pseudonym(KEY, department["id"], worker.id)
    received = []
    # Its own worker's event: another one (a staff account's, published late
    # by identity's relay) may come first.
    live = wait_for(lambda: received.extend(read_queue(credentials)) or [
        e for e in received if e["data"]["worker_id"] == pseudonymous], what="the live event")
    key = {"X-Department-Key": credentials["api_key"]}
    asked = api.post("/api/v1/feed/replays", json={"since": live[0]["time"]}, headers=key)
    assert asked.status_code == 202, asked.text
    done = wait_for(lambda: (lambda r: r["status"] == "done" and r)(api.get(
        "/api/v1/feed/replays/" + asked.json()["id"], headers=key).json()), what="replayed")
    replayed = [e for e in read_queue(credentials) if e["replayed"]]
    assert done["total"] == done["delivered"] == len(replayed) >= 1
    mine = [e for e in replayed if e["data"]["worker_id"] == pseudonymous]
    assert [e["id"] for e in mine] == [live[0]["id"]]
    assert_error(api.post("/api/v1/feed/replays", json={"since": live[0]["time"]},
                          headers={"X-Department-Key": "hyd_wrong"}), 401,
                 "DEPARTMENT_KEY_INVALID")
    assert_error(api.post("/api/v1/feed/replays", json={"since": live[0]["time"]}), 422,
                 "VALIDATION_FAILED")


@pytest.mark.parametrize("fields,code", [
    ({"event_types": ["identity.no_such_event"]}, "VALIDATION_FAILED"),
    ({"event_types": []}, "VALIDATION_FAILED"),
    ({"delivery": "https"}, "VALIDATION_FAILED"),
    ({"delivery": "amqp", "webhook_url": "https://example.org/hook"}, "VALIDATION_FAILED"),
    ({"delivery": "https", "webhook_url": "https://10.0.0.8/hook"}, "WEBHOOK_URL_REFUSED"),
    ({"delivery": "https", "webhook_url": "http://[::1]:9/hook"}, "WEBHOOK_URL_REFUSED"),
    ({"name": ""}, "VALIDATION_FAILED"),
])
def test_bad_registrations_are_refused_and_write_nothing(api, staff, nothing_written,
                                                         fields, code):
    body = {"name": "县民政局", "contact": "社会救助科", "purpose": "困难职工帮扶",
            "event_types": ["jobs.job_posted"], "delivery": "amqp"}
    body.update(fields)
    with nothing_written():
        assert_error(api.post(DEPARTMENTS, json=body, headers=staff), 422, code)


def test_only_staff_manage_departments(api, new_worker):
    worker = new_worker()
    assert_error(api.get(DEPARTMENTS, headers=worker.headers), 403, "FORBIDDEN")
    assert_error(api.get(DEPARTMENTS), 401, "AUTH_REQUIRED")
