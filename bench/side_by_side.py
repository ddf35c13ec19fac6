"""One gateway call measured side by side with the gateway's no-op round trip
(GET /api/v1/ping), for the searches over a catalog (stations, jobs): each
repeat runs both, back to back, at each concurrency, so both sides of a ratio
see the same machine. The targets are ratios of the call to the ping.

Also the catalog's seeding through the gateway (not a figure, but its time
is reported): catalog changes serialize on one counter, so concurrent ones
may be told BUSY (409, nothing written) and are retried, as the README tells
an app to; one whose outcome is unknown (504) is counted again instead.
"""
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from bench import clients, measure as m, rush_setup, yardstick

PING = yardstick.GATEWAY
TARGET_RATIO = 0.5  # the issues' target: at least half the ping's calls/s
SEED_THREADS, SEED_TRIES, SEED_RETRY_SECONDS = 2, 20, 0.05
SEED_ROUNDS = 5  # each posts what the catalog's count says is missing
RANDOM_SEED = 11  # the same calls in the same order, run after run
DEFAULT_CONCURRENCIES = (1, 16)


@dataclass(frozen=True)
class CatalogSettings:
    """How big a catalog to search and with how many callers: from
    <PREFIX> (the size) and <PREFIX>_CONCURRENCIES ("1,16")."""
    size: int
    concurrencies: tuple = DEFAULT_CONCURRENCIES

    @classmethod
    def from_env(cls, prefix, size):
        value = os.environ.get(prefix + "_CONCURRENCIES")
        return cls(size=int(os.environ.get(prefix, size)),
                   concurrencies=tuple(int(c) for c in value.split(","))
                   if value else DEFAULT_CONCURRENCIES)


# ---- seeding -------------------------------------------------------------------------

@dataclass(frozen=True)
class Seeded:
    total: int      # in the catalog for the run
    added: int      # created by this run (a rerun reuses what is there)
    seconds: float  # creating them took


def nothing_done(status, body):
    return status == 503 or (status == 409 and (body or {}).get("error") == "BUSY")


def outcome_unknown(status, body):
    return status == 504 and (body or {}).get("error") == "OUTCOME_UNKNOWN"


def create(http, path, body, token, what):
    """POST ``body`` to ``path``, again while told nothing was done; the
    answer (201), or None if the outcome is unknown (504: the service took it
    but did not answer in time). That is not retried: without an
    Idempotency-Key it could be created twice; seed's next count tells."""
    for _ in range(SEED_TRIES):
        status, answer = http.call("POST", path, body, token=token)
        if not nothing_done(status, answer):
            break
        time.sleep(SEED_RETRY_SECONDS)
    if outcome_unknown(status, answer):
        return None
    return rush_setup.expect(status, answer, 201, what)


def total(url, path, token, what):
    """The ``total`` of a paged list (one item fetched)."""
    http = rush_setup.Http(url)
    try:
        return rush_setup.expect(*http.call("GET", path + "?per_page=1", token=token),
                                 200, what)["total"]
    finally:
        http.close()


def seed(url, missing, work, total_count, noun, say):
    """``work(http, item)`` for each item ``missing()`` lists (counted from
    the catalog, so a rerun reuses what is there), round after round until
    it lists none: a round's creations whose outcome was unknown are
    counted, not guessed. A Seeded."""
    began = time.monotonic()
    items = wanted = list(missing())
    for _ in range(SEED_ROUNDS):
        if not items:
            break
        in_parallel(url, items, work)
        items = list(missing())
    if items:
        raise RuntimeError("{:,} {} still missing after {} rounds".format(
            len(items), noun, SEED_ROUNDS))
    seeded = Seeded(total_count, len(wanted), round(time.monotonic() - began, 1))
    say("  {:,} {} in the catalog ({:,} added now in {:.0f} s)".format(
        seeded.total, noun, seeded.added, seeded.seconds))
    return seeded


