"""The class rush in an open loop: taps arrive at a fixed rate whatever the
answers do, so a slow answer cannot hold back the next tap (the closed loop
of bench/rush.py hides queueing that way).

Per offered rate R (courses × 1; set-up not timed):
1. a class is published as in the closed loop; booking opens a few seconds later;
2. idle: courses' database commands are read for IDLE_SECONDS with no tap;
3. not open: taps due every 1/R s for NOT_OPEN_SECONDS, up to 0.5 s before
   the opening (all should be 409 BOOKING_NOT_OPEN);
4. the rush: taps due every 1/R s for SECONDS from the opening. Workers tap
   round-robin, so the first taps are all different workers; a worker's later
   taps are retries with their Idempotency-Key (KEY_SHARE of workers) or
   plain repeats.

A tap the gateway sheds (503 BOOKING_BUSY, gateway/admission.py) is not
sent again: the worker's later taps are due anyway, whatever the answers.

Tap i is sent at its due time, or as soon as one of SENDERS threads (each
with its own keep-alive connection, bench/lean_http.py: http.client would
take CPU the system needs) is free; its latency is counted from the
due time (corrected for coordinated omission, as wrk2 does), so a tap held
back behind slow answers shows the wait. How late taps were sent and the
generator's own CPU are reported, and a rate whose taps were not sent on
time is flagged with why: every sender was waiting for an answer (the
system set the pace), or the generator itself was short of CPU.

Settings: BENCH_RUSH_OPEN_RATES ("250,500,1000,1500,2000" taps/s),
BENCH_RUSH_OPEN_SECONDS (4, after the opening), BENCH_RUSH_OPEN_NOT_OPEN_SECONDS
(1.5), BENCH_RUSH_OPEN_SENDERS (400); S and KEY_SHARE are the closed loop's.
"""
import itertools
import os
import random
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field

from bench import rush_check, rush_commands, rush_setup, rush_taps
from bench.cpu import CpuMeter, resident_by_service
from bench.lean_http import LeanHttp
from bench.rush_open_figures import highest_sustainable, run_commands, run_figures

IDLE_SECONDS = 1.0
# gunicorn closes a keep-alive connection idle for 2 s (its default): a sender
# idle longer opens a fresh one rather than lose a tap on a closed socket.
STALE_SECONDS = 1.5
JOIN_SECONDS = rush_taps.RUSH_DEADLINE_SECONDS * 2


@dataclass(frozen=True)
class OpenSettings:
    rates: tuple = (250, 500, 1000, 1500, 2000)
    seconds: float = 4.0
    not_open_seconds: float = 1.5
    senders: int = 400

    @classmethod
    def from_env(cls):
        get = os.environ.get
        rates = get("BENCH_RUSH_OPEN_RATES")
        return cls(
            rates=tuple(sorted(int(r) for r in rates.split(","))) if rates else cls.rates,
            seconds=float(get("BENCH_RUSH_OPEN_SECONDS", cls.seconds)),
            not_open_seconds=float(get("BENCH_RUSH_OPEN_NOT_OPEN_SECONDS",
                                       cls.not_open_seconds)),
            senders=int(get("BENCH_RUSH_OPEN_SENDERS", cls.senders)))


@dataclass
class OpenTap(rush_taps.Tap):
    due: float = None        # when it was due to be sent (s from the opening)

    @property
    def ms(self):
        """From the due time, not the send time: coordinated omission corrected."""
        return (self.done - self.due) * 1000.0

    @property
    def lag_ms(self):
        return (self.sent - self.due) * 1000.0


# ---- the schedule --------------------------------------------------------

def due_times(rate, start, end):
    """Every 1/rate s from `start` until before `end`."""
    return [start + i / rate for i in range(max(0, round((end - start) * rate)))]


