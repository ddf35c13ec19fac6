"""`make run` is supervised (scripts/run.py, supervisord): a process that dies
is restarted while the others keep serving, the embedded database too (the
services reconnect to it rather than restart), the demo loader's failure
stops nothing, and Ctrl-C (or the terminal closing) stops every process.

Each test runs its own `make run` (own var/, ports, vhost and database); the
two are started side by side (``make_runs``)."""
import contextlib
import os
import signal
import uuid

import pytest
import requests

import services
from scripts import demo
from scripts.staff import ensure_staff
from tests.conftest import unique_phone
from tests.support.broker import wait_for
from tests.support.make_run import MakeRun, living_in

pytestmark = pytest.mark.slow

SERVED = tuple(services.names()) + ("gateway",)


def settings(make_vhost):
    return {"AMQP_URI": make_vhost(),
            "MONGO_DB_PREFIX": "run{}_".format(uuid.uuid4().hex[:8])}


def take_the_demo_staff_phone(mongo_uri, settings):
    """The demo's staff phone taken already, with another password: the
    loader's staff login is refused (401), which no retry can cure."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MONGO_URI", mongo_uri)
        patch.setenv("MONGO_DB_PREFIX", settings["MONGO_DB_PREFIX"])
        ensure_staff(demo.STAFF["phone"], "Another2026pass", "另一位老师")


@pytest.fixture(scope="module")
def make_runs(make_vhost, mongo_uri, tmp_path_factory):
    """Each test's `make run`, both started at once: most of the 15 s or so
    before supervisord calls a process RUNNING (startsecs), which both tests
    wait for, is waiting, and side by side they wait it out once. Each test
    stops its own; one a failed test left running is stopped here."""
    supervised, failing = settings(make_vhost), settings(make_vhost)
    take_the_demo_staff_phone(mongo_uri, failing)
    with contextlib.ExitStack() as stack:
        yield {
            # The embedded database too runs under supervisord here.
            "supervised": stack.enter_context(
                MakeRun(tmp_path_factory.mktemp("supervised"), supervised)),
            "failing_demo": stack.enter_context(
                MakeRun(tmp_path_factory.mktemp("failing-demo"),
                        dict(failing, MONGO_URI=mongo_uri))),
        }


def new_worker(url):
    """A worker registered and logged in: their headers."""
    worker = dict(demo.WORKERS[0], phone=unique_phone())
    demo.call("POST", url + "/api/v1/auth/register", json=worker)
    return demo.log_in(url, worker["phone"], worker["password"])


def answers(url, path, headers):
    try:
        return requests.get(url + path, headers=headers, timeout=10).status_code == 200
    except requests.RequestException:
        return False


def same_pids(now, before, names):
    return {name: now.get(name) for name in names} == {name: before[name] for name in names}


def assert_stopped_by(run, signum):
    assert run.interrupt(signum) == 0, run.console()[-3000:]
    assert living_in(run.groups) == []


def test_a_killed_service_or_database_comes_back_and_the_others_keep_serving(make_runs):
    run = make_runs["supervised"]
    run.wait_until_healthy()
    before = run.wait_until_running(SERVED + ("mongo",))
    headers = new_worker(run.url)
    # The staff console `make run` builds (make console) is served.
    assert answers(run.url, "/console/", {})

    os.kill(before["ledger"], signal.SIGKILL)
    # identity and the gateway answer while the ledger is restarted ...
    assert answers(run.url, "/api/v1/me", headers)
    restarted = run.wait_until_restarted("ledger", before["ledger"])
    # ... and the ledger answers again.
    wait_for(lambda: answers(run.url, "/api/v1/me/points", headers), timeout=60,
             interval=0.5, what="the restarted ledger")

    os.kill(before["mongo"], signal.SIGKILL)
    run.wait_until_restarted("mongo", before["mongo"])
    wait_for(lambda: answers(run.url, "/api/v1/me", headers), timeout=60,
             interval=0.5, what="identity reading the restarted database")
    now = run.pids()
    # Nothing else was restarted: the services reconnected on their own.
    assert same_pids(now, before, [name for name in SERVED if name != "ledger"])
    assert now["ledger"] == restarted

    assert_stopped_by(run, signal.SIGINT)  # Ctrl-C


def test_the_demo_loader_failing_is_reported_and_stops_nothing(make_runs):
    run = make_runs["failing_demo"]  # the demo's staff phone was taken before it started
    run.wait_until_healthy()
    loader = run.wait_until_exited("demo")
    assert loader["exitstatus"] == 1
    assert "demo: loading the demo data failed at the worker {}: POST /api/v1/auth/login " \
        "answered 401".format(demo.APPROVED) in run.console()

    running = run.wait_until_running(SERVED)
    assert answers(run.url, "/health", {})
    assert answers(run.url, "/api/v1/me", new_worker(run.url))
    assert same_pids(run.pids(), running, SERVED)

    assert_stopped_by(run, signal.SIGHUP)  # the terminal closed