def in_parallel(url, items, work, threads=SEED_THREADS):
    """``work(http, item)`` for each item, ``threads`` at a time, each thread
    with its own connection (one is never shared between threads)."""
    local, opened = threading.local(), []

    def one(item):
        if not hasattr(local, "http"):
            local.http = rush_setup.Http(url)
            opened.append(local.http)
        work(local.http, item)
    try:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, items))
    finally:
        for http in opened:
            http.close()


# ---- measuring -----------------------------------------------------------------------

@dataclass(frozen=True)
class Subject:
    """What a benchmark measures against the ping."""
    kind: str            # the call's key in the results: "nearest", "search"
    label: str           # its row in the table
    heading: str         # what was measured, the table's first words
    settings: dict       # the benchmark's own settings, as the results record them
    concurrencies: tuple


def client_factories(target, kind, token, path_for):
    """The ping's and the call's (GET path_for(), signed in) client factories.
    path_for(rng) draws from one seeded rng that every caller's thread shares
    (under a lock)."""
    rng, lock = random.Random(RANDOM_SEED), threading.Lock()

    def next_path():
        with lock:
            return path_for(rng)

    def check(content):
        if b'"items"' not in content:
            raise clients.UnexpectedAnswer(content[:200])
    return {
        PING: yardstick.client_factories(target)[PING],
        kind: clients.http_client(target.url, "GET", None, check=check, path_for=next_path,
                                  headers={"Authorization": "Bearer " + token}),
    }


def measure(subject, factories, load, seeded, say):
    cells, samples = m.run_cells(factories, (PING, subject.kind), subject.concurrencies,
                                 load, say)
    return SideBySide(subject, load, seeded, cells, samples)


@dataclass
class SideBySide:
    subject: Subject
    load: m.LoadSettings
    seeded: Seeded
    cells: dict            # {kind: {concurrency: CellSummary}}
    error_samples: list

    @property
    def errors(self):
        return m.cells_errors(self.cells)

    def ratio(self, figure, concurrency):
        """The call's median ``figure`` ("rate", "p99_ms") over the ping's."""
        call, ping = (getattr(self.cells[kind][concurrency], figure).median
                      for kind in (self.subject.kind, PING))
        return call / ping if ping else float("nan")

    def to_dict(self):
        concurrencies = self.subject.concurrencies
        return {"settings": dict(self.subject.settings, concurrencies=list(concurrencies)),
                "seeded": asdict(self.seeded),
                "cells": m.cells_dict(self.cells),
                "ratios_{}_to_ping".format(self.subject.kind): {
                    str(c): {"rate": self.ratio("rate", c), "p99": self.ratio("p99_ms", c)}
                    for c in concurrencies},
                "errors": self.errors, "error_samples": self.error_samples}

    def table(self):
        kind = self.subject.kind
        labels = {PING: yardstick.LABELS[PING], kind: self.subject.label}
        lines = ["{} vs the gateway's ping, side by side; median of {} run(s) (min–max)"
                 .format(self.subject.heading, self.load.repeats)]
        for c in self.subject.concurrencies:
            for shown in (PING, kind):
                cell = self.cells[shown][c]
                lines.append("  x{:<3} {:<28} {:>7.0f} calls/s ({:.0f}–{:.0f})  p99 {:6.1f} ms"
                             .format(c, labels[shown], cell.rate.median, cell.rate.min,
                                     cell.rate.max, cell.p99_ms.median))
            lines.append("  x{:<3} {} ÷ ping: calls/s {:.2f}x (target ≥ {}x), p99 {:.2f}x"
                         .format(c, kind, self.ratio("rate", c), TARGET_RATIO,
                                 self.ratio("p99_ms", c)))
        lines.append("  seeded: {:,} in the catalog, {:,} added in {:.0f} s".format(
            self.seeded.total, self.seeded.added, self.seeded.seconds))
        return "\n".join(lines)
