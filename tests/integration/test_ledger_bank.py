"""The ledger under faults, in the style of Jepsen's bank test.

Real ledger processes (``python -m shared.run ledger``, two of them) consume
real RabbitMQ queues and write to the embedded MongoDB-wire server, while
this test earns, spends, adjusts and reverses concurrently and SIGKILLs the
processes along the way. Afterwards a checker reads the database: every
balance is the sum of its entries, none is negative, every earning event was
applied exactly once (published twice or redelivered after a kill), every
acknowledged redemption is there, no stock went below zero, and the
reconciliation command (`make reconcile`) reports zero drift.

A transaction of a SIGKILLed process stays open on the server until its
lifetime ends (60 s on MongoDB and SecantusDB alike); meanwhile its
documents refuse other writers (they are retried or requeued, never lost).
To keep the test short, after each kill it asks the server to abort open
transactions (``killAllSessions``), which is what that timeout does later.
This also aborts the surviving process's transactions in flight: one more
fault it must retry through.
"""
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone

import pytest
from kombu import Connection, Producer

from scripts.system import ROOT, service_command
from services.ledger import reports
from services.ledger.service import LedgerService
from shared.caller import Caller
from shared.errors import Conflict
from shared.clock import utcnow
from shared.events import new_event
from shared.topology import events_exchange, handled_events, queue_name
from tests.support import broker
from tests.support.broker import wait_for
from tests.support.callers import STAFF

pytestmark = pytest.mark.slow

POINTS_PER_CLASS = 5
RULES = [{"code": "class_attended", "label": "盐工学堂", "points": POINTS_PER_CLASS}]
ATTENDED_QUEUE = queue_name("courses", "class_attended", "ledger", "handle_class_attended")
LEDGER_QUEUES = [queue_name(*s) for s in handled_events(LedgerService)]
PROCESSES = 2

WORKERS = 10
EARNERS, EVENTS_PER_EARNER = 3, 70
DUPLICATE_SHARE = 0.2          # of earning events published a second time
SPENDERS = 3
LOAD_SECONDS = 14              # spenders and staff stop after this
KILLS_AT = (2.5, 6.0, 9.5)     # seconds into the load: SIGKILL ledger 0, 1, 0
REWARDS = ({"name": "红驿保温杯", "cost": 7, "stock": 30},
           {"name": "矿泉水", "cost": 3, "stock": 1000})
NO_ANSWER_RETRIES = 8


def ledger_env(amqp_uri, mongo_uri, db_prefix):
    return dict(os.environ, AMQP_URI=amqp_uri, MONGO_URI=mongo_uri,
                MONGO_DB_PREFIX=db_prefix, EVENTLET_NO_GREENDNS="yes")


