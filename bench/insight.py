"""精准画像 insight (services/insight/): the events per second it keeps up
with, as a ratio to the bare publish rate measured in the same run, and the
time from an event to its appearance in the staff console's live feed.

The events are a class rush's: ``courses.seat_booked``, the busiest event
the platform has (thousands tapping "book" in one second), each of which
insight applies twice over (the worker's picture, classes booked; and the
class's seats-left figure on the live view, published on ``insight.live``).

Set-up (not timed): a staff account; per run, the run's classes announced
with ``class_published`` as courses announces them, each seen on the live
view before the clock starts.

Per run:
1. bare publish: N ``seat_booked`` events published one after another from
   one connection (JSON, persistent, publisher confirms) to an exchange of
   the benchmark's own that nothing reads: published/s = N / those seconds;
2. keeping up: N more to ``courses.events`` (N/25 classes of 25 seats, each
   booked out by 25 workers); the clock runs from the first publish until
   the live view shows every class at 0 seats left (read from
   ``insight.live`` by a queue of this process's own): kept up/s = N / those
   seconds, and the ratio is kept up/s ÷ published/s;
3. live latency: the staff console's stream (``GET /api/v1/insight/live``
   through the gateway, as the page reads it) is open; ``seat_booked``
   events are published at a steady BENCH_INSIGHT_RATE per second (open
   loop: the next is sent on time whether or not the last has shown) for
   BENCH_INSIGHT_SECONDS; each event's latency runs from its ``time``
   (stamped as it is published) to the stream's delta showing its class with
   the seats left that booking leaves. p50 and p99 are reported.

Also, while keeping up: the CPU the insight process(es) and the embedded
database used, and insight's database operations per event and their time in
the server (``top``; mongod has it too, so the count carries over).

Settings: BENCH_INSIGHT_EVENTS (N, 1000), BENCH_INSIGHT_RATE (20/s),
BENCH_INSIGHT_SECONDS (10), BENCH_INSIGHT_DRAIN_SECONDS (120: a run whose
figures have not all shown by then FAILs), BENCH_REPEATS (runs; medians).
"""
import http.client
import json
import os
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from kombu import Connection, Consumer, Exchange, Queue

from bench import measure as m, rush_setup
from bench.publishing import Publisher, ServiceProbe, now_text, per_event, totals
from shared.events import new_event

NAME = "insight"
LIVE_EXCHANGE = "insight.live"
PANEL = "class_seats"
STREAM_PATH = "/api/v1/insight/live"
SEATS = 25               # a class's seats in the keeping-up run: booked out by 25 workers
LATENCY_SEATS = 1000     # the latency run's classes never fill
LATENCY_CLASSES = 10
WORKERS = 1000           # distinct worker ids in the events
POLL_SECONDS = 0.02
DRAIN_TICK_SECONDS = 0.2
STREAM_TIMEOUT_SECONDS = 30  # a read on the stream (pings come every 15 s)


@dataclass(frozen=True)
class InsightSettings:
    events: int = 1000
    rate: float = 20.0
    seconds: float = 10.0
    drain_seconds: float = 120.0

    @classmethod
    def from_env(cls):
        get = os.environ.get
        return cls(events=int(get("BENCH_INSIGHT_EVENTS", cls.events)),
                   rate=float(get("BENCH_INSIGHT_RATE", cls.rate)),
                   seconds=float(get("BENCH_INSIGHT_SECONDS", cls.seconds)),
                   drain_seconds=float(get("BENCH_INSIGHT_DRAIN_SECONDS", cls.drain_seconds)))


# ---- the events, as courses publishes them ----------------------------------------------

def class_published(class_id, seats, now):
    starts = now + timedelta(days=3)
    return new_event("courses", "class_published", {
        "class_id": class_id, "title": "压测课堂 {}".format(class_id[-6:]),
        "category": "tea_art", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
        "seats": seats, "waitlist_limit": 0, "members_only": False,
        "booking_opens_at": now - timedelta(hours=1), "booking_closes_at": starts}, now=now)


def seat_booked(class_id, worker, now):
    return new_event("courses", "seat_booked", {
        "class_id": class_id, "worker_id": "bench-insight-w{:03d}".format(worker % WORKERS),
        "at": now}, now=now)


def bookings(class_ids, per_class):
    """``per_class`` bookings of each class, by ``per_class`` distinct workers
    (a worker holds one seat of a class), the classes interleaved (a rush
    books many classes at once)."""
    now = datetime.now(timezone.utc)
    return [seat_booked(class_id, k * per_class + n, now)
            for n in range(per_class) for k, class_id in enumerate(class_ids)]


def new_class_ids(tag, count):
    return ["bench-{}-{:04d}".format(tag, n) for n in range(count)]


