"""The class rush: K workers' taps on "book" for one class of S seats, through
the gateway, the moment booking opens; then a checker reads the database.

Per run (all on loopback; set-up not timed):
1. a class of S seats and S waitlist places is published; booking opens a
   few seconds later;
2. "not open": C callers tap as fast as answers come back until just before
   the opening (every answer should be 409 BOOKING_NOT_OPEN);
3. the rush: at the opening the same C callers (one keep-alive connection
   each) fire K booking requests as fast as answers come back. W workers
   tap first; the remaining K - W taps are repeats by the same workers, from
   the same caller after their first answer: a retry with the same
   Idempotency-Key when the first tap had one (KEY_SHARE of them), else a
   second tap without a key. A caller answered 503 BOOKING_BUSY (the gateway
   sheds taps beyond a few in flight, gateway/admission.py) waits as the app
   does, Retry-After spread out, before its next tap;
4. the checker (bench/rush_check.py) compares the database with the answers.
After the closed-loop runs, courses is scaled to one process and the rush is
run again in an open loop at several offered rates (bench/rush_open.py).

Registering a worker costs two Argon2id hashes (register, log in): ~5
workers/s on two idle cores, so W is a few hundred and most of K are repeats.

The system is started once with `courses` × max(PROCESSES); after its runs
one courses process after another is stopped (SIGTERM, nameko finishes what it
has) and the runs repeated, so both process counts share one costly sign-up.

Settings: BENCH_RUSH_REQUESTS (K, 2000), BENCH_RUSH_SEATS (S, 26),
BENCH_RUSH_WORKERS (W, 300; fewer if signing them up takes more than
BENCH_RUSH_SIGN_UP_SECONDS, 90), BENCH_RUSH_CALLERS (C, 64), BENCH_RUSH_KEY_SHARE
(0.5), BENCH_RUSH_NOT_OPEN_SECONDS (2), BENCH_RUSH_PROCESSES ("2,1"), and
BENCH_REPEATS (runs per process count, medians reported).
"""
import os
import random
import signal
import statistics
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from bench import measure as m
from bench import rush_check, rush_open, rush_open_table, rush_setup
from bench.environment import bench_environment
from bench.rush_taps import (BOOK_PATH, OPENING_LEAD_SECONDS, REFUSAL_P99_MS,
                             RUSH_DEADLINE_SECONDS, Clock, Tap, busy_backoff, first_wins, is_busy,
                             is_server_error, new_key, pct, send_tap)
from bench.yardstick import BARE

NAME = "rush"
RESULTS = Path(__file__).resolve().parent / "results"
MIN_WORKERS_PER_SEAT = 3        # S seats + S waitlist places + some to refuse
SYSTEM_SETTINGS = {
    # Workers book one class per run; the per-worker cap would refuse later runs.
    "MAX_UPCOMING_BOOKINGS": "1000",
    # Tokens are signed once, before all runs.
    "ACCESS_TOKEN_TTL_SECONDS": "3600",
}
TARGETS = {  # the issue's, for one courses process on this 2-core machine
    "rush_seconds": 10.0,           # K answered within
    "booking_rate_ratio": 0.5,      # answers/s of the booking path / bare RPC
    "refusal_p99_ms": REFUSAL_P99_MS,
    "refusal_rate_ratio": 2.0,      # refusals/s / bare RPC
}


@dataclass(frozen=True)
class RushSettings:
    requests: int = 2000
    seats: int = 26
    workers: int = 300
    sign_up_seconds: float = 90.0   # fewer workers if signing up takes longer
    callers: int = 64
    key_share: float = 0.5
    not_open_seconds: float = 2.0
    processes: tuple = (2, 1)

    @classmethod
    def from_env(cls):
        get = os.environ.get
        return cls(
            requests=int(get("BENCH_RUSH_REQUESTS", cls.requests)),
            seats=int(get("BENCH_RUSH_SEATS", cls.seats)),
            workers=int(get("BENCH_RUSH_WORKERS", cls.workers)),
            sign_up_seconds=float(get("BENCH_RUSH_SIGN_UP_SECONDS", cls.sign_up_seconds)),
            callers=int(get("BENCH_RUSH_CALLERS", cls.callers)),
            key_share=float(get("BENCH_RUSH_KEY_SHARE", cls.key_share)),
            not_open_seconds=float(get("BENCH_RUSH_NOT_OPEN_SECONDS", cls.not_open_seconds)),
            processes=tuple(sorted((int(p) for p in get("BENCH_RUSH_PROCESSES", "2,1")
                                    .split(",")), reverse=True)),
        )


