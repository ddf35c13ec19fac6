"""Measuring tools every benchmark shares: a bounded closed-loop load runner,
latency statistics, and the median of repeated runs.

The runner drives N callers, each in its own OS thread with its own client
(a connection must never be shared between threads). Each caller calls as
fast as its answers come back (closed loop), so N is the number of requests
in flight. A run is bounded twice: by time (warm-up, then a measured window)
and by a total call count.
"""
import os
import statistics
import threading
import time
from dataclasses import asdict, dataclass, field, replace

BARRIER_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class LoadSettings:
    """How long and how hard one measurement runs."""
    duration: float = 3.0       # measured window, seconds
    warmup: float = 0.5         # calls before the window, not counted
    max_calls: int = 50_000     # stop the window early after this many calls
    repeats: int = 3            # runs per cell; the median is reported

    @classmethod
    def from_env(cls, **overrides):
        """BENCH_DURATION, BENCH_WARMUP, BENCH_MAX_CALLS, BENCH_REPEATS."""
        values = {
            "duration": float(os.environ.get("BENCH_DURATION", cls.duration)),
            "warmup": float(os.environ.get("BENCH_WARMUP", cls.warmup)),
            "max_calls": int(os.environ.get("BENCH_MAX_CALLS", cls.max_calls)),
            "repeats": int(os.environ.get("BENCH_REPEATS", cls.repeats)),
        }
        values.update(overrides)
        return cls(**values)


@dataclass(frozen=True)
class RunStats:
    """One run of one cell (one kind of call at one concurrency)."""
    concurrency: int
    calls: int          # successful calls in the measured window
    errors: int         # failed calls (warm-up included), failed client set-ups,
                        # plus one if no call completed in the window
    seconds: float      # from the window's start to the last answer
    rate: float         # successful calls per second
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    client_cores: float  # CPU the load generator itself used (cores), warm-up included


@dataclass(frozen=True)
class Figure:
    median: float
    min: float
    max: float


@dataclass(frozen=True)
class CellSummary:
    """The median of a cell's repeated runs (and their spread)."""
    concurrency: int
    rate: Figure
    p50_ms: Figure
    p99_ms: Figure
    errors: int                 # summed over the runs
    calls: int                  # summed over the runs
    runs: list = field(default_factory=list)   # the RunStats

    def to_dict(self):
        return asdict(self)


def percentile(ordered, q):
    """The q-th percentile (0..100) of an ascending list, interpolated linearly."""
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class _Window:
    """Shared by the callers of one run: when to start counting, when to stop."""

    def __init__(self, concurrency, settings):
        self.settings = settings
        # The window opens as the last party arrives, before any caller is released.
        self.barrier = threading.Barrier(concurrency + 1, action=self.open)
        self.lock = threading.Lock()
        self.started = 0
        self.begin = self.end = None
        self.opened = self.cpu_at_open = None

    def open(self):
        now = time.perf_counter()
        self.opened, self.cpu_at_open = now, time.process_time()
        self.begin = now + self.settings.warmup
        self.end = self.begin + self.settings.duration

    def take_slot(self, now):
        """May a call starting now be measured? None: stop calling."""
        if now >= self.end:
            return None
        if now < self.begin:
            return False
        with self.lock:
            if self.started >= self.settings.max_calls:
                return None
            self.started += 1
        return True


class _Caller(threading.Thread):
    def __init__(self, make_client, window):
        super().__init__(daemon=True)
        self.make_client = make_client
        self.window = window
        self.latencies = []
        self.errors = 0
        self.last_answer = None
        self.error_samples = []

    def run(self):
        client = self._set_up()
        try:
            self.window.barrier.wait(BARRIER_TIMEOUT_SECONDS)
        except threading.BrokenBarrierError:  # the run is abandoned (run_load raises)
            client = _close(client)
        if client is None:
            return
        try:
            self._loop(client)
        except Exception as exc:  # a bug in a caller must show, not read as zero calls
            self._note_error(exc)
        finally:
            _close(client)

    def _set_up(self):
        try:
            return self.make_client()
        except Exception as exc:  # counted: a caller that cannot connect is an error
            self._note_error(exc)
            return None

    def _loop(self, client):
        window = self.window
        while True:
            start = time.perf_counter()
            measured = window.take_slot(start)
            if measured is None:
                return
            try:
                client()
            except Exception as exc:  # any failure, warm-up included, is counted
                self._note_error(exc)   # and the client replaced
                _close(client)
                client = self._set_up()
                if client is None:
                    return
                continue
            finish = time.perf_counter()
            if measured:
                self.latencies.append(finish - start)
                self.last_answer = finish

    def _note_error(self, exc):
        self.errors += 1
        if len(self.error_samples) < 3:
            self.error_samples.append(repr(exc)[:200])