# ---- reading the live view ------------------------------------------------------------

class SeatsBoard:
    """What the live view shows of the benchmark's classes: per class, the
    seats left at the highest version seen (deltas may come out of order), and
    when each (class, seats left) was first seen."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.lock = threading.Lock()
        self.latest = {}       # class id -> (version, seats left)
        self.first_seen = {}   # (class id, seats left) -> time.time()

    def take(self, delta):
        if delta.get("panel") != PANEL or not str(delta.get("key", "")).startswith(self.prefix):
            return
        value = delta.get("value") or {}
        seats_left, version = value.get("seats_left"), delta.get("version", 0)
        seen = time.time()
        with self.lock:
            self.first_seen.setdefault((delta["key"], seats_left), seen)
            if version > self.latest.get(delta["key"], (-1, None))[0]:
                self.latest[delta["key"]] = (version, seats_left)

    def seats_left(self, class_id):
        with self.lock:
            return self.latest.get(class_id, (None, None))[1]

    def all_at(self, class_ids, seats_left):
        return all(self.seats_left(c) == seats_left for c in class_ids)

    def seen_at(self, class_id, seats_left):
        """When the class first showed ``seats_left`` or fewer: a stream sends
        only the newest value of a class that changed twice between two reads
        (gateway/live.py), and the latency run's seats only ever fall."""
        with self.lock:
            times = [at for (key, left), at in self.first_seen.items()
                     if key == class_id and left is not None and left <= seats_left]
        return min(times, default=None)


class LiveQueue(threading.Thread):
    """insight.live's class_seats deltas, from a queue of this process's own."""

    def __init__(self, amqp_uri, board):
        super().__init__(daemon=True)
        self.amqp_uri, self.board = amqp_uri, board
        self.stopping, self.ready = threading.Event(), threading.Event()
        self.error = None

    def run(self):
        exchange = Exchange(LIVE_EXCHANGE, type="topic", durable=True, auto_delete=False)
        queue = Queue("bench-insight-" + uuid.uuid4().hex[:8], exchange=exchange,
                      routing_key=PANEL, exclusive=True, auto_delete=True)
        try:
            with Connection(self.amqp_uri) as connection:
                with Consumer(connection, queues=[queue], no_ack=True, accept=["json"],
                              callbacks=[lambda body, message: self.board.take(body)]):
                    self.ready.set()
                    while not self.stopping.is_set():
                        try:
                            connection.drain_events(timeout=DRAIN_TICK_SECONDS)
                        except socket.timeout:
                            continue
        except Exception as exc:  # reported as a failure of the run
            self.error = repr(exc)
            self.ready.set()

    def stop(self):
        self.stopping.set()
        self.join(timeout=5)


class LiveStream(threading.Thread):
    """The staff console's stream through the gateway, read as server-sent
    events: each ``delta`` goes to the board. Ends when the gateway ends it."""

    def __init__(self, url, token, board):
        super().__init__(daemon=True)
        self.url, self.token, self.board = url, token, board
        self.snapshot = threading.Event()
        self.stopping = threading.Event()
        self.error = None
        self.connection = None

    def run(self):
        parts = urlsplit(self.url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port,
                                                     timeout=STREAM_TIMEOUT_SECONDS)
        try:
            self.connection.request("GET", STREAM_PATH, headers={
                "Authorization": "Bearer " + self.token, "Accept": "text/event-stream"})
            response = self.connection.getresponse()
            if response.status != 200:
                raise RuntimeError("the live stream answered {}".format(response.status))
            self.read(response)
        except Exception as exc:  # a failure of the run, unless stop() ended it
            if not self.stopping.is_set():
                self.error = repr(exc)
        finally:
            self.connection.close()
            self.snapshot.set()

    def read(self, response):
        event, data = None, []
        for raw in response:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
            elif not line and event:
                self.dispatch(event, "\n".join(data))
                event, data = None, []

    def dispatch(self, event, data):
        if event == "snapshot":
            self.snapshot.set()
        elif event == "delta":
            self.board.take(json.loads(data))

    def stop(self):
        """Ends the read from this thread: shutting the socket down wakes the
        reader, which closes the connection itself (closing it here, while
        the reader is inside it, is not allowed)."""
        self.stopping.set()
        sock = self.connection.sock if self.connection is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the gateway
        self.join(timeout=5)


# ---- one run -------------------------------------------------------------------------

