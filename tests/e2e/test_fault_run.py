"""The whole-system fault run (issue 16): a real `make run` (supervisord,
demo data) takes a mix of bookings, lesson completions, quiz passes,
redemptions and staff adjustments from a few client threads for
LOAD_SECONDS, while every few seconds one service process or the gateway
is SIGKILLed and supervisord starts it again. The clients retry as the
README says (503, 504, no connection, or 409 BUSY / LEDGER_BUSY: the same
request, the same Idempotency-Key) until each request has a definitive
answer.

Afterwards, read from each service's own database:

1. exactly the seats (201) and waitlist places (202) acknowledged are held,
   by the key that took them, and nothing more (nobody leaves in this run,
   so nobody is promoted from the waitlist);
2. every acknowledged point is on the statement once: one entry per
   acknowledged adjustment and redemption; lesson completions and quiz
   passes earn what the rules say (first only, the daily cap), once;
3. no balance differs from its entries (the reconciliation
   scripts/reconcile.py runs, and the sums here);
4. no event was lost or applied twice: every outbox is drained, every event
   a service handles has its processed record, the ledger's earnings one
   entry at most each, and nothing was dead-lettered.

Two summary lines (pytest -s) give the counts: what the load did, and
what each invariant checked. Routes without an Idempotency-Key are retried
too: completing a lesson and starting a quiz answer what the first call did
(200), and a submission sent again with the same answers answers the same
grade (200), even when it is the broker that sends it again: a process
killed after committing a submission and before answering has its message
redelivered, and the caller's first try gets that second answer.
"""
import os
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

import services
from scripts import demo, embedded_mongo
from services.ledger import reports
from shared.domain import china_day
from shared.mongo import connect, database_name
from shared.topology import handled_events, service_classes
from tests.conftest import unique_phone
from tests.support.broker import wait_for
from tests.support.fault_load import Client, Killer, Tally
from tests.support.make_run import MakeRun

pytestmark = pytest.mark.slow

LOAD_SECONDS = float(os.environ.get("FAULT_RUN_SECONDS", "45"))
SEED = int(os.environ.get("FAULT_RUN_SEED", str(random.randrange(10 ** 6))))
KILLED = tuple(services.names()) + ("gateway",)
KILL_INTERVAL_SECONDS = (3, 5)
LOAD_THREADS = 4
# Argon2 costs ~0.35 s of CPU per register and per login here.
WORKERS = 12
# (seats, waitlist places) of each class: fewer than the workers, so some
# wait and some are refused.
CLASSES = ((4, 3), (4, 3), (5, 2))
# (cost, stock): small enough that points earned in the run buy some.
REWARDS = ((5, 8), (15, 3))
QUIZZES = 2
RIGHT_ANSWERS_SHARE = 0.8
# An operation's retries end after this long without a definitive answer.
# A process restarted by supervisord answers again within seconds, but one
# killed in the middle of a transaction leaves it open, and what it wrote
# answers BUSY until the database aborts it: 60 s (README, Deadlines).
RETRY_SECONDS = 90
SETTLE_SECONDS = 90
PASSWORD = "Hongyi2026"
BOOKING_REFUSALS = ("ALREADY_BOOKED", "ALREADY_WAITLISTED", "CLASS_FULL",
                    "BOOKING_LIMIT_REACHED")
PERSON = {"occupation": "courier", "platform": "中通快递", "district": "武原街道"}


def iso_in(**delta):
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat()


def bearer(token):
    return {"Authorization": "Bearer " + token}


def keyed(headers):
    key = uuid.uuid4().hex
    return key, dict(headers, **{"Idempotency-Key": key})


@pytest.fixture
def fault_run(tmp_path, make_vhost):
    prefix = "fault{}_".format(uuid.uuid4().hex[:8])
    with MakeRun(tmp_path, {"AMQP_URI": make_vhost(), "MONGO_DB_PREFIX": prefix}) as run:
        run.wait_until_healthy()
        loader = run.wait_until_exited("demo", timeout=180)
        assert loader["exitstatus"] == 0, run.console()[-3000:]
        client = connect(embedded_mongo.uri_for(int(run.env["EMBEDDED_MONGO_PORT"])))
        try:
            yield run, lambda service: client[database_name(prefix, service)]
        finally:
            client.close()


# ---- setting up, through the public API (no faults yet) ----------------------

