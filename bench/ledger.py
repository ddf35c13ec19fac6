"""The ledger consuming a backlog: earning events applied per second, as a
ratio to the bare publish rate measured in the same run; then the whole
system catching up with it.

Per run (all on loopback; set-up not timed):
1. every service's processes are paused (SIGSTOP: the queues keep what
   arrives), so nothing competes with the publish;
2. N ``class_attended`` events (each a new class, for W workers whose
   accounts opened from ``worker_registered`` before the runs) are published
   to ``courses.events`` as courses publishes them (JSON, persistent, with
   publisher confirms), one after another from one connection: the bare
   publish rate is N / the seconds that took;
3. the ledger alone resumes (SIGCONT) and works through the backlog; the
   applied rate is N / the seconds until the last entry was recorded (its
   ``recorded_at``, once a poll every second has seen all N). The others
   stay paused: jobs, feeds and
   insight read the same events (and feeds and insight the points_awarded
   the ledger publishes), and on the embedded server, one core for every
   service's database, they would take most of it (a real MongoDB gives
   each its share of many cores);
4. the others resume; the system has caught up when no queue holds a
   message: N / the seconds from the ledger's resumption is the whole
   system's pace with this backlog, every consumer on one embedded core;
5. the reconciliation (services/ledger/reports.py, as `make reconcile` runs
   it) must report zero drift, and there must be exactly N new entries.

The ledger applies earning events in batches (shared/batches.py): one
transaction per batch of up to EVENT_BATCH_SIZE, with one command per
collection (inbox records, rules, class titles, firsts, accounts read and
moved, entries, lots, outbox), then publishes each ``points_awarded`` and
marks them sent in one write; the bare publish is one confirmed message. The
CPU the ledger and the embedded database used while applying says which was
the limit (one core is all the embedded server, a single Python process, can
use). The ledger's database commands per applied event, and their time, are
counted in its process (pymongo's command monitoring, read by RPC before and
after: a count that carries over to mongod, where the embedded server's rate
does not); the server's time per event for each service's database (``top``)
shows who kept it busy; the ledger's resident memory is read with the
backlog applied.

Settings: BENCH_LEDGER_EVENTS (N, 2000), BENCH_LEDGER_WORKERS (W, 300),
BENCH_LEDGER_DRAIN_SECONDS (300: a run whose backlog is not applied by then
FAILs), and BENCH_REPEATS (runs; medians reported).
"""
import os
import signal
import time
import uuid
from urllib.parse import quote, unquote, urlparse
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import requests
from kombu import Connection
from nameko.standalone.rpc import ClusterRpcProxy

from bench import measure as m
from bench.cpu import CpuMeter, children, embedded_mongo_pids, resident_mib
from bench.publishing import Publisher, server_ms_by_service
from services.ledger import reports
from shared.caller import UNION_STAFF, Caller
from shared.clock import utcnow
from shared.config import setting
from shared.events import new_event
from shared.mongo import connect, database_name

NAME = "ledger"
POINTS = 5
RULE = {"code": "class_attended", "label": "盐工学堂", "points": POINTS}
STAFF = Caller(id="bench-ledger-staff", roles=("worker", UNION_STAFF), session_id="bench")
# The probe counts entries, which the embedded server does by reading them
# all: polled every 0.1 s it took a quarter of the rate it measured (31 → 41
# events/s on 1,500). Once a second costs < 3% of a backlog that takes 30 s+.
POLL_SECONDS = 1.0
ACCOUNTS_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class LedgerSettings:
    events: int = 2000
    workers: int = 300
    drain_seconds: float = 300.0

    @classmethod
    def from_env(cls):
        get = os.environ.get
        return cls(events=int(get("BENCH_LEDGER_EVENTS", cls.events)),
                   workers=int(get("BENCH_LEDGER_WORKERS", cls.workers)),
                   drain_seconds=float(get("BENCH_LEDGER_DRAIN_SECONDS", cls.drain_seconds)))


