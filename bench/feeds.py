"""Department feeds (services/feeds/): events/s delivered to five subscribed
departments (three over AMQP, two over HTTPS webhooks) as a ratio to the
bare publish rate measured in the same run.

Set-up (not timed): a staff account; five departments registered through
the gateway as staff do, all subscribed to ``stations.station_problem_reported``
(no service handles it, so the feeds service is the only consumer measured:
``station_visited`` would also have the ledger award points and publish
``points_awarded``, which feeds takes too); each department's side runs in
this process as a department runs it: three AMQP consumers (threads, each
with its own department's broker user, reading its own queue) and two
webhook receivers (examples/webhook_receiver.py's ``Receiver``, checking
every signature, on free loopback ports). Each drops repeats by the event's
id. A warm-up of a few events must reach all five before the runs.

Per run:
1. bare publish: N events, built as stations builds them, published one
   after another from one connection (JSON, persistent, publisher confirms)
   to an exchange of the benchmark's own bound to one durable queue that
   nothing reads (deleted afterwards): published/s = N / the seconds that
   took;
2. delivery: N more published the same way to ``stations.events``; the clock
   runs from the first publish until every one of the five departments has
   received all N (each one's copy, pseudonymized, its own id): delivered/s
   = N / those seconds, and the ratio is delivered/s ÷ published/s. The
   AMQP and the HTTPS departments' completion times are reported apart (the
   HTTPS ones are sent by a timer, FEEDS_SEND_SECONDS, 1 s by default), and
   the latency of each event (its ``time``, stamped as it is published, to
   its receipt) per kind. All N are published at once (a backlog), so the
   latency is mostly the wait in the feeds queue: it grows with N.

Also, while delivering: the CPU the feeds process(es), the embedded
database and this process (publisher, consumers, receivers) used, and the
feeds database's operations per event and their time inside the server (its
``top`` command: mongod has it too, so the count carries over).

Settings: BENCH_FEEDS_EVENTS (N, 1000), BENCH_FEEDS_DRAIN_SECONDS (120: a
run whose events have not all arrived by then FAILs), and BENCH_REPEATS
(runs; medians reported). The departments are revoked at the end, so they
take no later events.
"""
import json
import os
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from kombu import Connection, Consumer, Queue
from standardwebhooks.webhooks import Webhook

from bench import measure as m, rush_setup
from bench.publishing import Publisher, ServiceProbe, per_event, through_gateway, totals
from examples.webhook_receiver import Receiver
from shared.events import new_event
from shared.topology import events_exchange

NAME = "feeds"
SOURCE, TYPE = "stations", "station_problem_reported"
TYPE_NAME = "{}.{}".format(SOURCE, TYPE)
AMQP, HTTPS = "amqp", "https"
DEPARTMENTS = ((AMQP, 3), (HTTPS, 2))
DEPARTMENTS_PATH = "/api/v1/departments"
WARM_UP_EVENTS = 20
WORKERS = 300           # distinct worker ids in the events (each pseudonymized)
POLL_SECONDS = 0.02     # the counts are in this process: polling is cheap
DRAIN_TICK_SECONDS = 0.2  # a consumer looks at its stop flag this often
PREFETCH = 200
# Until a department is registered (its URL is the receiver's) and the
# platform has made its secret.
PLACEHOLDER_SECRET = "whsec_" + "QUFB" * 10


@dataclass(frozen=True)
class FeedsSettings:
    # At the ~50 events/s the embedded database allows, 20 s a run.
    events: int = 1000
    drain_seconds: float = 120.0

    @classmethod
    def from_env(cls):
        get = os.environ.get
        return cls(events=int(get("BENCH_FEEDS_EVENTS", cls.events)),
                   drain_seconds=float(get("BENCH_FEEDS_DRAIN_SECONDS", cls.drain_seconds)))


def envelopes(tag, count):
    """``count`` problem reports of one run; ``tag`` starts each station id,
    so a department tells this run's events from any other's (station ids
    are not personal: departments receive them as they are)."""
    now = datetime.now(timezone.utc)
    return [new_event(SOURCE, TYPE, {
        "station_id": "{}-{:05d}".format(tag, n), "name": "压测服务站{:05d}".format(n),
        "problem": "饮水机坏了", "worker_id": "bench-feeds-w{:03d}".format(n % WORKERS),
        "confirmations": 1, "at": now}, now=now) for n in range(count)]


# ---- the departments' side -----------------------------------------------------------