def plan_taps(rate, workers, keyed, clock, seconds):
    """OpenTaps in due order: the not-open window, then the rush. Worker n
    taps with keyed[n] (None: no key) every time."""
    taps = [OpenTap(i % workers, "not_open", keyed[i % workers], due=due)
            for i, due in enumerate(due_times(rate, clock.not_open_start,
                                              clock.not_open_end))]
    for i, due in enumerate(due_times(rate, clock.fire, clock.fire + seconds)):
        worker = i % workers
        kind = "first" if i < workers else ("retry" if keyed[worker] else "again")
        taps.append(OpenTap(worker, kind, keyed[worker], due=due))
    return taps


def worker_keys(workers, key_share, rng):
    return [rush_taps.new_key() if rng.random() < key_share else None
            for _ in range(workers)]


# ---- the senders ---------------------------------------------------------

class Sender(threading.Thread):
    """Takes the next tap not yet taken, waits for its due time, sends it."""

    def __init__(self, url, path, accounts, taps, turn, clock):
        super().__init__(daemon=True)
        self.url, self.path, self.accounts = url, path, accounts
        self.taps, self.turn, self.clock = taps, turn, clock

    def run(self):
        http, last_used = LeanHttp(self.url), None
        try:
            for i in self.turn:
                if i >= len(self.taps):
                    return
                tap = self.taps[i]
                wait_until(self.clock, tap.due)
                if self.clock.now() > rush_taps.RUSH_DEADLINE_SECONDS:
                    tap.error = "not sent: rush deadline passed"
                    continue
                if last_used is not None and self.clock.now() - last_used > STALE_SECONDS:
                    http.close()  # the next request connects afresh
                rush_taps.send_tap(http, self.path, self.accounts[tap.worker], tap,
                                   self.clock)
                last_used = self.clock.now()
        finally:
            http.close()


def wait_until(clock, moment):
    # A plain sleep: Clock.sleep_until spins its last 2 ms, which
    # hundreds of senders cannot afford.
    left = moment - clock.now()
    if left > 0:
        time.sleep(left)


# ---- one offered rate ----------------------------------------------------

@dataclass
class OpenRun:
    rate: int
    taps: list
    cores: float
    memory: dict
    snapshots: list
    sampler_error: str
    checks: list
    clock: object
    cpu_window: tuple     # (start, end) of the generator's `cores` (s from the opening)


def run_rate(target, staff, accounts, rush_settings, settings, rate, rng):
    """One class, one offered rate; an OpenRun."""
    lead = (rush_taps.OPENING_LEAD_SECONDS + IDLE_SECONDS + settings.not_open_seconds + 0.5)
    class_id, opens_at = rush_setup.open_class(target, staff, rush_settings.seats, lead)
    clock = rush_taps.Clock(opens_at, settings.not_open_seconds, rush_settings.key_share)
    keyed = worker_keys(len(accounts), rush_settings.key_share, rng)
    taps = plan_taps(rate, len(accounts), keyed, clock, settings.seconds)
    turn = itertools.count()  # next() on it is atomic: each tap goes to one sender
    path = rush_taps.BOOK_PATH.format(class_id)
    senders = [Sender(target.url, path, accounts, taps, turn, clock)
               for _ in range(settings.senders)]
    sampler = rush_commands.Sampler(target.amqp_uri, clock)
    clock.sleep_until(clock.not_open_start - IDLE_SECONDS)
    sampler.start()
    for sender in senders:
        sender.start()
    cores, memory = under_load(target, clock, settings.seconds)
    for sender in senders:
        sender.join(JOIN_SECONDS)
    snapshots = sampler.stop()
    checks = rush_check.check_rush(target.system.env, class_id, rush_settings.seats,
                                   rush_settings.seats, taps, accounts)
    # Only taps answered before the opening must be refused as not open: a
    # not-open tap sent late (the senders all busy) may book, as it should.
    checks.append(rush_check.not_open_check([t for t in taps if t.kind == "not_open"
                                            and t.done is not None and t.done < 0]))
    return OpenRun(rate, taps, cores, memory, snapshots, sampler.error, checks, clock,
                   (clock.fire, clock.fire + settings.seconds))