class LedgerProcesses:
    """Ledger processes started the way every service runs (scripts/system.py)."""

    def __init__(self, env, log_dir):
        self.env, self.log_dir = env, log_dir
        self.running = []
        self.killed = []

    def start(self, index):
        with open(self.log_dir / "ledger-{}.log".format(index), "ab") as log:
            process = subprocess.Popen(service_command("ledger"), cwd=ROOT, env=self.env,
                                       stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        if index < len(self.running):
            self.running[index] = process
        else:
            self.running.append(process)
        return process

    def kill(self, index, sig=signal.SIGKILL):
        process = self.running[index]
        if process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(timeout=30)
        self.killed.append(process.returncode)

    def stop(self):
        for index, process in enumerate(self.running):
            if process.poll() is None:
                self.kill(index, signal.SIGTERM)


def consumers(amqp_uri):
    return broker.queue_state(amqp_uri, ATTENDED_QUEUE)[1]


@pytest.fixture(scope="module")
def amqp_uri(make_vhost):
    """A vhost of its own: in the tier's, services of earlier tests publish
    late events (a class_attended from the courses tests reached these
    ledgers), and the checker must see exactly the events of its run."""
    return make_vhost()


@pytest.fixture
def ledgers(amqp_uri, mongo_uri, db_prefix, tmp_path):
    processes = LedgerProcesses(ledger_env(amqp_uri, mongo_uri, db_prefix), tmp_path)
    for index in range(PROCESSES):
        processes.start(index)
    wait_for(lambda: broker.queue_exists(amqp_uri, ATTENDED_QUEUE)
             and consumers(amqp_uri) == PROCESSES, timeout=60, interval=0.3,
             what="both ledger processes consuming")
    yield processes
    processes.stop()


@pytest.fixture
def ledger_db(databases):
    return databases("ledger")


def reap_open_transactions(mongo_client):
    """What the server does to a dead client's transactions when their
    lifetime ends, done now (see the module's docstring)."""
    mongo_client.admin.command("killAllSessions", [])


class Publisher:
    """Earning events as courses publishes them: JSON, persistent, to the
    topic exchange ``courses.events``. One connection per thread."""

    def __init__(self, amqp_uri):
        self.connection = Connection(amqp_uri)
        self.producer = Producer(self.connection.channel(),
                                 exchange=events_exchange("courses"), serializer="json")

    def publish(self, envelope, source="courses"):
        self.producer.publish(envelope, routing_key=envelope["type"], delivery_mode=2,
                              exchange=events_exchange(source).name)

    def close(self):
        self.connection.close()


def publish_once(amqp_uri, envelope):
    publisher = Publisher(amqp_uri)
    try:
        publisher.publish(envelope)
    finally:
        publisher.close()


def register(amqp_uri, worker_ids):
    """The accounts open from identity's worker_registered, as in production."""
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), serializer="json")
        for n, worker_id in enumerate(worker_ids):
            producer.publish(new_event("identity", "worker_registered", {
                "worker_id": worker_id, "name": "骑手{:02d}".format(n),
                "phone_masked": "139****{:04d}".format(n), "occupation": "food_delivery",
                "platform": "饿了么", "district": "武原街道", "roles": ["worker"],
                "registered_at": datetime.now(timezone.utc)}, now=utcnow()),
                routing_key="worker_registered", delivery_mode=2,
                exchange=events_exchange("identity").name)


def attended(worker_id):
    now = datetime.now(timezone.utc)
    return new_event("courses", "class_attended", {
        "class_id": "c-" + uuid.uuid4().hex[:10], "worker_id": worker_id,
        "category": "tea_art", "hours": 2.0, "attended_at": now}, now=utcnow())


def with_retries(call):
    """A client's way with a ledger under faults: the same request (same
    Idempotency-Key) again on LEDGER_BUSY and when no answer came (the
    process that had it was killed; nameko redelivers it to another, but
    the caller may have given up first). Returns the answer or the error code."""
    for _ in range(NO_ANSWER_RETRIES):
        try:
            return call()
        except Conflict as error:
            if error.code != "LEDGER_BUSY":
                return error.code
        except Exception as error:  # noqa: BLE001 (timeout, connection lost)
            if getattr(error, "code", None) and error.code != "LEDGER_BUSY":
                return error.code
        time.sleep(0.2)
    return "NO_ANSWER"


class Run:
    """What the load did and what it was told."""

    def __init__(self):
        self.lock = threading.Lock()
        self.published = set()        # unique earning event ids
        self.published_twice = 0
        self.redeemed = {}            # (worker, key) -> redemption answer
        self.refused = Counter()
        self.replays_differing = []
        self.adjusted = {}            # key -> entry answer
        self.reversed = Counter()
        self.errors = []


def earner(amqp_uri, worker_ids, run, rng):
    publisher = Publisher(amqp_uri)
    try:
        for _ in range(EVENTS_PER_EARNER):
            envelope = attended(rng.choice(worker_ids))
            publisher.publish(envelope)
            twice = rng.random() < DUPLICATE_SHARE
            if twice:
                publisher.publish(envelope)  # the same event delivered twice
            with run.lock:
                run.published.add(envelope["id"])
                run.published_twice += twice
            time.sleep(rng.uniform(0.01, 0.1))
    finally:
        publisher.close()


def spender(rpc_as, workers, rewards, run, rng, until):
    proxies = {w.id: rpc_as(w).ledger for w in workers}
    while time.monotonic() < until:
        worker = rng.choice(workers)
        reward = rng.choice(rewards)
        key = "bank-" + uuid.uuid4().hex[:16]
        answer = with_retries(lambda: proxies[worker.id].redeem_reward(
            reward["id"], idempotency_key=key))
        if isinstance(answer, dict):
            run.redeemed[(worker.id, key)] = answer
            if rng.random() < 0.2:  # the app retries a tap that did answer
                again = with_retries(lambda: proxies[worker.id].redeem_reward(
                    reward["id"], idempotency_key=key))
                if again != answer:
                    run.replays_differing.append((answer, again))
        else:
            run.refused[answer] += 1
        time.sleep(rng.uniform(0.0, 0.05))