@dataclass
class RunFigures:
    events: int
    publish_seconds: float
    publish_per_s: float
    apply_seconds: float      # resume → the last entry recorded; NaN if not drained
    applied: int              # new entries seen
    applied_per_s: float
    ratio: float              # applied/s ÷ published/s
    drift: int                # reconciliation mismatches (must be 0)
    ledger_cores: float       # CPU while applying: which side was the limit
    database_cores: float     # (NaN for a real MongoDB: not on this machine)
    commands_per_event: float  # the ledger's database commands per applied event
    commands: dict            # {command name: per applied event}
    database_ms_per_event: float  # the time those took, as the ledger saw it
    database_ms: dict         # {command name: ms per applied event}
    system_seconds: float     # the ledger resumed → every service caught up (NaN: not)
    system_per_s: float       # events / system_seconds: the whole system's pace
    server_ms: dict           # {service: its database's server ms per event} (top)
    ledger_resident_mib: float  # the ledger's memory, read with the backlog applied
    ledger_peak_mib: float


@dataclass
class LedgerResult(m.MedianOfRuns):
    settings: LedgerSettings
    runs: list = field(default_factory=list)       # [RunFigures]
    failures: list = field(default_factory=list)   # what FAILed, run by run

    def to_dict(self):
        names = ("publish_per_s", "applied_per_s", "ratio", "system_per_s", "system_seconds",
                 "publish_seconds",
                 "apply_seconds", "drift", "ledger_cores", "database_cores",
                 "commands_per_event", "database_ms_per_event", "ledger_resident_mib",
                 "ledger_peak_mib")
        return {"settings": asdict(self.settings),
                "medians": {n: asdict(self.figure(n)) for n in names},
                "runs": [asdict(r) for r in self.runs],
                "failures": self.failures, "errors": self.errors}

    def table(self):
        return format_table(self)


# ---- the pieces ------------------------------------------------------------

