"""What a booking and a refusal cost courses' database, in commands, during
the open-loop rush (bench/rush_open.py).

Every service counts the commands its process sent its database (pymongo
command monitoring, shared/mongo.py) and reports them over RPC
(`report_database_commands`). A sampler reads courses' counts every
SAMPLE_SECONDS through a run; the run's phases are told apart afterwards
from the answers' times:

- idle: before the first tap (timers, relays: subtracted from the others);
- not open: every answer a refusal (409 BOOKING_NOT_OPEN);
- fill: from the opening until the last new seat or place was answered:
  nearly all winners (workers tap round-robin, so the first taps are all
  different workers); the few other answers are charged at the after-full rate;
- after full: refusals, plus keyed retries of holders that are replayed.

A snapshot belongs where it was sent: courses answers RPCs in the order they
arrive, so one sent after an answer came back counts that answer's commands.
With more than one courses process the counts are partial (each process
answers for itself): the rush runs this part with one.
"""
import threading
import time
from collections import Counter
from dataclasses import dataclass

from nameko.standalone.rpc import ClusterRpcProxy

SAMPLE_SECONDS = 0.1
RPC_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Snapshot:
    sent: float        # clock time the RPC was sent (s from the opening)
    commands: dict     # {command name: count so far}


class Sampler(threading.Thread):
    """Reads courses' command counts every SAMPLE_SECONDS until stopped."""

    def __init__(self, amqp_uri, clock):
        super().__init__(daemon=True)
        self.amqp_uri, self.clock = amqp_uri, clock
        self.snapshots = []
        self.error = None
        self.stopping = threading.Event()

    def run(self):
        try:
            with ClusterRpcProxy({"AMQP_URI": self.amqp_uri},
                                 timeout=RPC_TIMEOUT_SECONDS) as rpc:
                while True:
                    self.take(rpc)
                    if self.stopping.is_set():  # one last snapshot after the stop
                        return
                    time.sleep(SAMPLE_SECONDS)
        except Exception as exc:  # reported with the figures, not a crash of the run
            self.error = repr(exc)[:200]

    def take(self, rpc):
        sent = self.clock.now()
        self.snapshots.append(Snapshot(sent, rpc.courses.report_database_commands()
                                       ["commands"]))

    def stop(self):
        self.stopping.set()
        self.join(RPC_TIMEOUT_SECONDS * 2)
        return self.snapshots


def first_sent_after(snapshots, moment):
    return next((s for s in snapshots if s.sent >= moment), None)


def last_sent_before(snapshots, moment):
    return next((s for s in reversed(snapshots) if s.sent < moment), None)


def commands_between(a, b):
    """{name: commands} sent between snapshots a and b."""
    counts = Counter(b.commands)
    counts.subtract(a.commands)
    return {name: n for name, n in counts.items() if n}


def idle_rates(a, b):
    """{name: commands/s} between two snapshots with no tap in flight."""
    if a is None or b is None or b.sent <= a.sent:
        return {}
    return {name: n / (b.sent - a.sent) for name, n in commands_between(a, b).items()}


@dataclass
class Phase:
    """Commands sent in one phase (the idle share taken out) and its answers."""
    commands: dict
    answers: int

    def per_answer(self):
        if not self.answers:
            return {}
        return {name: n / self.answers for name, n in self.commands.items()}

    @property
    def total(self):
        return sum(self.commands.values())


def phase(a, b, answers, idle_per_s):
    """The Phase between snapshots a and b; None if either is missing."""
    if a is None or b is None:
        return None
    counts = commands_between(a, b)
    for name, rate in idle_per_s.items():
        counts[name] = counts.get(name, 0) - rate * (b.sent - a.sent)
    return Phase(counts, answers)


def less_others(fill, others, after_full):
    """The fill's commands less what its `others` (non-winning answers) cost
    at the after-full rate: what the bookings cost."""
    if fill is None:
        return None
    per = after_full.per_answer() if after_full is not None else {}
    return Phase({name: n - others * per.get(name, 0) for name, n in fill.commands.items()},
                 fill.answers)


def combine(phases):
    """One Phase of several (None left out): the sums."""
    counts, answers = Counter(), 0
    for p in phases:
        if p is not None:
            counts.update(p.commands)
            answers += p.answers
    return Phase(dict(counts), answers)