def staff_desk(rpc_as, ledger_db, worker_ids, run, rng, until):
    desk = rpc_as(STAFF).ledger
    while time.monotonic() < until:
        if rng.random() < 0.5:
            key = "bank-adj-" + uuid.uuid4().hex[:12]
            request = {"worker_id": rng.choice(worker_ids),
                       "amount": rng.choice([10, 20, -3, -8]), "reason": "故障演练调整"}
            answer = with_retries(lambda: desk.adjust_points(request, idempotency_key=key))
            if isinstance(answer, dict):
                run.adjusted[key] = answer
            else:
                run.refused["adjust:" + answer] += 1
        else:
            candidates = list(ledger_db.entries.aggregate([
                {"$match": {"kind": {"$in": ["award", "adjustment", "redemption"]}}},
                {"$sample": {"size": 1}}]))
            if candidates:
                answer = with_retries(lambda: desk.reverse_entry(
                    candidates[0]["_id"], {"reason": "故障演练撤销"}))
                run.reversed["done" if isinstance(answer, dict) else answer] += 1
        time.sleep(rng.uniform(0.05, 0.2))


def killer(ledgers, mongo_client, amqp_uri, started):
    for n, at in enumerate(KILLS_AT):
        time.sleep(max(0.0, started + at - time.monotonic()))
        index = n % PROCESSES
        ledgers.kill(index)
        reap_open_transactions(mongo_client)
        ledgers.start(index)


def guarded(run, target, *args):
    def body():
        try:
            target(*args)
        except Exception as error:  # noqa: BLE001 (reported by the test)
            run.errors.append(repr(error))
    return threading.Thread(target=body)


def drained(amqp_uri, ledger_db, run):
    """Every queue of the ledger empty and every earning event applied."""
    if any(broker.queue_state(amqp_uri, name)[0] for name in LEDGER_QUEUES):
        return False
    applied = ledger_db.processed_events.count_documents(
        {"_id": {"$regex": "^handle_class_attended:"}})
    return applied == len(run.published)


def test_concurrent_earning_spending_and_reversals_with_ledgers_killed_keep_the_books(
        ledgers, ledger_db, mongo_client, amqp_uri, mongo_uri, db_prefix, rpc_as):
    desk = rpc_as(STAFF).ledger
    desk.set_rules({"rules": RULES})
    rewards = [desk.create_reward(dict(r)) for r in REWARDS]
    workers = [Caller(id="bank-" + uuid.uuid4().hex[:10], roles=("worker",), session_id="s")
               for _ in range(WORKERS)]
    worker_ids = [w.id for w in workers]
    register(amqp_uri, worker_ids)
    wait_for(lambda: ledger_db.accounts.count_documents({"_id": {"$in": worker_ids}})
             == WORKERS, timeout=30, what="the accounts to open")

    run = Run()
    rng = random.Random(2026)
    started = time.monotonic()
    until = started + LOAD_SECONDS
    threads = [guarded(run, earner, amqp_uri, worker_ids, run, random.Random(rng.random()))
               for _ in range(EARNERS)]
    threads += [guarded(run, spender, rpc_as, workers, rewards, run,
                        random.Random(rng.random()), until) for _ in range(SPENDERS)]
    threads.append(guarded(run, staff_desk, rpc_as, ledger_db, worker_ids, run,
                           random.Random(rng.random()), until))
    threads.append(guarded(run, killer, ledgers, mongo_client, amqp_uri, started))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(LOAD_SECONDS + 60)
    load_seconds = time.monotonic() - started
    assert run.errors == []
    assert ledgers.killed == [-signal.SIGKILL] * len(KILLS_AT)

    wait_for(lambda: consumers(amqp_uri) == PROCESSES, timeout=60, interval=0.3,
             what="the restarted ledgers consuming")
    wait_for(lambda: drained(amqp_uri, ledger_db, run), timeout=60, interval=0.5,
             what="the ledger to apply the backlog")
    # What the killed processes left unpublished, the relay's timer sends.
    wait_for(lambda: ledger_db.outbox.count_documents({"sent_at": None}) == 0,
             timeout=30, interval=0.5, what="the outbox to drain")

    check_books(ledger_db, worker_ids, run, rewards)
    # The operators' command, run as they run it, reports no drift.
    command = subprocess.run([sys.executable, "-m", "scripts.reconcile"], cwd=ROOT,
                             env=ledger_env(amqp_uri, mongo_uri, db_prefix),
                             capture_output=True, text=True, timeout=60)
    assert command.returncode == 0, command.stdout + command.stderr
    assert "no drift" in command.stdout
    assert "{} accounts".format(WORKERS) in command.stdout

    print("\nbank: {:.1f} s of load, {} earning events ({} published twice), {} "
          "redemptions, {} refused {}, {} adjustments, reversals {}, kills {}".format(
              load_seconds, len(run.published), run.published_twice, len(run.redeemed),
              sum(run.refused.values()), dict(run.refused), len(run.adjusted),
              dict(run.reversed), len(ledgers.killed)))


