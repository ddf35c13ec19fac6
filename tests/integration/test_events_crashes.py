"""Crashes: a consumer killed in the middle of a handler, a broker restart.
Each event is still applied exactly once in the end."""
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import kombu.pools
import pytest

from shared.clock import utcnow
from shared.topology import queue_name
from scripts.rabbit_vhost import rabbitmqctl
from tests.support import broker
from tests.support.broker import wait_for
from tests.support.subscriber import SUBSCRIPTIONS

ROOT = Path(__file__).resolve().parents[2]
REGISTERED_QUEUE = queue_name(*SUBSCRIPTIONS[0])
# MongoDB's (and SecantusDB's) transactionLifetimeLimitSeconds default.
TRANSACTION_LIFETIME = 60
# How many times the restarted consumer is seen to take the event and give it
# back (retried in the handler, then requeued) before the dead consumer's
# transaction is aborted.
DELIVERIES_REFUSED = 2


class SubscriberProcess:
    """tests/support/subscriber.py run the way every service runs."""

    def __init__(self, env, log_path):
        self.env = dict(os.environ, EVENTLET_NO_GREENDNS="yes", **env)
        self.log_path = log_path
        self.process = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "shared.run", "tests.support.subscriber"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        return self

    def kill(self, sig=signal.SIGKILL):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def subscriber_process(amqp_uri, mongo_uri, db_prefix, tmp_path):
    processes = []

    def start():
        running = SubscriberProcess(
            {"AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri, "MONGO_DB_PREFIX": db_prefix,
             "LOG_LEVEL": "INFO"},  # the warnings read below
            tmp_path / "subscriber.log").start()
        processes.append(running)
        wait_for(lambda: running.process.poll() is None
                 and broker.queue_state(amqp_uri, REGISTERED_QUEUE)[1] == 1,
                 timeout=60, what="the subscriber process consuming")
        return running
    yield start
    for running in processes:
        running.kill(signal.SIGTERM)


def registered_event_id(identity_db, worker_id):
    return identity_db.outbox.find_one({"type": "worker_registered",
                                        "envelope.data.worker_id": worker_id})["_id"]


def deliveries_refused(running, event_id):
    """How many deliveries of the event failed at their first attempt in the
    subscriber's log (shared/inbox.py logs each failed attempt; the killed
    one failed none): a second means the first, its retries used up, went
    back to the queue and came again."""
    text = running.log_path.read_text(encoding="utf-8", errors="replace")
    return text.count("failed on event {} (attempt 1)".format(event_id))


def abort_open_transactions(mongo_client):
    """What the server does to a dead process's transaction when its lifetime
    ends, done now: every open transaction is aborted (the live ones' writers
    retry, as after any write conflict)."""
    mongo_client.admin.command("killAllSessions", [])


@pytest.mark.slow
def test_a_consumer_killed_mid_handler_applies_the_event_once_after_restart(
        identity_declaring, subscriber_process, anonymous, make_registration,
        identity_db, audit, amqp_uri, mongo_client):
    audit.set_knob(sleep_seconds=60)  # inside the transaction, before commit
    first = subscriber_process()
    profile = anonymous.identity.register_worker(make_registration())
    event_id = registered_event_id(identity_db, profile["id"])
    wait_for(lambda: audit.attempts(event_id), what="the handler to start")

    first.kill()  # SIGKILL mid-handler: no ack, no commit
    assert audit.applied(event_id) == 0 and audit.processed(event_id) == 0
    assert broker.queue_state(amqp_uri, REGISTERED_QUEUE) == (1, 0)  # back in the queue

    audit.set_knob()
    second = subscriber_process()
    # The dead consumer's transaction still holds the event's processed_events
    # key until the server aborts it (transaction lifetime, 60 s): meanwhile
    # the redelivery meets a write conflict, is retried, then requeued (not
    # dead-lettered) and delivered again, for as long as that takes.
    wait_for(lambda: deliveries_refused(second, event_id) >= DELIVERIES_REFUSED,
             timeout=TRANSACTION_LIFETIME - 10, interval=0.5,
             what="the redelivery refused, requeued and delivered again")
    assert audit.applied(event_id) == 0 and audit.dead_letters() == []
    # Then the lifetime's end, without sitting out the rest of it (SecantusDB
    # takes no transactionLifetimeLimitSeconds, by setParameter or option),
    # as tests/integration/test_ledger_bank.py does after its kills.
    abort_open_transactions(mongo_client)
    wait_for(lambda: audit.applied(event_id), timeout=30, interval=0.5,
             what="applied after restart")
    wait_for(lambda: broker.queue_state(amqp_uri, REGISTERED_QUEUE)[0] == 0,
             what="the message acked")
    second.kill(signal.SIGTERM)  # graceful: would return anything unacked
    assert broker.queue_state(amqp_uri, REGISTERED_QUEUE) == (0, 0)
    assert audit.attempts(event_id) == 2
    assert audit.applied(event_id) == 1 and audit.processed(event_id) == 1
    assert audit.count("worker_registered", profile["id"]) == 1
    assert audit.dead_letters() == []


def publish_attempts(identity_db, event_id):
    return identity_db.outbox.find_one({"_id": event_id})["publish_attempts"]


def broker_is_ours():
    return not os.environ.get("TEST_AMQP_URI") and shutil.which("rabbitmqctl")


@pytest.mark.slow
@pytest.mark.exclusive
@pytest.mark.skipif(not broker_is_ours(), reason="needs rabbitmqctl for this machine's broker")
def test_after_a_broker_restart_an_event_left_in_the_outbox_is_applied_once(
        subscriber, identity_store, identity_db, make_registration, rpc_as, audit):
    body = make_registration()
    try:
        rabbitmqctl("stop_app")
        wait_for(lambda: not broker.port_accepts(), what="the broker to stop")
        # A registration that committed just as the broker died: its event is
        # in the outbox and nothing could publish it.
        worker, events = identity_store.create_worker(
            {k: v for k, v in body.items() if k != "password"}, "hash", utcnow())
        event_id = events[0]["id"]
        # identity's timer tries, fails, and tries again while the broker is
        # down: a failed publish gives its claim back at once.
        # (Within 20 s: the claim lease, 30 s, must not hold it back.)
        wait_for(lambda: publish_attempts(identity_db, event_id) >= 2,
                 what="the timer to try twice while the broker is down")
    finally:
        rabbitmqctl("start_app")
        wait_for(broker.port_accepts, timeout=60, what="the broker to start")
        # kombu's process-wide pool still holds connections that died with the
        # broker, and nameko's get_connection (used by a container's setup)
        # takes one without retrying: let later tests' containers connect anew.
        kombu.pools.reset()

    wait_for(lambda: audit.applied(event_id), timeout=60, what="applied after the restart")
    entry = identity_db.outbox.find_one({"_id": event_id})
    assert entry["sent_at"] is not None
    assert audit.applied(event_id) == 1 and audit.processed(event_id) == 1
    assert audit.count("worker_registered", worker["_id"]) == 1

    # Both services are back: a new registration goes all the way through.
    profile = rpc_as(None).identity.register_worker(make_registration())
    second_id = registered_event_id(identity_db, profile["id"])
    wait_for(lambda: audit.applied(second_id), timeout=30, what="a registration after")
    assert audit.applied(event_id) == 1 and audit.dead_letters() == []