# ---- the plan: who taps when, from which caller ---------------------------

def plan(settings, rng):
    """Per caller, its list of Taps. Worker w taps from caller w % C, so a
    worker's repeats follow its own first answer."""
    workers = min(settings.workers, settings.requests)
    firsts = [Tap(w, "first", new_key() if rng.random() < settings.key_share else None)
              for w in range(workers)]
    lanes = [[] for _ in range(settings.callers)]
    for tap in firsts:
        lanes[tap.worker % settings.callers].append(tap)
    for _ in range(settings.requests - workers):
        first = firsts[rng.randrange(workers)]
        lane = lanes[first.worker % settings.callers]
        after = next(i for i, t in enumerate(lane) if t is first) + 1
        repeat = Tap(first.worker, "retry" if first.key else "again", first.key)
        lane.insert(rng.randint(after, len(lane)), repeat)
    return lanes


# ---- the callers ---------------------------------------------------------

class Caller(threading.Thread):
    def __init__(self, index, target, class_id, accounts, lane, clock):
        super().__init__(daemon=True)
        self.index, self.target, self.accounts = index, target, accounts
        self.path = BOOK_PATH.format(class_id)
        self.lane = lane
        self.clock = clock
        self.not_open = []
        self.http = None
        self.rng = random.Random(index)

    def run(self):
        clock = self.clock
        self.http = rush_setup.Http(self.target.url)
        try:
            clock.ready.wait()
            self._not_open_phase()
            clock.sleep_until(clock.fire)
            for tap in self.lane:
                if clock.now() > RUSH_DEADLINE_SECONDS:
                    tap.error = "not sent: rush deadline passed"
                    continue
                self._send(tap)
                if is_busy(tap):  # shed: wait as the app does before the next tap
                    time.sleep(busy_backoff(self.rng))
        finally:
            self.http.close()

    def _not_open_phase(self):
        clock, mine = self.clock, [t.worker for t in self.lane if t.kind == "first"]
        rng = random.Random(self.index)
        n = 0
        while mine and clock.now() < clock.not_open_end:
            tap = Tap(mine[n % len(mine)], "not_open",
                      new_key() if rng.random() < clock.key_share else None)
            self._send(tap)
            self.not_open.append(tap)
            n += 1

    def _send(self, tap):
        send_tap(self.http, self.path, self.accounts[tap.worker], tap, self.clock)


def rush_once(target, staff, accounts, settings, rng):
    """One run: a fresh class, the not-open phase, the rush. Returns
    (class id, rush taps, not-open taps, client CPU cores)."""
    lead = OPENING_LEAD_SECONDS + settings.not_open_seconds + 0.5
    class_id, opens_at = rush_setup.open_class(target, staff, settings.seats, lead)
    clock = Clock(opens_at, settings.not_open_seconds, settings.key_share)
    lanes = plan(settings, rng)
    callers = [Caller(i, target, class_id, accounts, lane, clock)
               for i, lane in enumerate(lanes)]
    for caller in callers:
        caller.start()
    clock.sleep_until(clock.not_open_start)
    clock.ready.set()
    cpu, wall = time.process_time(), time.perf_counter()
    for caller in callers:
        caller.join(RUSH_DEADLINE_SECONDS * 2)
    cores = (time.process_time() - cpu) / (time.perf_counter() - wall)
    taps = [t for lane in lanes for t in lane]
    not_open = [t for c in callers for t in c.not_open]
    return class_id, taps, not_open, cores


# ---- figures -------------------------------------------------------------