class Ledger:
    """The running system's ledger: its processes, its database, its RPC."""

    def __init__(self, target):
        self.system = target.system
        self.amqp_uri = target.amqp_uri
        env = self.system.env
        self.client = connect(env["MONGO_URI"])
        self.prefix = env["MONGO_DB_PREFIX"]
        self.db = self.client[database_name(self.prefix, "ledger")]
        self.database_pids = embedded_mongo_pids(env["MONGO_URI"])

    def processes(self, everyone=False):
        """The ledger's processes (or every service's: not the gateway)."""
        names = self.system.services if everyone else ["ledger"]
        return [p for name in names for p in self.system.services[name] if p.poll() is None]

    def signal(self, sig, everyone=False):
        for process in self.processes(everyone):
            os.killpg(process.pid, sig)

    def messages_ready(self):
        """Messages waiting for the system's services (in the queues the
        management API lists, counted exactly by a passive declare each)."""
        with Connection(self.amqp_uri) as connection:
            channel = connection.channel()
            return sum(channel.queue_declare(name, passive=True)[1]
                       for name in self.consumed_queues())

    def consumed_queues(self):
        """The vhost's event queues a service consumes: not RPC's, not a
        gateway's own (exclusive), not a department's (read from outside)."""
        return [queue["name"] for queue in self._queues("name,exclusive,consumers")
                if queue["name"].startswith("evt-") and not queue.get("exclusive")
                and queue.get("consumers")]

    def settle(self, timeout=120):
        """Wait until no queue holds a message even in a consumer's hands (the
        management API's count, which lags by its statistics interval): a
        service paused mid-transaction would hold its snapshot open in the
        database through the next run's measurement."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not any(q.get("messages") for q in self._queues("name,messages")
                       if q["name"].startswith("evt-")):
                return
            time.sleep(POLL_SECONDS)
        raise RuntimeError("the system's queues did not empty within {} s".format(timeout))

    def _queues(self, columns):
        vhost = unquote(urlparse(self.amqp_uri).path[1:])
        api = setting("BROKER_ADMIN_URL").rstrip("/") + "/api"
        listed = requests.get("{}/queues/{}".format(api, quote(vhost, safe="")),
                              params={"columns": columns}, timeout=10)
        listed.raise_for_status()
        return listed.json()

    def cpu_meter(self):
        return CpuMeter({"ledger": [p.pid for p in self.processes()],
                         "database": self.database_pids}, time.perf_counter)

    def entries(self):
        return self.db.entries.estimated_document_count()

    def last_recorded_after(self, resumed_at):
        """Seconds from ``resumed_at`` to the last entry's recording (the
        ledger stamps it): the poll only says when it was seen, up to a
        poll later."""
        last = self.db.entries.find_one({"recorded_at": {"$gte": resumed_at}},
                                        {"recorded_at": 1}, sort=[("recorded_at", -1)])
        return (last["recorded_at"] - resumed_at).total_seconds() if last else float("nan")

    def rpc(self):
        return ClusterRpcProxy({"AMQP_URI": self.amqp_uri},
                               context_data={"caller": STAFF.to_context()}, timeout=30)

    def commands(self):
        """The commands the ledger process sent its database so far, by name,
        and their milliseconds (pymongo's command monitoring, in the process:
        shared/mongo.py)."""
        if len(self.processes()) != 1:
            raise RuntimeError("commands are counted per process: run one ledger process")
        with self.rpc() as rpc:
            return rpc.ledger.report_database_commands()

    def server_ms(self):
        return server_ms_by_service(self.client, self.prefix)

    def memory(self):
        return resident_mib([pid for p in self.processes() for pid in [p.pid] + children(p.pid)])

    def use_rule(self):
        """Earn POINTS per class attended (other rules kept as they are)."""
        with self.rpc() as rpc:
            current = rpc.ledger.get_rules()
            rules = [r for r in current["rules"] if r["code"] != RULE["code"]] + [RULE]
            rpc.ledger.set_rules({"rules": rules, "based_on_version": current["version"]})

    def close(self):
        self.client.close()


def register(ledger, publisher, count, say):
    """W workers as identity announces them; wait until their accounts open."""
    run_id = uuid.uuid4().hex[:6]
    worker_ids = ["bench-{}-{:04d}".format(run_id, n) for n in range(count)]
    for n, worker_id in enumerate(worker_ids):
        publisher.publish(new_event("identity", "worker_registered", {
            "worker_id": worker_id, "name": "骑手{:04d}".format(n),
            "phone_masked": "139****{:04d}".format(n % 10000), "occupation": "food_delivery",
            "platform": "饿了么", "district": "武原街道", "roles": ["worker"],
            "registered_at": datetime.now(timezone.utc)}, now=utcnow()))
    deadline = time.monotonic() + ACCOUNTS_TIMEOUT_SECONDS
    while ledger.db.accounts.count_documents({"_id": {"$in": worker_ids}}) < count:
        if time.monotonic() > deadline:
            raise RuntimeError("the ledger opened too few of {} accounts".format(count))
        time.sleep(0.2)
    say("  {} workers registered (accounts opened from worker_registered)".format(count))
    return worker_ids


def backlog(worker_ids, count):
    """N class_attended envelopes, built before the clock starts."""
    now = datetime.now(timezone.utc)
    return [new_event("courses", "class_attended", {
        "class_id": "bench-c-{}".format(uuid.uuid4().hex[:12]),
        "worker_id": worker_ids[n % len(worker_ids)], "category": "tea_art",
        "hours": 2.0, "attended_at": now}, now=utcnow()) for n in range(count)]


def run_once(ledger, publisher, worker_ids, settings):
    """One run; returns (RunFigures, failures)."""
    envelopes = backlog(worker_ids, settings.events)
    ledger.settle()
    before = ledger.entries()
    commands_before, server_before = ledger.commands(), ledger.server_ms()
    ledger.signal(signal.SIGSTOP, everyone=True)
    try:
        started = time.perf_counter()
        for envelope in envelopes:
            publisher.publish(envelope)
        publish_seconds = time.perf_counter() - started
        ledger.signal(signal.SIGCONT)
        resumed, resumed_at = time.perf_counter(), utcnow()
        applied, cores = apply_alone(ledger, before, settings, resumed)
        apply_seconds = ledger.last_recorded_after(resumed_at)
        resident, peak = ledger.memory()
        commands_after = ledger.commands()
    finally:
        ledger.signal(signal.SIGCONT, everyone=True)
    system_seconds = caught_up(ledger, settings.drain_seconds, resumed)
    return figures(settings, ledger, dict(
        applied=applied, cores=cores, publish_seconds=publish_seconds,
        apply_seconds=apply_seconds, system_seconds=system_seconds,
        commands_before=commands_before, commands_after=commands_after,
        server_ms=spent(server_before, ledger.server_ms(), settings.events),
        resident=resident, peak=peak))


def apply_alone(ledger, before, settings, resumed):
    """(entries applied, cores) once the backlog is applied or the drain
    time is up, the other services still paused."""
    meter = ledger.cpu_meter()
    meter.start()
    applied = 0
    while applied < settings.events and time.perf_counter() < resumed + settings.drain_seconds:
        time.sleep(POLL_SECONDS)
        applied = ledger.entries() - before
    return applied, meter.stop()


def caught_up(ledger, drain_seconds, since):
    """Seconds from ``since`` until no queue of the system holds a message
    ready (every consumer of the backlog and of the points it earned has
    taken all; in flight: at most a prefetch each); NaN if not within
    ``drain_seconds``."""
    deadline = since + drain_seconds
    while time.perf_counter() < deadline:
        if ledger.messages_ready() == 0:
            return time.perf_counter() - since
        time.sleep(POLL_SECONDS)
    return float("nan")


def figures(settings, ledger, run):
    """RunFigures and failures of one run from run_once's readings."""
    events = settings.events
    applied, publish_seconds = run["applied"], run["publish_seconds"]
    apply_seconds = run["apply_seconds"] if applied >= events else float("nan")
    before, after = run["commands_before"], run["commands_after"]
    commands = spent(before["commands"], after["commands"], events)
    database_ms = spent(before["milliseconds"], after["milliseconds"], events)
    report = reports.reconcile_at_one_time(ledger.db)
    failures = []
    if applied != events:
        failures.append("{} of {} events applied within {:.0f} s".format(
            applied, events, settings.drain_seconds))
    if not report["ok"]:
        failures.append("reconciliation: {} mismatches, e.g. {}".format(
            len(report["mismatches"]), report["mismatches"][:3]))
    publish_rate, applied_rate = events / publish_seconds, events / apply_seconds
    return RunFigures(
        events=events, publish_seconds=round(publish_seconds, 3), publish_per_s=publish_rate,
        apply_seconds=round(apply_seconds, 3), applied=applied, applied_per_s=applied_rate,
        ratio=applied_rate / publish_rate, drift=len(report["mismatches"]),
        ledger_cores=run["cores"]["ledger"], database_cores=run["cores"]["database"],
        commands_per_event=round(sum(commands.values()), 3), commands=commands,
        database_ms_per_event=round(sum(database_ms.values()), 3), database_ms=database_ms,
        system_seconds=round(run["system_seconds"], 3),
        system_per_s=events / run["system_seconds"], server_ms=run["server_ms"],
        ledger_resident_mib=run["resident"], ledger_peak_mib=run["peak"]), failures


