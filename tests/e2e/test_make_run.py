"""`make run` is supervised (scripts/run.py, supervisord): a process that dies
is restarted while the others keep serving, the embedded database too (the
services reconnect to it rather than restart), the demo loader's failure
stops nothing, and Ctrl-C (or the terminal closing) stops every process.

Each test runs its own `make run` (own var/, ports, vhost and database)."""
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


@pytest.fixture
def settings(make_vhost):
    return {"AMQP_URI": make_vhost(),
            "MONGO_DB_PREFIX": "run{}_".format(uuid.uuid4().hex[:8])}


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


def test_a_killed_service_or_database_comes_back_and_the_others_keep_serving(
        tmp_path, settings):
    with MakeRun(tmp_path, settings) as run:
        run.wait_until_healthy()
        before = run.wait_until_running(SERVED + ("mongo",))
        headers = new_worker(run.url)

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


def test_the_demo_loader_failing_is_reported_and_stops_nothing(
        tmp_path, settings, mongo_uri, monkeypatch):
    # The demo's staff phone taken already, with another password: the
    # loader's staff login is refused (401), which no retry can cure.
    monkeypatch.setenv("MONGO_URI", mongo_uri)
    monkeypatch.setenv("MONGO_DB_PREFIX", settings["MONGO_DB_PREFIX"])
    ensure_staff(demo.STAFF["phone"], "Another2026pass", "另一位老师")
    with MakeRun(tmp_path, dict(settings, MONGO_URI=mongo_uri)) as run:
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