def check_books(db, worker_ids, run, rewards):
    entries = list(db.entries.find())
    by_source = Counter(entry["source"] for entry in entries)
    # Every source applied exactly once: each earning event one entry, each
    # cause (event, redemption, adjustment, reversal) one entry at most.
    assert [s for s, n in by_source.items() if n > 1] == []
    earned = {s.split(":", 1)[1] for s in by_source if s.startswith("courses.class_attended:")}
    assert earned == run.published
    assert all(e["amount"] == POINTS_PER_CLASS for e in entries if e["kind"] == "award")

    # Every balance is the sum of its entries, its entries in seq order are a
    # running sum, and nothing is or ever was negative.
    per_worker = {}
    for entry in entries:
        per_worker.setdefault(entry["worker_id"], []).append(entry)
    assert set(per_worker) <= set(worker_ids)
    for account in db.accounts.find({"_id": {"$in": worker_ids}}):
        mine = sorted(per_worker.get(account["_id"], []), key=lambda e: e["seq"])
        assert account["balance"] == sum(e["amount"] for e in mine), account
        assert account["balance"] >= 0
        assert [e["seq"] for e in mine] == list(range(1, len(mine) + 1))
        running = 0
        for entry in mine:
            running += entry["amount"]
            assert entry["balance_after"] == running >= 0, entry
        assert reports.reconcile(db, account["_id"])["ok"]

    # Every acknowledged redemption is there, with its entry; the answers of
    # a replayed key were the first answer.
    assert run.replays_differing == []
    entry_ids = {entry["_id"] for entry in entries}
    for (worker_id, key), answer in run.redeemed.items():
        stored = db.redemptions.find_one({"worker_id": worker_id, "key": key})
        assert stored is not None and stored["_id"] == answer["id"]
        assert stored["entry_id"] in entry_ids
    redemptions = list(db.redemptions.find())
    assert len(redemptions) == sum(1 for e in entries if e["kind"] == "redemption")
    cancelled = {r["entry_id"] for r in redemptions if r["status"] == "cancelled"}
    reversed_ids = {e["reverses"] for e in entries if e["kind"] == "reversal"}
    assert cancelled == {r["entry_id"] for r in redemptions} & reversed_ids
    for answer in run.adjusted.values():
        assert answer["id"] in entry_ids

    # Stock never below zero: what is left and what was taken add up.
    for reward, spec in zip(rewards, REWARDS):
        stored = db.rewards.find_one({"_id": reward["id"]})
        held = sum(1 for r in redemptions
                   if r["reward_id"] == reward["id"] and r["status"] == "redeemed")
        assert stored["stock"] >= 0
        assert (stored["stock"], stored["redeemed"]) == (spec["stock"] - held, held)

    report = reports.reconcile(db)
    assert report["ok"], report["mismatches"]
    assert report["entries"] == len(entries)
    assert db.dead_letters.count_documents({}) == 0


# ---- one event, its handler killed ---------------------------------------------