def rush_figures(taps, not_open, cores):
    answered = [t for t in taps if t.status is not None]
    last = max((t.done for t in answered), default=float("nan"))
    won = first_wins(answered)
    busy = [t for t in answered if is_busy(t)]
    full_at = max((t.done for t in won), default=0.0)
    refusals = [t for t in answered if t.status == 409]
    after_full = [t for t in refusals if t.sent >= full_at]
    no = [t for t in not_open if t.status is not None]
    no_window = (max((t.done for t in no), default=0.0)
                 - min((t.sent for t in no), default=0.0))
    booked = [t for t in won if t.status == 201]
    return {
        "rush_seconds": last,                       # opening → the last answer
        "answers": len(answered),
        "answers_per_s": len(answered) / last if last > 0 else float("nan"),
        "booked": len(booked),
        "waitlisted": len(won) - len(booked),
        "seats_gone_seconds": full_at,              # opening → last new 201/202 answered
        "booked_per_s": len(booked) / full_at if full_at > 0 else float("nan"),
        "success_p50_ms": pct([t.ms for t in won], 50),
        "success_p99_ms": pct([t.ms for t in won], 99),
        "refusals": len(refusals),
        "refusal_p50_ms": pct([t.ms for t in refusals], 50),
        "refusal_p99_ms": pct([t.ms for t in refusals], 99),
        "refusal_p99_ms_no_key": pct([t.ms for t in refusals if not t.key], 99),
        "refusal_p99_ms_key": pct([t.ms for t in refusals if t.key], 99),
        # Taps sent once the last seat and place were gone: the refusal path
        # itself. Taps sent before then could still win and wait their turn.
        "refusal_p99_ms_after_full": pct([t.ms for t in after_full], 99),
        "refusals_before_full": len(refusals) - len(after_full),
        "refusals_after_full_per_s": (len(after_full) / (last - full_at)
                                      if last > full_at else float("nan")),
        "busy": len(busy),
        "busy_p99_ms": pct([t.ms for t in busy], 99),
        "server_errors": sum(1 for t in answered if is_server_error(t)),
        "unanswered": len(taps) - len(answered),
        "not_open_answers": len(no),
        "not_open_per_s": len(no) / no_window if no_window > 0 else float("nan"),
        "not_open_p50_ms": pct([t.ms for t in no], 50),
        "not_open_p99_ms": pct([t.ms for t in no], 99),
        "not_open_wrong": sum(1 for t in not_open
                              if (t.status, t.code) != (409, "BOOKING_NOT_OPEN")),
        "client_cores": round(cores, 3),
    }


@dataclass
class ProcessCountResult:
    processes: int
    runs: list = field(default_factory=list)     # figures per run
    checks: list = field(default_factory=list)   # [[Check]] per run

    def figure(self, name):
        values = [r[name] for r in self.runs if r[name] == r[name]]  # drop NaN
        if not values:
            return m.Figure(float("nan"), float("nan"), float("nan"))
        return m.Figure(statistics.median(values), min(values), max(values))

    @property
    def failures(self):
        return sum(1 for run in self.checks for c in run if not c.passed and c.hard)


@dataclass
class RushResult:
    settings: RushSettings
    repeats: int
    sign_up_seconds: float
    bare: dict                 # bare RPC at the callers' concurrency
    by_processes: list         # [ProcessCountResult]
    open_loop: object = None   # rush_open.OpenLoopResult

    @property
    def errors(self):
        return (sum(p.failures for p in self.by_processes)
                + (self.open_loop.failures if self.open_loop else 0))

    def to_dict(self):
        return {
            "settings": asdict(self.settings), "repeats": self.repeats,
            "sign_up_seconds": self.sign_up_seconds, "bare_rpc": self.bare,
            "targets": TARGETS,
            "by_processes": {str(p.processes): {
                "medians": {k: asdict(p.figure(k)) for k in (p.runs[0] if p.runs else {})},
                "runs": p.runs,
                "checks": [[c.to_dict() for c in run] for run in p.checks]}
                for p in self.by_processes},
            "open_loop": self.open_loop.to_dict() if self.open_loop else None,
            "errors": self.errors,
        }

    def table(self):
        return format_table(self)


# ---- the benchmark -------------------------------------------------------

def bare_rpc(baseline, callers):
    if baseline is None:
        return {"concurrency": None, "rate": float("nan"), "p50_ms": float("nan"),
                "p99_ms": float("nan")}
    c = min(baseline.concurrencies, key=lambda x: abs(x - callers))
    return {"concurrency": c, "rate": baseline.rate(BARE, c),
            "p50_ms": baseline.p50_ms(BARE, c), "p99_ms": baseline.p99_ms(BARE, c)}


def log_dir():
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return RESULTS / "logs" / "{}-rush".format(stamp)