class Tally:
    """What one department received of one run's events: each once."""

    def __init__(self, tag, expected):
        self.tag = tag
        self.expected = expected
        self.lock = threading.Lock()
        self.seen = set()
        self.duplicates = 0
        self.latencies = []     # seconds from the event's time to its receipt
        self.done_at = None     # perf_counter when the last one arrived

    def take(self, event):
        if not str(event.get("data", {}).get("station_id", "")).startswith(self.tag):
            return  # another run's (or another test's) event
        received = time.time()
        with self.lock:
            if event["id"] in self.seen:
                self.duplicates += 1
                return
            self.seen.add(event["id"])
            sent = datetime.fromisoformat(event["time"]).timestamp()
            self.latencies.append(received - sent)
            if len(self.seen) == self.expected:
                self.done_at = time.perf_counter()

    @property
    def count(self):
        return len(self.seen)


class Department:
    """One registered department and this process's side of it."""
    kind = None

    def __init__(self):
        self.id = None
        self.tally = Tally("-", 0)
        self.errors = []

    def take(self, event):
        self.tally.take(event)  # read anew each time: the run swaps tallies


class AmqpDepartment(Department, threading.Thread):
    """Reads its own queue with its own broker user, as examples/amqp_consumer.py
    does (declaring nothing: the user may only read), but acks nothing: the
    benchmark measures the platform, not the consumer."""
    kind = AMQP

    def __init__(self):
        Department.__init__(self)
        threading.Thread.__init__(self, daemon=True)
        self.stopping = threading.Event()
        self.credentials = None

    def start_reading(self, credentials):
        self.credentials = credentials["amqp"]
        self.start()

    def run(self):
        try:
            with Connection(self.credentials["url"]) as connection:
                queue = Queue(self.credentials["queue"], no_declare=True)
                with Consumer(connection, queues=[queue], no_ack=True, prefetch_count=PREFETCH,
                              on_message=lambda message: self.take(json.loads(message.body))):
                    self._drain(connection)
        except Exception as exc:  # counted: a department that cannot read is an error
            if not self.stopping.is_set():
                self.errors.append("{} {}: {!r}".format(self.kind, self.id, exc)[:300])

    def _drain(self, connection):
        while not self.stopping.is_set():
            try:
                connection.drain_events(timeout=DRAIN_TICK_SECONDS)
            except socket.timeout:
                continue

    def stop(self):
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=5)


class HttpsDepartment(Department):
    """examples/webhook_receiver.py's Receiver on a free loopback port."""
    kind = HTTPS

    def __init__(self):
        super().__init__()
        self.server = Receiver(("127.0.0.1", 0), PLACEHOLDER_SECRET, on_event=self.take)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:{}/hook".format(self.server.server_port)

    def start_reading(self, credentials):
        self.server.webhook = Webhook(credentials["webhook_secret"])

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        if self.server.bad_signatures:
            self.errors.append("{} {}: {} POSTs with a bad signature".format(
                self.kind, self.id, self.server.bad_signatures))


def registration(department, n):
    body = {"name": "压测部门{}".format(n), "contact": "压测 0573-86000000",
            "purpose": "事件推送压测", "event_types": [TYPE_NAME], "delivery": department.kind}
    if department.kind == HTTPS:
        body["webhook_url"] = department.url
    return body


def register(http, token, departments):
    for n, department in enumerate(departments, 1):
        created = rush_setup.expect(*http.call("POST", DEPARTMENTS_PATH,
                                               registration(department, n), token=token),
                                    201, "register a department")
        department.id = created["department"]["id"]
        department.start_reading(created["credentials"])


def revoke(http, token, departments):
    """Each registered one; what could not be revoked (it would take later
    events), as failures."""
    failures = []
    for department in departments:
        if not department.id:
            continue
        try:
            rush_setup.expect(*http.call("POST", "{}/{}/revocation".format(
                DEPARTMENTS_PATH, department.id), token=token), 200, "revoke a department")
        except Exception as exc:  # reported with the figures, which are kept
            failures.append("{} department {} not revoked: {!r}".format(
                department.kind, department.id, exc)[:300])
    return failures


# ---- one run -------------------------------------------------------------------------

@dataclass
class RunFigures:
    events: int
    publish_seconds: float        # bare publish, to the sink
    publish_per_s: float
    delivered_seconds: float      # first publish → all five have all N (NaN: not all did)
    delivered_per_s: float
    ratio: float                  # delivered/s ÷ published/s
    amqp_seconds: float           # … → the three AMQP departments have all N
    https_seconds: float          # … → the two HTTPS departments have all N
    live_publish_seconds: float   # publishing the N to stations.events
    amqp_p50_ms: float
    amqp_p99_ms: float
    https_p50_ms: float
    https_p99_ms: float
    received: list                # per department, in registration order
    duplicates: int               # deliveries of an event again, dropped (at least once)
    feeds_cores: float
    database_cores: float
    bench_cores: float            # this process: publisher, consumers, receivers
    db_ops_per_event: float       # the feeds database's operations per event
    db_ms_per_event: float        # and their time inside the database server
    db_by_operation: dict         # {"<collection>.<op>": [ops, ms] per event}