def spent(before, after, events):
    """{name: what grew per event} between two readings of counters by name
    (commands, milliseconds, a service's server time). Includes what timers
    did meanwhile (the relay's catch-up, expiry): a backlog takes seconds, the
    timers a few commands a second."""
    return {name: round((value - before.get(name, 0)) / events, 3)
            for name, value in sorted(after.items()) if value > before.get(name, 0)}


def measure(target, settings, repeats, progress=None):
    """The benchmark against a running system (target.system: scripts.system.System)."""
    say = progress or (lambda text: None)
    result = LedgerResult(settings)
    ledger = Ledger(target)
    publisher = Publisher(target.amqp_uri)
    try:
        if not ledger.processes():
            raise RuntimeError("no ledger process is running")
        ledger.use_rule()
        worker_ids = register(ledger, publisher, settings.workers, say)
        for repeat in range(repeats):
            figures, failures = run_once(ledger, publisher, worker_ids, settings)
            result.runs.append(figures)
            result.failures += ["run {}: {}".format(repeat + 1, f) for f in failures]
            say("  run {}/{}: {:,} events published in {:.2f} s ({:,.0f}/s), applied in "
                "{:.2f} s ({:,.1f}/s), ratio {:.3f}, every service caught up in {:.1f} s "
                "({:,.1f}/s), drift {}, cores: ledger {}, "
                "database {}, {:.2f} commands/event {}, {:.2f} database ms/event {}, "
                "ledger {:.0f} MiB{}".format(
                    repeat + 1, repeats, figures.events, figures.publish_seconds,
                    figures.publish_per_s, figures.apply_seconds, figures.applied_per_s,
                    figures.ratio, figures.system_seconds, figures.system_per_s, figures.drift, figures.ledger_cores, figures.database_cores,
                    figures.commands_per_event, figures.commands,
                    figures.database_ms_per_event, figures.database_ms,
                    figures.ledger_resident_mib,
                    "" if not failures else "  FAIL: " + "; ".join(failures)))
    finally:
        ledger.signal(signal.SIGCONT, everyone=True)  # never leave them paused
        publisher.close()
        ledger.close()
    return result