class World:
    """What the run set up, and what the clients were told (acknowledged)."""

    def __init__(self, url):
        self.url = url
        self.staff = demo.staff_session(url)
        self.staff_id = demo.call("GET", url + "/api/v1/me", headers=self.staff).json()["id"]
        self.lock = threading.Lock()
        self.seats, self.places = {}, {}   # key: (class, worker), from 201 / 202
        self.adjustments = {}              # key: (worker, amount), from 201
        self.redemptions = {}              # key: (worker, reward), from 201
        self.completions = set()           # (worker, lesson), from 201 / 200
        self.passes = set()                # (worker, quiz): a submission said passed

    def post(self, path, body=None):
        return demo.call("POST", self.url + path, headers=self.staff, json=body).json()

    def acknowledge(self, collection, item, value=None):
        with self.lock:
            if isinstance(collection, set):
                collection.add(item)
            else:
                collection[item] = value


def set_up(world):
    url, staff = world.url, world.staff
    version = demo.call("GET", url + "/api/v1/points/rules", headers=staff).json()["version"]
    world.rules = {rule["code"]: rule for rule in demo.call(
        "PUT", url + "/api/v1/points/rules", headers=staff,
        json={"rules": list(demo.POINT_RULES), "based_on_version": version}).json()["rules"]}
    # A few at a time: concurrent Argon2 hashes on 2 cores outlast the RPC timeout.
    with ThreadPoolExecutor(3) as pool:
        world.workers = list(pool.map(lambda _: new_worker(url), range(WORKERS)))
    world.classes = [open_class(world, seats, waitlist) for seats, waitlist in CLASSES]
    world.rewards = [world.post("/api/v1/rewards", {
        "name": "故障演练奖品{}".format(n), "description": "演练用", "cost": cost,
        "stock": stock})["id"] for n, (cost, stock) in enumerate(REWARDS)]
    world.lessons = [lesson["id"] for lesson in demo.all_items(url, staff, "/api/v1/lessons")]
    world.quizzes = dict(new_quiz(world) for _ in range(QUIZZES))


def new_worker(url):
    phone = unique_phone()
    registered = demo.call("POST", url + "/api/v1/auth/register", json=dict(
        PERSON, phone=phone, password=PASSWORD, name="骑手{}".format(phone[-4:]))).json()
    tokens = demo.call("POST", url + "/api/v1/auth/login",
                       json={"phone": phone, "password": PASSWORD}).json()
    return {"id": registered["id"], "headers": bearer(tokens["access_token"])}


def open_class(world, seats, waitlist):
    cls = world.post("/api/v1/classes", {
        "title": "故障演练课 " + uuid.uuid4().hex[:6], "category": "skills",
        "teacher": "沈老师", "venue": {"address": "海盐县武原街道 职工服务中心"},
        "seats": seats, "waitlist_limit": waitlist, "members_only": False,
        "starts_at": iso_in(days=5), "ends_at": iso_in(days=5, hours=2),
        "booking_opens_at": iso_in(minutes=-1)})
    world.post("/api/v1/classes/{}/publish".format(cls["id"]))
    return cls["id"]


def new_quiz(world):
    """(quiz id, {question id: the right choices}) over a topic of its own."""
    topic, answers = "fault-" + uuid.uuid4().hex[:8], {}
    for n in range(2):
        question = world.post("/api/v1/quiz-questions", {
            "kind": "single", "text": "{} 第{}题".format(topic, n), "topic": topic,
            "options": ["正确选项", "错误选项一", "错误选项二"], "answer": [0],
            "explanation": "解析"})
        answers[question["id"]] = question["answer"]
    quiz = world.post("/api/v1/quizzes", {
        "title": "演练{}".format(topic[-4:]), "topics": [topic], "question_count": 2,
        "time_limit_seconds": 600, "attempts_per_day": 20, "pass_mark": 60,
        "opens_at": iso_in(minutes=-1), "closes_at": iso_in(days=7)})
    return quiz["id"], answers


# ---- the load -----------------------------------------------------------------