def _close(client):
    close = getattr(client, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # closing a broken client; nothing left to release
            pass


def run_load(make_client, concurrency, settings):
    """One run: `concurrency` threads, each calling `make_client()` once for
    its own client (a callable, optionally with .close()), then calling it in a
    loop until the window ends. Client set-up is outside the measured window.
    Returns (RunStats, error samples)."""
    window = _Window(concurrency, settings)
    callers = [_Caller(make_client, window) for _ in range(concurrency)]
    for caller in callers:
        caller.start()
    window.barrier.wait(BARRIER_TIMEOUT_SECONDS)
    for caller in callers:
        caller.join()
    return _stats(concurrency, window, callers)


def _stats(concurrency, window, callers):
    wall = time.perf_counter() - window.opened
    cpu = time.process_time() - window.cpu_at_open
    latencies = sorted(x for caller in callers for x in caller.latencies)
    answers = [c.last_answer for c in callers if c.last_answer is not None]
    seconds = (max(answers) - window.begin) if answers else window.settings.duration
    ms = [x * 1000.0 for x in latencies]
    stats = RunStats(
        concurrency=concurrency,
        calls=len(ms),
        errors=sum(caller.errors for caller in callers),
        seconds=round(seconds, 4),
        rate=len(ms) / seconds if seconds > 0 else 0.0,
        p50_ms=percentile(ms, 50),
        p99_ms=percentile(ms, 99),
        mean_ms=statistics.fmean(ms) if ms else float("nan"),
        max_ms=ms[-1] if ms else float("nan"),
        client_cores=round(cpu / wall, 3) if wall > 0 else float("nan"),
    )
    samples = [s for caller in callers for s in caller.error_samples][:5]
    if not ms:  # e.g. every call hung past the window: never a silent zero
        stats = replace(stats, errors=stats.errors + 1)
        samples.append("no call completed in the measured window")
    return stats, samples


def _figure(values):
    return Figure(median=statistics.median(values), min=min(values), max=max(values))


def summarize(runs):
    """Median, min and max of each figure over the runs of one cell."""
    return CellSummary(
        concurrency=runs[0].concurrency,
        rate=_figure([r.rate for r in runs]),
        p50_ms=_figure([r.p50_ms for r in runs]),
        p99_ms=_figure([r.p99_ms for r in runs]),
        errors=sum(r.errors for r in runs),
        calls=sum(r.calls for r in runs),
        runs=list(runs),
    )


def run_cells(factories, kinds, concurrencies, settings, progress=None):
    """Run every cell (each kind at each concurrency) ``settings.repeats``
    times: ({kind: {concurrency: CellSummary}}, error samples). Repeats are
    the outer loop and the kinds run back to back at each concurrency, so
    slow drift of the machine hits both sides of a ratio alike."""
    runs = {kind: {c: [] for c in concurrencies} for kind in kinds}
    samples = []
    for repeat in range(settings.repeats):
        for concurrency in concurrencies:
            for kind in kinds:
                stats, errors = run_load(factories[kind], concurrency, settings)
                runs[kind][concurrency].append(stats)
                samples.extend("{} x{}: {}".format(kind, concurrency, e) for e in errors)
                if progress:
                    progress(_progress_line(repeat, settings.repeats, kind, stats))
    cells = {kind: {c: summarize(runs[kind][c]) for c in concurrencies} for kind in kinds}
    return cells, samples[:10]


def _progress_line(repeat, repeats, kind, stats):
    return ("  run {}/{} {:<9} x{:<3} {:>8.0f} calls/s  p50 {:6.2f} ms  p99 {:7.2f} ms  "
            "errors {}  client {:.2f} cores".format(
                repeat + 1, repeats, kind, stats.concurrency, stats.rate, stats.p50_ms,
                stats.p99_ms, stats.errors, stats.client_cores))


def cells_errors(cells):
    """Errors summed over {kind: {concurrency: CellSummary}}."""
    return sum(c.errors for by_concurrency in cells.values() for c in by_concurrency.values())


def cells_dict(cells):
    """{kind: {concurrency: CellSummary}} as JSON-able dicts."""
    return {kind: {str(c): s.to_dict() for c, s in by_concurrency.items()}
            for kind, by_concurrency in cells.items()}


def shown(value):
    """A figure as a table shows it: thousands grouped, three significant
    places for small ones, a dash for NaN (nothing measured)."""
    if value != value:
        return "–"
    if isinstance(value, int):
        return "{:,}".format(value)
    if abs(value) >= 100:
        return "{:,.0f}".format(value)
    return "{:.1f}".format(value) if abs(value) >= 10 else "{:.3f}".format(value)


class MedianOfRuns:
    """Mixin of a benchmark's result holding ``runs`` (dataclasses of one
    run's figures) and ``failures``: a figure's median over the runs (NaN,
    nothing measured, left out) and the count of what FAILed."""

    @property
    def errors(self):
        return len(self.failures)

    def figure(self, name):
        values = [getattr(r, name) for r in self.runs if getattr(r, name) == getattr(r, name)]
        if not values:
            return Figure(float("nan"), float("nan"), float("nan"))
        return Figure(statistics.median(values), min(values), max(values))


def median_rows(result, rows, width):
    """A line per (name, label) of ``rows``: ``result.figure(name)``'s median
    and its range over the runs, the header line first."""
    lines = ["{:<{}} {:>26}".format("", width, "median (min–max)")]
    for name, label in rows:
        figure = result.figure(name)
        lines.append("{:<{}} {:>26}".format(label, width, "{} ({}–{})".format(
            shown(figure.median), shown(figure.min), shown(figure.max))))
    return lines