def run(target, settings, baseline=None, progress=None):
    """The registry entry: the yardstick's system, its one ledger process."""
    return measure(target, LedgerSettings.from_env(), settings.repeats, progress)


# ---- the table ---------------------------------------------------------------

ROWS = (("publish_per_s", "published/s (bare publish)"),
        ("applied_per_s", "applied/s (ledger, backlog)"),
        ("ratio", "applied ÷ published"),
        ("system_per_s", "every service caught up (/s)"),
        ("apply_seconds", "backlog applied in (s)"),
        ("drift", "reconciliation drift"),
        ("ledger_cores", "ledger CPU applying (cores)"),
        ("database_cores", "database CPU applying (cores)"),
        ("commands_per_event", "database commands per event"),
        ("database_ms_per_event", "  their ms per event"),
        ("ledger_resident_mib", "ledger resident memory (MiB)"),
        ("ledger_peak_mib", "ledger peak resident (MiB)"))


def format_table(result):
    s = result.settings
    lines = ["Ledger backlog: N={:,} class_attended events for W={} workers, published with "
             "the ledger paused, then applied; median of {} run(s) (min–max)".format(
                 s.events, s.workers, len(result.runs))]
    lines += m.median_rows(result, ROWS, 30)
    if result.runs:
        first = result.runs[0]
        lines.append("database commands per event, by name (run 1): " + ", ".join(
            "{} {}".format(name, n) for name, n in first.commands.items()))
        lines.append("the embedded server's ms per event, by service database (run 1, "
                     "top; every consumer of points_awarded shares it): " + ", ".join(
                         "{} {}".format(service, ms) for service, ms in sorted(
                             first.server_ms.items(), key=lambda item: -item[1])))
    lines.append("checks: every event applied, zero drift: " + (
        "PASS" if not result.failures else "FAIL: " + "; ".join(result.failures)))
    return "\n".join(lines)