class Load:
    """The operations, each one request (or two: a quiz is a start and a
    submission) retried to a definitive answer and acknowledged by it."""

    def __init__(self, world, client, tally, rng):
        self.world, self.client, self.tally, self.random = world, client, tally, rng

    def one(self, worker):
        kind = self.random.choice(("book", "complete_lesson", "pass_quiz", "redeem", "adjust"))
        self.tally.operation(kind)
        getattr(self, kind)(worker)

    def book(self, worker):
        cls = self.random.choice(self.world.classes)
        key, headers = keyed(worker["headers"])
        answer = self.client.request("POST", "/api/v1/classes/{}/bookings".format(cls),
                                     {201: None, 202: None, 409: BOOKING_REFUSALS},
                                     headers=headers)
        if answer is not None and answer.status == 201:
            self.world.acknowledge(self.world.seats, key, (cls, worker["id"]))
        elif answer is not None and answer.status == 202:
            self.world.acknowledge(self.world.places, key, (cls, worker["id"]))

    def complete_lesson(self, worker):
        lesson = self.random.choice(self.world.lessons)
        answer = self.client.request("POST", "/api/v1/lessons/{}/completion".format(lesson),
                                     {201: None, 200: None}, headers=worker["headers"])
        if answer is not None:
            self.world.acknowledge(self.world.completions, (worker["id"], lesson))

    def pass_quiz(self, worker):
        quiz = self.random.choice(sorted(self.world.quizzes))
        started = self.client.request("POST", "/api/v1/quizzes/{}/attempts".format(quiz),
                                      {201: None, 200: None, 409: ("DAILY_ATTEMPTS_USED",)},
                                      headers=worker["headers"])
        if started is None or started.status == 409:
            return
        attempt = started.json()
        right = self.random.random() < RIGHT_ANSWERS_SHARE
        body = {"answers": [{"question_id": q["id"],
                             "choices": self.world.quizzes[quiz][q["id"]] if right else [2]}
                            for q in attempt["questions"]]}
        path = "/api/v1/quiz-attempts/{}".format(attempt["id"])
        # The same answers again answer the same grade: a retry, or the broker
        # redelivering a submission whose process died before it answered.
        graded = self.client.request("POST", path + "/submission", {200: None},
                                     headers=worker["headers"], json=body)
        if graded is not None and graded.json()["passed"]:
            self.world.acknowledge(self.world.passes, (worker["id"], quiz))

    def redeem(self, worker):
        reward = self.random.choice(self.world.rewards)
        key, headers = keyed(worker["headers"])
        answer = self.client.request("POST", "/api/v1/rewards/{}/redemptions".format(reward),
                                     {201: None, 409: ("INSUFFICIENT_POINTS", "OUT_OF_STOCK")},
                                     headers=headers)
        if answer is not None and answer.status == 201:
            self.world.acknowledge(self.world.redemptions, key, (worker["id"], reward))

    def adjust(self, worker):
        amount = self.random.choice((3, 10, 25, -4))
        key, headers = keyed(self.world.staff)
        answer = self.client.request("POST", "/api/v1/points/adjustments",
                                     {201: None, 409: ("INSUFFICIENT_POINTS",)},
                                     headers=headers, json={
                                         "worker_id": worker["id"], "amount": amount,
                                         "reason": "故障演练调整"})
        if answer is not None and answer.status == 201:
            self.world.acknowledge(self.world.adjustments, key, (worker["id"], amount))