def run(target, settings, baseline=None, progress=None):
    """The registry entry: `target` (the yardstick's system) is not used; the
    rush gets a system of its own with courses scaled out."""
    say = progress or (lambda text: None)
    rush = RushSettings.from_env()
    repeats = settings.repeats
    rng = random.Random(2026)
    results = []
    with bench_environment(processes={"courses": rush.processes[0]}, log_dir=log_dir(),
                           **SYSTEM_SETTINGS) as system:
        staff = rush_setup.staff_token(system)
        say("  signing up {} workers over HTTP (Argon2id: slow) ...".format(rush.workers))
        accounts, sign_up = rush_setup.timed(rush_setup.sign_up_workers, system,
                                             rush.workers, rush.sign_up_seconds)
        say("  {} workers registered and logged in in {:.0f} s ({:.1f}/s)".format(
            len(accounts), sign_up, len(accounts) / sign_up))
        if len(accounts) < MIN_WORKERS_PER_SEAT * rush.seats:
            raise RuntimeError("only {} workers signed up: too few to fill {} seats and "
                               "the waitlist (raise BENCH_RUSH_SIGN_UP_SECONDS)".format(
                                   len(accounts), rush.seats))
        rush = replace(rush, workers=len(accounts))
        for count in rush.processes:
            scale_courses(system, count, say)
            result = ProcessCountResult(count)
            for repeat in range(repeats):
                class_id, taps, not_open, cores = rush_once(system, staff, accounts, rush, rng)
                figures = rush_figures(taps, not_open, cores)
                # not-open taps too: one answered after the opening may have booked
                checks = rush_check.check_rush(system.system.env, class_id, rush.seats,
                                               rush.seats, taps + not_open, accounts)
                checks.append(rush_check.not_open_check(not_open))
                result.runs.append(figures)
                result.checks.append(checks)
                say(progress_line(count, repeat, repeats, figures, checks))
            results.append(result)
        open_loop = run_open_loop(system, staff, accounts, rush, baseline, say)
    return RushResult(rush, repeats, round(sign_up, 1), bare_rpc(baseline, rush.callers),
                      results, open_loop)


def run_open_loop(system, staff, accounts, rush, baseline, say):
    """The open-loop part (bench/rush_open.py) with one courses process: the
    issue's targets are for one, and its database command counts are whole
    only then (each process counts its own)."""
    scale_courses(system, 1, say)
    highest = max(baseline.concurrencies) if baseline else None
    return rush_open.measure(system, staff, accounts, rush, rush_open.OpenSettings.from_env(),
                             bare_rpc(baseline, highest), say)


def scale_courses(target, count, say):
    """Stop courses processes (the newest first) until `count` run."""
    running = target.system.services["courses"]
    while len([p for p in running if p.poll() is None]) > count:
        index = max(i for i, p in enumerate(running) if p.poll() is None)
        target.system.kill_service("courses", index, sig=signal.SIGTERM)
        say("  stopped courses process {} (SIGTERM)".format(index))
    time.sleep(1.0)  # its broker connection closes: no consumer left behind


def progress_line(count, repeat, repeats, f, checks):
    failed = [c.name for c in checks if not c.passed and c.hard]
    return ("  courses×{} run {}/{}: {:,} answered in {:.2f} s ({:,.0f}/s), {} booked + {} "
            "waitlisted in {:.2f} s, ok p99 {:.0f} ms, 409 p99 {:.0f} ms, after full "
            "{:,.0f}/s, not-open {:,.0f}/s p99 {:.0f} ms, busy {}, other 5xx {}, client "
            "{:.2f} cores, checks {}".format(
                count, repeat + 1, repeats, f["answers"], f["rush_seconds"],
                f["answers_per_s"], f["booked"], f["waitlisted"], f["seats_gone_seconds"],
                f["success_p99_ms"], f["refusal_p99_ms"], f["refusals_after_full_per_s"],
                f["not_open_per_s"], f["not_open_p99_ms"], f["busy"], f["server_errors"],
                f["client_cores"], "PASS" if not failed else "FAIL: " + "; ".join(failed)))


# ---- the table -----------------------------------------------------------