@dataclass
class RunFigures:
    events: int
    publish_seconds: float        # bare publish, to the sink
    publish_per_s: float
    kept_up_seconds: float        # first publish → every class shows 0 seats left (NaN: not)
    kept_up_per_s: float
    ratio: float                  # kept up/s ÷ published/s
    live_events: int              # published at the steady rate while the stream was open
    live_rate: float              # the rate they were published at
    live_shown: int               # of those, shown on the stream
    live_p50_ms: float            # event time → its delta on the stream
    live_p99_ms: float
    insight_cores: float
    database_cores: float
    db_ops_per_event: float       # insight's database operations per event
    db_ms_per_event: float        # and their time inside the database server
    db_by_operation: dict


def wait_until(condition, deadline):
    while not condition() and time.perf_counter() < deadline:
        time.sleep(POLL_SECONDS)
    return condition()


def announce(publisher, board, class_ids, seats, drain_seconds):
    """The classes as courses announces them; each on the live view."""
    now = datetime.now(timezone.utc)
    for class_id in class_ids:
        publisher.publish(class_published(class_id, seats, now))
    if not wait_until(lambda: board.all_at(class_ids, seats),
                      time.perf_counter() + drain_seconds):
        raise RuntimeError("insight did not show {} new classes within {:.0f} s".format(
            len(class_ids), drain_seconds))