def load(world, tally, until):
    """LOAD_THREADS clients, each driving its own workers (so a worker's
    quiz attempt has one submitter), until the monotonic time ``until``."""
    client = Client(world.url, tally, RETRY_SECONDS, patience_ends=until)

    def drive(index):
        rng = random.Random(SEED + index)
        mine = world.workers[index::LOAD_THREADS]
        runner = Load(world, client, tally, rng)
        while time.monotonic() < until:
            runner.one(rng.choice(mine))
    threads = [threading.Thread(target=drive, args=(i,)) for i in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    return threads


# ---- settling: every process back, every event through -------------------------

def abort_open_transactions(db_of):
    """Every transaction open on the run's database server aborted, as at the
    end of its lifetime (the live ones' writers retry, as after a conflict)."""
    db_of("ledger").client.admin.command("killAllSessions", [])


def outboxes_drained(db_of):
    for name in services.names():
        db = db_of(name)
        if db.outbox.find_one({"sent_at": None}, {"_id": 1}):
            return False
        for embedded in ("seats", "places"):
            if db[embedded].find_one({"pending_events.0": {"$exists": True}}, {"_id": 1}):
                return False
    return True


def handled(db_of):
    """(consumer db, handler name, the source's outbox events of that type)
    for every @handles of every service whose source is a service here."""
    for cls in service_classes():
        for source, event_type, consumer, handler in handled_events(cls):
            if source in services.names():
                yield db_of(consumer), handler, db_of(source).outbox.distinct(
                    "_id", {"type": event_type})


def unprocessed(db_of):
    """How many handled outbox events have no processed record yet."""
    missing = 0
    for db, handler, event_ids in handled(db_of):
        done = set(db.processed_events.distinct("_id", {
            "_id": {"$in": ["{}:{}".format(handler, e) for e in event_ids]}}))
        missing += len(event_ids) - len(done)
    return missing


def settle(db_of):
    """Outboxes drained, every handled event processed, the ledger's entries
    no longer changing (bounded: then the checks say what is missing)."""
    seen = []

    def settled():
        seen.append(db_of("ledger").entries.count_documents({}))
        return outboxes_drained(db_of) and unprocessed(db_of) == 0 and seen[-3:] == [seen[-1]] * 3
    try:
        wait_for(settled, timeout=SETTLE_SECONDS, interval=1, what="the events to settle")
    except AssertionError:
        pass  # the invariants below name what did not arrive


# ---- the invariants ---------------------------------------------------------------

def check_seats(world, db):
    """1: the seats and places held in the run's classes, by whom and by
    which key, are exactly the acknowledged ones."""
    ours = {"class_id": {"$in": world.classes}, "holder": {"$type": "string"}}
    seats = {doc["key"]: (doc["class_id"], doc["holder"], doc["state"])
             for doc in db.seats.find(ours)}
    places = {doc["key"]: (doc["class_id"], doc["holder"], doc["state"])
              for doc in db.places.find(ours)}
    assert seats == {key: held + ("booked",) for key, held in world.seats.items()}
    assert places == {key: held + ("waiting",) for key, held in world.places.items()}
    return len(seats), len(places)


def check_points(world, ledger, learning):
    """2: one entry per acknowledged adjustment and redemption, and the
    earnings of what was acknowledged, as the rules say, once."""
    workers = [w["id"] for w in world.workers]
    entries = list(ledger.entries.find({"worker_id": {"$in": workers}}))
    by_kind = defaultdict(list)
    for entry in entries:
        by_kind[entry["reason_code"]].append(entry)
    assert set(by_kind) <= {"adjustment", "redemption", "lesson_completed", "quiz_passed"}

    assert {e["source"]: (e["worker_id"], e["amount"]) for e in by_kind["adjustment"]} == {
        "adjustment:{}:{}".format(world.staff_id, key): held
        for key, held in world.adjustments.items()}
    assert len(by_kind["adjustment"]) == len(world.adjustments)

    redemptions = list(ledger.redemptions.find({"worker_id": {"$in": workers}}))
    assert {(r["worker_id"], r["key"]): r["reward_id"] for r in redemptions} == {
        (worker, key): reward for key, (worker, reward) in world.redemptions.items()}
    spent = {e["source"]: (e["_id"], e["amount"]) for e in by_kind["redemption"]}
    assert spent == {"redemption:" + r["_id"]: (r["entry_id"], -r["cost"]) for r in redemptions}

    completions = {(c["worker_id"], c["lesson_id"]): c["completed_at"]
                   for c in learning.completions.find({"worker_id": {"$in": workers}})}
    assert set(completions) == world.completions
    check_lesson_awards(world.rules["lesson_completed"], by_kind["lesson_completed"],
                        completions)

    passed = {(p["worker_id"], p["quiz_id"]) for p in learning.passes.find(
        {"worker_id": {"$in": workers}})}
    assert passed == world.passes
    quiz_rule = world.rules["quiz_passed"]
    assert sorted((e["worker_id"], e["subject"], e["amount"]) for e in by_kind["quiz_passed"]) \
        == sorted(pass_ + (quiz_rule["points"],) for pass_ in passed)
    return (len(world.adjustments), len(world.redemptions), len(completions), len(passed))


def check_lesson_awards(rule, awards, completions):
    """First completions only, at most the daily cap a China day: each
    worker's lesson points of a day are min(cap, points x lessons finished),
    each lesson once."""
    assert rule["first_only"]
    finished, earned = Counter(), Counter()
    for (worker, _), at in completions.items():
        finished[worker, china_day(at)] += 1
    for award in awards:
        assert (award["worker_id"], award["subject"]) in completions
        earned[award["worker_id"], award["day"]] += award["amount"]
    assert len({(a["worker_id"], a["subject"]) for a in awards}) == len(awards)
    cap = rule.get("daily_cap") or float("inf")
    expected = {day: min(cap, rule["points"] * n) for day, n in finished.items()}
    assert +earned == +Counter(expected)


def check_balances(world, ledger):
    """3: the reconciliation (what `make reconcile` runs) finds no drift,
    and each of the run's workers' balance is the sum of their entries."""
    report = reports.reconcile_at_one_time(ledger)
    assert report["ok"], report["mismatches"]
    for worker in world.workers:
        account = ledger.accounts.find_one({"_id": worker["id"]})
        entries = list(ledger.entries.find({"worker_id": worker["id"]}))
        assert (account["balance"], account["seq"]) == (
            sum(e["amount"] for e in entries), len(entries))
    return report["accounts"], report["entries"]


def check_events(db_of):
    """4: every outbox drained, every handled event processed once (a
    processed record per handler and event; no earning posted twice), no
    dead letter anywhere."""
    assert outboxes_drained(db_of)
    checked = 0
    for db, handler, event_ids in handled(db_of):
        done = set(db.processed_events.distinct("_id", {"_id": {"$regex": "^" + handler + ":"}}))
        assert {"{}:{}".format(handler, e) for e in event_ids} <= done, handler
        checked += len(event_ids)
    ledger = db_of("ledger")
    for source, code in (("learning", "lesson_completed"), ("learning", "quiz_passed")):
        events = set(db_of(source).outbox.distinct("_id", {"type": code}))
        posted = [e["source"].rsplit(":", 1)[1] for e in ledger.entries.find(
            {"source": {"$regex": "^{}.{}:".format(source, code)}})]
        assert len(posted) == len(set(posted)) and set(posted) <= events, code
    for name in services.names():
        assert list(db_of(name).dead_letters.find()) == [], name
    return checked


# ---- the run ------------------------------------------------------------------------

def test_the_whole_system_under_kills_keeps_every_acknowledged_seat_and_point(fault_run):
    run, db_of = fault_run
    clock = Phases()
    world = World(run.url)
    set_up(world)
    wait_for(lambda: db_of("ledger").accounts.count_documents(
        {"_id": {"$in": [w["id"] for w in world.workers]}}) == WORKERS,
        timeout=60, interval=0.5, what="the ledger's accounts of the workers")
    run.wait_until_running(KILLED)  # so that the kills begin at once
    clock.done("setup")

    tally = Tally()
    killer = Killer(run, KILLED, KILL_INTERVAL_SECONDS, SEED)
    threads = load(world, tally, until=time.monotonic() + LOAD_SECONDS)
    killer.start()
    time.sleep(LOAD_SECONDS)
    killer.stop()
    # The kills are over. What they left open in the database answered BUSY
    # through the rest of the load (the transactions' lifetime, 60 s, outlasts
    # the default 45 s of it) and would until that lifetime ends, up to a
    # minute more of retries for the operations still waiting on it: end it
    # now, as that timeout does later (tests/integration/test_ledger_bank.py
    # does the same).
    abort_open_transactions(db_of)
    for thread in threads:  # the last operations finish, retried to an answer
        thread.join(timeout=RETRY_SECONDS + 30)
    clock.done("load")

    assert killer.error is None, killer.error
    run.wait_until_healthy()
    settle(db_of)
    # The last one killed is RUNNING startsecs (15 s) after its restart:
    # waited for once the events have settled rather than before.
    running = run.wait_until_running(KILLED + ("mongo",))
    for name, pid in killer.kills:
        assert running[name] != pid, (name, pid)
    clock.done("settling")
    load_line = load_summary(tally, killer, clock)
    print("\n" + load_line)
    assert tally.failures == [], "{}\n{}".format(load_line, "\n".join(tally.failures[:20]))
    assert [status for status in tally.answers if status.startswith("5")
            and status not in ("503", "504")] == [], load_line
    assert killer.kills and sum(tally.operations.values()) > 0, load_line

    counts = (check_seats(world, db_of("courses")),
              check_points(world, db_of("ledger"), db_of("learning")),
              check_balances(world, db_of("ledger")), (check_events(db_of),))
    print("fault run: invariants checked: " + invariants_summary(*counts))
    assert all(sum(checked) > 0 for checked in counts), counts  # none held vacuously


class Phases:
    """Seconds each phase took, for the summary."""

    def __init__(self):
        self.last, self.seconds = time.monotonic(), {}

    def done(self, phase):
        now = time.monotonic()
        self.seconds[phase], self.last = round(now - self.last), now


def load_summary(tally, killer, clock):
    return ("fault run (seed {}, load {} s, seconds {}): operations {} = {}; kills {} = {} "
            "(each back RUNNING with a new pid); answers {} ({} requests answered only "
            "after a retry, {} left after the load when told nothing was done)").format(
        SEED, LOAD_SECONDS, clock.seconds, dict(sorted(tally.operations.items())),
        sum(tally.operations.values()), dict(sorted(killer.by_name().items())),
        len(killer.kills), dict(sorted(tally.answers.items())), tally.retried,
        tally.nothing_done)


def invariants_summary(seats, points, balances, events):
    return ("seats held = acknowledged ({} seats, {} waitlist places); points once ({} "
            "adjustments, {} redemptions, {} lesson completions, {} quiz passes); balances "
            "= entries ({} accounts, {} entries); events once ({} handled events processed, "
            "every outbox drained, no dead letter)").format(*seats, *points, *balances, *events)