def wait_for_all(departments, deadline):
    while not all(d.tally.done_at for d in departments) and time.perf_counter() < deadline:
        time.sleep(POLL_SECONDS)


def finished(departments, kind, started):
    """Seconds from ``started`` to the last of ``kind``'s departments (all
    when kind is None) having every event; NaN if one has not."""
    times = [d.tally.done_at for d in departments if kind in (None, d.kind)]
    return max(times) - started if all(times) else float("nan")


def latency_ms(departments, kind, q):
    values = sorted(x * 1000.0 for d in departments if d.kind == kind
                    for x in d.tally.latencies)
    return m.percentile(values, q)


def deliver(publisher, departments, count, drain_seconds, tag):
    """Publish ``count`` events to stations.events and wait until every
    department has them all (or the drain time is over); (publish seconds,
    the moment the first publish began)."""
    batch = envelopes(tag, count)
    for department in departments:
        department.tally = Tally(tag, count)
    started = time.perf_counter()
    publish_seconds = publisher.publish_all(batch, events_exchange(SOURCE).name)
    wait_for_all(departments, started + drain_seconds)
    return publish_seconds, started


def run_once(publisher, departments, probe, settings):
    """One run: (RunFigures, failures)."""
    count = settings.events
    publish_seconds = publisher.bare_publish(envelopes("bench-sink", count))
    meter, ops_before, cpu_before = probe.meter(), probe.operations(), time.process_time()
    meter.start()
    live_seconds, started = deliver(publisher, departments, count, settings.drain_seconds,
                                    "bench-{}".format(uuid.uuid4().hex[:8]))
    cores = meter.stop()
    wall = time.perf_counter() - started
    by_operation = per_event(ops_before, probe.operations(), count)
    delivered_seconds = finished(departments, None, started)
    db_ops, db_ms = totals(by_operation)
    publish_rate, delivered_rate = count / publish_seconds, count / delivered_seconds
    figures = RunFigures(
        events=count, publish_seconds=round(publish_seconds, 3), publish_per_s=publish_rate,
        delivered_seconds=round(delivered_seconds, 3), delivered_per_s=delivered_rate,
        ratio=delivered_rate / publish_rate,
        amqp_seconds=round(finished(departments, AMQP, started), 3),
        https_seconds=round(finished(departments, HTTPS, started), 3),
        live_publish_seconds=round(live_seconds, 3),
        amqp_p50_ms=latency_ms(departments, AMQP, 50),
        amqp_p99_ms=latency_ms(departments, AMQP, 99),
        https_p50_ms=latency_ms(departments, HTTPS, 50),
        https_p99_ms=latency_ms(departments, HTTPS, 99),
        received=[d.tally.count for d in departments],
        duplicates=sum(d.tally.duplicates for d in departments),
        feeds_cores=cores["feeds"], database_cores=cores["database"],
        bench_cores=round((time.process_time() - cpu_before) / wall, 2),
        db_ops_per_event=db_ops, db_ms_per_event=db_ms,
        db_by_operation=by_operation)
    return figures, shortfalls(departments, count, settings.drain_seconds)


def shortfalls(departments, count, drain_seconds):
    return ["{} department {} received {} of {} events within {:.0f} s".format(
        d.kind, d.id, d.tally.count, count, drain_seconds)
        for d in departments if d.tally.count < count]


def warm_up(publisher, departments, settings):
    """A few events through every path before the clock matters: a set-up
    that cannot deliver (a refused webhook, a queue not bound) fails here."""
    deliver(publisher, departments, WARM_UP_EVENTS, settings.drain_seconds, "bench-warm")
    missing = shortfalls(departments, WARM_UP_EVENTS, settings.drain_seconds)
    if missing:
        raise RuntimeError("warm-up: " + "; ".join(missing))


# ---- the benchmark --------------------------------------------------------------------

@dataclass
class FeedsResult(m.MedianOfRuns):
    settings: FeedsSettings
    department_ids: list = field(default_factory=list)
    runs: list = field(default_factory=list)       # [RunFigures]
    failures: list = field(default_factory=list)   # what FAILed, run by run

    def to_dict(self):
        return {"settings": asdict(self.settings),
                "departments": {"amqp": dict(DEPARTMENTS)[AMQP],
                                "https": dict(DEPARTMENTS)[HTTPS]},
                "medians": {name: asdict(self.figure(name)) for name, _ in ROWS},
                "ratios": [r.ratio for r in self.runs],
                "runs": [asdict(r) for r in self.runs],
                "failures": self.failures, "errors": self.errors}

    def table(self):
        return format_table(self)