def test_an_event_redelivered_after_the_ledger_was_killed_mid_handler_applies_once(
        ledgers, ledger_db, mongo_client, amqp_uri, rpc_as):
    rpc_as(STAFF).ledger.set_rules({"rules": RULES})
    worker_id = "kill-" + uuid.uuid4().hex[:10]
    register(amqp_uri, [worker_id])
    wait_for(lambda: ledger_db.accounts.find_one({"_id": worker_id}),
             what="the account to open")
    # Hold the account in an open transaction, as a concurrent writer would:
    # the handler's own transaction conflicts and is retried inside the
    # handler, so the event stays in hand (delivered, not acked) until the kill.
    blocker = mongo_client.start_session()
    blocker.start_transaction()
    ledger_db.accounts.update_one({"_id": worker_id}, {"$set": {"held": True}},
                                  session=blocker)
    try:
        envelope = attended(worker_id)
        publish_once(amqp_uri, envelope)
        wait_for(lambda: broker.queue_state(amqp_uri, ATTENDED_QUEUE)[0] == 0,
                 what="a ledger to take the event")
        time.sleep(1.0)  # the handler is in its retries
        assert ledger_db.entries.count_documents({"worker_id": worker_id}) == 0
        for index in range(PROCESSES):
            ledgers.kill(index)  # SIGKILL: no ack, whichever process had it
        # Back in the queue, nobody consuming.
        wait_for(lambda: broker.queue_state(amqp_uri, ATTENDED_QUEUE) == (1, 0),
                 what="the event back in the queue")
    finally:
        blocker.abort_transaction()
        blocker.end_session()
    reap_open_transactions(mongo_client)

    for index in range(PROCESSES):
        ledgers.start(index)
    source = "courses.class_attended:" + envelope["id"]
    wait_for(lambda: ledger_db.entries.find_one({"source": source}), timeout=60,
             what="the event applied after the restart")
    wait_for(lambda: broker.queue_state(amqp_uri, ATTENDED_QUEUE) == (0, PROCESSES),
             timeout=30, what="the message acked")
    # Delivered once more, as a producer's retry would: still nothing new.
    publish_once(amqp_uri, envelope)
    wait_for(lambda: broker.queue_state(amqp_uri, ATTENDED_QUEUE)[0] == 0,
             what="the duplicate taken")
    time.sleep(1.0)
    assert ledger_db.entries.count_documents({"worker_id": worker_id}) == 1
    assert ledger_db.entries.count_documents({"source": source}) == 1
    assert ledger_db.processed_events.count_documents(
        {"_id": "handle_class_attended:" + envelope["id"]}) == 1
    account = ledger_db.accounts.find_one({"_id": worker_id})
    assert (account["balance"], account["seq"]) == (POINTS_PER_CLASS, 1)
    assert "held" not in account  # the blocker's write was rolled back
    assert ledger_db.dead_letters.count_documents({}) == 0
    assert reports.reconcile(ledger_db, worker_id)["ok"]


# ---- the reconciliation command ---------------------------------------------------

def test_the_reconcile_command_reports_drift_and_exits_non_zero(
        ledger_db, mongo_uri, db_prefix, monkeypatch, capsys):
    from scripts import reconcile
    from services.ledger.storage import LedgerStore
    LedgerStore.prepare(ledger_db)
    store = LedgerStore(ledger_db)
    facts = {"worker_id": "drift-1", "name": "林家浩", "district": "武原街道",
             "occupation": "courier"}
    store.in_transaction(lambda session: store.remember_worker(facts, datetime.now(timezone.utc),
                                                      session))
    store.adjust(STAFF.id, {"worker_id": "drift-1", "amount": 30, "reason": "期初积分"},
                 "drift-opening", datetime.now(timezone.utc))
    monkeypatch.setenv("MONGO_URI", mongo_uri)
    monkeypatch.setenv("MONGO_DB_PREFIX", db_prefix)

    assert reconcile.main([]) == 0
    assert "1 accounts, 1 entries" in capsys.readouterr().out

    # A balance changed behind the ledger's back is drift, named and counted.
    ledger_db.accounts.update_one({"_id": "drift-1"}, {"$inc": {"balance": 5}})
    assert reconcile.main(["--worker-id", "drift-1"]) == 1
    out = capsys.readouterr().out
    assert "DRIFT: 2 mismatches" in out
    assert "drift-1  balance_is_sum_of_entries: expected 30, found 35" in out
    assert reconcile.main(["--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert not report["ok"] and report["database"] == db_prefix + "ledger"
    assert {m["problem"] for m in report["mismatches"]} == {
        "balance_is_sum_of_entries", "balance_is_sum_of_lots"}