ROWS = (  # figure, label, kind of ratio to bare RPC, target check
    ("rush_seconds", "K answered after (s)", None, lambda v: v <= TARGETS["rush_seconds"]),
    ("answers_per_s", "answers/s (booking path)", "rate",
     lambda r: r >= TARGETS["booking_rate_ratio"]),
    ("booked_per_s", "booked (201)/s until full", "rate", None),
    ("seats_gone_seconds", "seats+waitlist gone (s)", None, None),
    ("success_p50_ms", "201/202 p50 ms", "p50_ms", None),
    ("success_p99_ms", "201/202 p99 ms", "p99_ms", None),
    ("refusal_p50_ms", "409 p50 ms", "p50_ms", None),
    ("refusal_p99_ms", "409 p99 ms", "p99_ms", lambda v: v < TARGETS["refusal_p99_ms"]),
    ("refusal_p99_ms_no_key", "  409 p99 ms, no key", "p99_ms", None),
    ("refusal_p99_ms_key", "  409 p99 ms, with key", "p99_ms", None),
    ("refusal_p99_ms_after_full", "  409 p99 ms, sent after full", "p99_ms",
     lambda v: v < TARGETS["refusal_p99_ms"]),
    ("refusals_before_full", "  409s sent before full", None, None),
    ("refusals_after_full_per_s", "409/s after full", "rate",
     lambda r: r >= TARGETS["refusal_rate_ratio"]),
    ("not_open_per_s", "not-open 409/s", "rate",
     lambda r: r >= TARGETS["refusal_rate_ratio"]),
    ("not_open_p50_ms", "not-open p50 ms", "p50_ms", None),
    ("not_open_p99_ms", "not-open p99 ms", "p99_ms", lambda v: v < TARGETS["refusal_p99_ms"]),
    ("busy", "503 BOOKING_BUSY (shed)", None, None),
    ("busy_p99_ms", "  503 busy p99 ms", "p99_ms", lambda v: v < TARGETS["refusal_p99_ms"]),
    ("server_errors", "other 5xx", None, lambda v: v == 0),
    ("client_cores", "load generator cores", None, None),
)
TARGET_TEXT = {
    "rush_seconds": "≤ 10 s", "answers_per_s": "≥ 0.5× bare",
    "refusal_p99_ms": "< 50 ms", "refusal_p99_ms_after_full": "< 50 ms",
    "busy_p99_ms": "< 50 ms",
    "refusals_after_full_per_s": "≥ 2× bare",
    "not_open_per_s": "≥ 2× bare", "not_open_p99_ms": "< 50 ms", "server_errors": "0",
}


def _num(v):
    if v != v:
        return "–"
    return "{:,.0f}".format(v) if abs(v) >= 100 else "{:.2f}".format(v)


def format_table(result):
    s, bare = result.settings, result.bare
    lines = [
        "Class rush: K={} booking taps by W={} workers (the rest repeats; {:.0%} with an "
        "Idempotency-Key) from C={} keep-alive callers at one class of S={} seats + {} "
        "waitlist places; median of {} run(s) (min–max)".format(
            s.requests, min(s.workers, s.requests), s.key_share, s.callers, s.seats, s.seats,
            result.repeats),
        "sign-up of the workers (not timed): {:.0f} s. Bare RPC at {} callers (yardstick): "
        "{} calls/s, p50 {:.2f} ms, p99 {:.2f} ms".format(
            result.sign_up_seconds, bare["concurrency"], _num(bare["rate"]),
            bare["p50_ms"], bare["p99_ms"]),
    ]
    for p in result.by_processes:
        lines += ["", "courses × {}".format(p.processes),
                  "{:<27} {:>22} {:>8} {:>12} {:>5}".format(
                      "", "median (min–max)", "÷ bare", "target", "")]
        for name, label, ratio_of, ok in ROWS:
            fig = p.figure(name)
            ratio = fig.median / bare[ratio_of] if ratio_of and bare[ratio_of] else None
            verdict = ""
            if ok is not None and TARGET_TEXT.get(name):
                value = ratio if name.endswith("per_s") else fig.median
                if value is not None and value == value:
                    verdict = "met" if ok(value) else "MISS"
            lines.append("{:<27} {:>22} {:>8} {:>12} {:>5}".format(
                label, "{} ({}–{})".format(_num(fig.median), _num(fig.min), _num(fig.max)),
                "{:.2f}×".format(ratio) if ratio is not None else "",
                TARGET_TEXT.get(name, ""), verdict))
        lines.append("checks (run by run):")
        names = [c.name for c in p.checks[0]] if p.checks else []
        for i, name in enumerate(names):
            runs = [run[i] for run in p.checks]
            labels = " ".join(c.label for c in runs)
            bad = next((c.detail for c in runs if not c.passed), "")
            lines.append("  {:<58} {}{}".format(name, labels, "  " + bad if bad else ""))
    if result.open_loop is not None:
        lines.append(rush_open_table.format_open_loop(result.open_loop))
    lines += ["", "targets are the issue's for courses × 1; a MISS is reported, only a "
              "FAILed check fails the run"]
    return "\n".join(lines)