def make_departments():
    kinds = {AMQP: AmqpDepartment, HTTPS: HttpsDepartment}
    return [kinds[kind]() for kind, count in DEPARTMENTS for _ in range(count)]


def say_run(say, repeat, repeats, figures, failures):
    say("  run {}/{}: published {:,.0f}/s (bare), delivered {:,.1f}/s to all five in "
        "{:.2f} s (AMQP {:.2f} s, HTTPS {:.2f} s), ratio {:.3f}; cores: feeds {}, "
        "database {}, bench {}; feeds db ops/event {:.2f} ({:.2f} ms){}".format(
            repeat + 1, repeats, figures.publish_per_s, figures.delivered_per_s,
            figures.delivered_seconds, figures.amqp_seconds, figures.https_seconds,
            figures.ratio, figures.feeds_cores, figures.database_cores, figures.bench_cores,
            figures.db_ops_per_event, figures.db_ms_per_event,
            "" if not failures else "  FAIL: " + "; ".join(failures)))


def measure(target, settings, repeats, progress=None):
    """The benchmark against a running system (target.system: scripts.system.System)."""
    say = progress or (lambda text: None)
    result = FeedsResult(settings)
    token = rush_setup.staff_token(target)
    departments, probe = make_departments(), ServiceProbe(target, "feeds")
    publisher = Publisher(target.amqp_uri)
    try:
        if not probe.pids:
            raise RuntimeError("no feeds process is running")
        through_gateway(target.url, register, token, departments)
        result.department_ids = [d.id for d in departments]
        warm_up(publisher, departments, settings)
        say("  five departments registered (3 AMQP, 2 HTTPS); {} warm-up events reached "
            "all five".format(WARM_UP_EVENTS))
        for repeat in range(repeats):
            figures, failures = run_once(publisher, departments, probe, settings)
            result.runs.append(figures)
            result.failures += ["run {}: {}".format(repeat + 1, f) for f in failures]
            say_run(say, repeat, repeats, figures, failures)
    finally:
        for department in departments:
            department.stop()  # before revoking: the broker closes their connections
        result.failures += [e for d in departments for e in d.errors]
        result.failures += through_gateway(target.url, revoke, token, departments)
        publisher.close()
        probe.close()
    return result


def run(target, settings, baseline=None, progress=None):
    """The registry entry: the yardstick's system, its one feeds process."""
    return measure(target, FeedsSettings.from_env(), settings.repeats, progress)


# ---- the table ---------------------------------------------------------------

ROWS = (("publish_per_s", "published/s (bare publish)"),
        ("delivered_per_s", "delivered/s (to all five)"),
        ("ratio", "delivered ÷ published"),
        ("delivered_seconds", "all five had all N in (s)"),
        ("amqp_seconds", "  3 AMQP departments (s)"),
        ("https_seconds", "  2 HTTPS departments (s)"),
        ("amqp_p50_ms", "AMQP publish→receipt p50 (ms)"),
        ("amqp_p99_ms", "AMQP publish→receipt p99 (ms)"),
        ("https_p50_ms", "HTTPS publish→receipt p50 (ms)"),
        ("https_p99_ms", "HTTPS publish→receipt p99 (ms)"),
        ("feeds_cores", "feeds CPU (cores)"),
        ("database_cores", "database CPU (cores)"),
        ("bench_cores", "this process CPU (cores)"),
        ("db_ops_per_event", "feeds db operations/event"),
        ("db_ms_per_event", "feeds db server ms/event"))


def format_table(result):
    s = result.settings
    lines = ["Department feeds: N={:,} {} events, each to 3 AMQP + 2 HTTPS departments, vs "
             "the bare publish of N; median of {} run(s) (min–max)".format(
                 s.events, TYPE_NAME, len(result.runs))]
    lines += m.median_rows(result, ROWS, 32)
    lines.append("ratio per run: " + ", ".join("{:.3f}".format(r.ratio) for r in result.runs))
    if result.runs and result.runs[-1].db_by_operation:
        lines.append("feeds db per event, last run (operations, server ms): " + ", ".join(
            "{} {:.2f} {:.2f}".format(name, ops, ms) for name, (ops, ms) in sorted(
                result.runs[-1].db_by_operation.items(), key=lambda item: -item[1][1])))
    lines.append("checks: every department received every event: " + (
        "PASS" if not result.failures else "FAIL: " + "; ".join(result.failures)))
    return "\n".join(lines)