def keep_up(publisher, board, probe, settings, tag):
    """Step 2: (seconds until all shown or NaN, cores, db per event)."""
    classes = new_class_ids(tag, max(1, settings.events // SEATS))
    announce(publisher, board, classes, SEATS, settings.drain_seconds)
    batch = bookings(classes, SEATS)
    meter, ops_before = probe.meter(), probe.operations()
    meter.start()
    started = time.perf_counter()
    publisher.publish_all(batch)
    done = wait_until(lambda: board.all_at(classes, 0), started + settings.drain_seconds)
    seconds = time.perf_counter() - started if done else float("nan")
    cores = meter.stop()
    return len(batch), seconds, cores, per_event(ops_before, probe.operations(), len(batch))


def steady(publisher, board, settings, tag):
    """Step 3: events at a steady rate; [(class id, seats left, sent time)]."""
    classes = new_class_ids(tag, LATENCY_CLASSES)
    announce(publisher, board, classes, LATENCY_SEATS, settings.drain_seconds)
    count = max(1, int(settings.rate * settings.seconds))
    sent, started = [], time.perf_counter()
    for n in range(count):
        pause = started + n / settings.rate - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        class_id, booked = classes[n % LATENCY_CLASSES], n // LATENCY_CLASSES + 1
        envelope = seat_booked(class_id, booked, datetime.now(timezone.utc))
        envelope["time"] = now_text()
        publisher.publish(envelope)
        seats_left = LATENCY_SEATS - booked
        sent.append((class_id, seats_left, datetime.fromisoformat(envelope["time"]).timestamp()))
    return sent


def latencies_ms(board, sent):
    shown = [(board.seen_at(class_id, seats_left), at) for class_id, seats_left, at in sent]
    return sorted((seen - at) * 1000.0 for seen, at in shown if seen is not None)


def live_latency(target, token, publisher, settings, tag):
    """(events sent, latencies in ms of those shown, failures)."""
    board = SeatsBoard("bench-" + tag)
    stream = LiveStream(target.url, token, board)
    stream.start()
    stream.snapshot.wait(STREAM_TIMEOUT_SECONDS)
    failures = [] if stream.error is None else ["live stream: " + stream.error]
    try:
        sent = steady(publisher, board, settings, tag) if not failures else []
        last = [(c, s) for c, s, _ in sent[-LATENCY_CLASSES:]]
        wait_until(lambda: all(board.seen_at(c, s) for c, s in last),
                   time.perf_counter() + settings.drain_seconds)
    finally:
        stream.stop()
    shown = latencies_ms(board, sent)
    if len(shown) < len(sent):
        failures.append("{} of {} steady events never showed on the live stream".format(
            len(sent) - len(shown), len(sent)))
    return len(sent), shown, failures


def run_once(target, token, publisher, probe, settings):
    """One run: (RunFigures, failures)."""
    tag = uuid.uuid4().hex[:8]
    publish_seconds = publisher.bare_publish(bookings(new_class_ids("sink", 40),
                                                      max(1, settings.events // 40)))
    board = SeatsBoard("bench-" + tag)
    watcher = LiveQueue(target.amqp_uri, board)
    watcher.start()
    watcher.ready.wait(30)
    try:
        count, kept_seconds, cores, by_operation = keep_up(publisher, board, probe, settings,
                                                           tag)
    finally:
        watcher.stop()
    sent, shown, failures = live_latency(target, token, publisher, settings, tag + "s")
    if watcher.error:
        failures.append("live queue: " + watcher.error)
    if kept_seconds != kept_seconds:
        failures.append("not every class showed 0 seats left within {:.0f} s".format(
            settings.drain_seconds))
    publish_rate = count / publish_seconds
    kept_rate = count / kept_seconds
    db_ops, db_ms = totals(by_operation)
    figures = RunFigures(
        events=count, publish_seconds=round(publish_seconds, 3), publish_per_s=publish_rate,
        kept_up_seconds=round(kept_seconds, 3), kept_up_per_s=kept_rate,
        ratio=kept_rate / publish_rate, live_events=sent, live_rate=settings.rate,
        live_shown=len(shown), live_p50_ms=m.percentile(shown, 50),
        live_p99_ms=m.percentile(shown, 99), insight_cores=cores["insight"],
        database_cores=cores["database"], db_ops_per_event=db_ops, db_ms_per_event=db_ms,
        db_by_operation=by_operation)
    return figures, failures


# ---- the benchmark --------------------------------------------------------------------

@dataclass
class InsightResult(m.MedianOfRuns):
    settings: InsightSettings
    runs: list = field(default_factory=list)       # [RunFigures]
    failures: list = field(default_factory=list)

    def to_dict(self):
        return {"settings": asdict(self.settings),
                "medians": {name: asdict(self.figure(name)) for name, _ in ROWS},
                "ratios": [r.ratio for r in self.runs],
                "runs": [asdict(r) for r in self.runs],
                "failures": self.failures, "errors": self.errors}

    def table(self):
        return format_table(self)


def say_run(say, repeat, repeats, figures, failures):
    say("  run {}/{}: published {:,.0f}/s (bare), insight kept up with {:,.1f}/s, ratio "
        "{:.3f}; live feed at {:.0f}/s: p50 {:.0f} ms, p99 {:.0f} ms ({} of {} shown); "
        "cores: insight {}, database {}; db ops/event {:.2f} ({:.2f} ms){}".format(
            repeat + 1, repeats, figures.publish_per_s, figures.kept_up_per_s, figures.ratio,
            figures.live_rate, figures.live_p50_ms, figures.live_p99_ms, figures.live_shown,
            figures.live_events, figures.insight_cores, figures.database_cores,
            figures.db_ops_per_event, figures.db_ms_per_event,
            "" if not failures else "  FAIL: " + "; ".join(failures)))


def measure(target, settings, repeats, progress=None):
    """The benchmark against a running system (target.system: scripts.system.System)."""
    say = progress or (lambda text: None)
    result = InsightResult(settings)
    token = rush_setup.staff_token(target)
    probe, publisher = ServiceProbe(target, "insight"), Publisher(target.amqp_uri)
    try:
        if not probe.pids:
            raise RuntimeError("no insight process is running")
        for repeat in range(repeats):
            figures, failures = run_once(target, token, publisher, probe, settings)
            result.runs.append(figures)
            result.failures += ["run {}: {}".format(repeat + 1, f) for f in failures]
            say_run(say, repeat, repeats, figures, failures)
    finally:
        publisher.close()
        probe.close()
    return result


def run(target, settings, baseline=None, progress=None):
    """The registry entry: the yardstick's system, its one insight process."""
    return measure(target, InsightSettings.from_env(), settings.repeats, progress)


# ---- the table ---------------------------------------------------------------

ROWS = (("publish_per_s", "published/s (bare publish)"),
        ("kept_up_per_s", "insight kept up with (/s)"),
        ("ratio", "kept up ÷ published"),
        ("kept_up_seconds", "all N shown on the live view in (s)"),
        ("live_p50_ms", "event → live feed p50 (ms)"),
        ("live_p99_ms", "event → live feed p99 (ms)"),
        ("insight_cores", "insight CPU (cores)"),
        ("database_cores", "database CPU (cores)"),
        ("db_ops_per_event", "insight db operations/event"),
        ("db_ms_per_event", "insight db server ms/event"))


def format_table(result):
    s = result.settings
    lines = ["精准画像 insight: N={:,} courses.seat_booked events vs the bare publish of N; "
             "the live feed at {:.0f} events/s for {:.0f} s through the gateway's stream; "
             "median of {} run(s) (min–max)".format(s.events, s.rate, s.seconds,
                                                    len(result.runs))]
    lines += m.median_rows(result, ROWS, 36)
    lines.append("ratio per run: " + ", ".join("{:.3f}".format(r.ratio) for r in result.runs))
    if result.runs and result.runs[-1].db_by_operation:
        lines.append("insight db per event, last run (operations, server ms): " + ", ".join(
            "{} {:.2f} {:.2f}".format(name, ops, ms) for name, (ops, ms) in sorted(
                result.runs[-1].db_by_operation.items(), key=lambda item: -item[1][1])))
    lines.append("checks: every event shown on the live view: " + (
        "PASS" if not result.failures else "FAIL: " + "; ".join(result.failures)))
    return "\n".join(lines)