def under_load(target, clock, seconds):
    """The generator's cores while rush taps are due, and every service's
    resident memory halfway through."""
    meter = CpuMeter({"generator": [os.getpid()]}, time.perf_counter)
    clock.sleep_until(clock.fire)
    meter.start()
    clock.sleep_until(clock.fire + seconds / 2)
    memory = resident_by_service(target.system)
    clock.sleep_until(clock.fire + seconds)
    return meter.stop()["generator"], memory


@dataclass
class OpenLoopResult:
    settings: OpenSettings
    bare: dict                                  # bare RPC at the highest concurrency
    courses_processes: int
    runs: list = field(default_factory=list)      # run_figures per rate
    checks: list = field(default_factory=list)    # [[Check]] per rate
    commands: list = field(default_factory=list)  # run_commands per rate (None: not clean)
    memory: list = field(default_factory=list)    # resident_by_service per rate
    sampler_errors: list = field(default_factory=list)

    @property
    def failures(self):
        return sum(1 for run in self.checks for c in run if not c.passed and c.hard)

    def highest(self):
        return highest_sustainable(self.runs)

    def ratio(self):
        best, bare = self.highest(), self.bare["rate"]
        return best / bare if best and bare == bare and bare else float("nan")

    def commands_summed(self):
        """{phase: Phase} summed over the rates (idle: mean commands/s)."""
        clean = [c for c in self.commands if c]
        summed = {name: rush_commands.combine(c[name] for c in clean)
                  for name in ("not_open", "bookings", "after_full")}
        idle = Counter()
        for c in clean:
            idle.update({k: v / len(clean) for k, v in c["idle_per_s"].items()})
        return summed, dict(idle)

    def to_dict(self):
        summed, idle = self.commands_summed()
        return {
            "settings": asdict(self.settings), "bare_rpc": self.bare,
            "courses_processes": self.courses_processes, "runs": self.runs,
            "highest_sustainable_per_s": self.highest(), "ratio_to_bare": self.ratio(),
            "database_commands": {
                "idle_per_s": idle,
                **{name: {"answers": p.answers, "per_answer": p.per_answer(),
                          "total_per_answer": p.total / p.answers if p.answers else None}
                   for name, p in summed.items()},
                "by_rate": [{name: (asdict(p) if hasattr(p, "commands") else p)
                             for name, p in c.items()} if c else None
                            for c in self.commands]},
            "resident_mib_by_rate": self.memory,
            "checks": [[c.to_dict() for c in run] for run in self.checks],
            "sampler_errors": self.sampler_errors, "errors": self.failures,
        }


def measure(target, staff, accounts, rush_settings, settings, bare, say):
    """Every offered rate against the running system (courses scaled to one)."""
    result = OpenLoopResult(settings, bare, len([
        p for p in target.system.services["courses"] if p.poll() is None]))
    rng = random.Random(2027)
    for rate in settings.rates:
        run = run_rate(target, staff, accounts, rush_settings, settings, rate, rng)
        figures = run_figures(run, settings.senders)
        result.runs.append(figures)
        result.checks.append(run.checks)
        result.commands.append(run_commands(run))
        result.memory.append(run.memory)
        if run.sampler_error:
            result.sampler_errors.append("{}/s: {}".format(rate, run.sampler_error))
        say(progress_line(figures, run.checks))
    return result


def progress_line(f, checks):
    failed = [c.name for c in checks if not c.passed and c.hard]
    return ("  open loop {:,}/s: {:,} taps, {:,} answered; send lag p99 {:.1f} ms, max "
            "{:.0f} ms{}; generator {:.2f} cores; winners p99 {:.0f} ms, 409 p99 {:.0f} "
            "ms p99.9 {:.0f} ms, busy {} p99 {:.0f} ms; checks {}".format(
                f["offered_per_s"], f["taps"], f["answered"], f["lag_p99_ms"],
                f["lag_max_ms"], "" if f["on_time"] else " (LATE: {})".format(f["why_late"]),
                f["generator_cores"], f["winners"]["p99_ms"], f["refusals"]["p99_ms"],
                f["refusals"]["p99_9_ms"], f["busy"]["count"], f["busy"]["p99_ms"],
                "PASS" if not failed else "FAIL: " + "; ".join(
                    failed)))
