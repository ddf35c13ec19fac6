"""The nearest-station search through the gateway over a catalog of N
stations (5,000), as calls/s and p99 against the gateway's no-op round trip
(GET /api/v1/ping) measured side by side: each repeat runs both, back to
back, at each concurrency. Target (issue 11): at least 0.5x the calls/s.

Set-up (not timed): N stations opened through the gateway by staff, spread
at random over Haiyan county (so a search's first page lies within a few
hundred metres) with a mix of hours and amenities, and one signed-in worker.
Each call asks from a random position in the county, in WGS-84 as a phone
reports it; every other call filters (open now, with drinking water).

Settings: BENCH_STATIONS (N, 5000), BENCH_STATIONS_CONCURRENCIES ("1,16"),
and the shared BENCH_DURATION, BENCH_WARMUP, BENCH_REPEATS.
"""
import itertools
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

from bench import clients, measure as m, rush_setup, yardstick
from shared.domain import DISTRICTS

NAME = "stations"
BOX = ((30.36, 30.68), (120.72, 121.08))  # Haiyan county, south to north, west to east
HOURS = ({"open_24h": True}, {"opening_hours": "Mo-Su 08:00-20:00"},
         {"opening_hours": "Mo-Fr 08:30-17:00; Sa,Su off"},
         {"opening_hours": "Mo-Su 06:00-02:00"}, None)
AMENITIES = ("drinking_water", "phone_charging", "ebike_charging", "microwave", "rest_area",
             "toilet")
# Every catalog change takes the catalog's next number in its transaction
# (services/stations/storage.py), so concurrent openings conflict and one is
# told BUSY (nothing written): retried, as the README tells an app to.
SEED_THREADS, SEED_TRIES = 2, 20
NEAREST, PING = "nearest", yardstick.GATEWAY
LABELS = {NEAREST: "nearest (HTTP → stations)", PING: "gateway (HTTP → ping)"}


@dataclass(frozen=True)
class StationsSettings:
    stations: int = 5000
    concurrencies: tuple = (1, 16)

    @classmethod
    def from_env(cls):
        get = os.environ.get
        concurrencies = get("BENCH_STATIONS_CONCURRENCIES")
        return cls(stations=int(get("BENCH_STATIONS", cls.stations)),
                   concurrencies=tuple(int(c) for c in concurrencies.split(","))
                   if concurrencies else cls.concurrencies)


def random_point(rng):
    return round(rng.uniform(*BOX[0]), 6), round(rng.uniform(*BOX[1]), 6)


def station(n, rng):
    lat, lng = random_point(rng)
    return {"kind": "outdoor_worker", "name": "压测服务站{:05d}".format(n),
            "address": "海盐县压测路{}号".format(n), "district": DISTRICTS[n % len(DISTRICTS)],
            "position": {"lat": lat, "lng": lng, "system": "wgs84"},
            "amenities": sorted(rng.sample(AMENITIES, rng.randint(1, len(AMENITIES)))),
            "hours": rng.choice(HOURS)}


def nothing_done(status, body):
    return status == 503 or (status == 409 and (body or {}).get("error") == "BUSY")


def seed(target, token, count, say):
    """Open stations until the catalog has ``count`` (a rerun reuses them)."""
    http = rush_setup.Http(target.url)
    have = rush_setup.expect(*http.call("GET", "/api/v1/stations?per_page=1", token=token),
                             200, "list stations")["total"]
    http.close()
    local = threading.local()

    def open_one(n):
        if not hasattr(local, "http"):
            local.http = rush_setup.Http(target.url)
        for _ in range(SEED_TRIES):
            status, body = local.http.call("POST", "/api/v1/stations",
                                           station(n, random.Random(n)), token=token)
            if not nothing_done(status, body):
                break
            time.sleep(0.05)
        rush_setup.expect(status, body, 201, "open a station")
    with ThreadPoolExecutor(SEED_THREADS) as pool:
        list(pool.map(open_one, range(have, count)))
    say("  {:,} stations in the catalog ({:,} opened now)".format(count, max(0, count - have)))


def nearest_path(rng_lock, rng, filtered):
    with rng_lock:
        lat, lng = random_point(rng)
        extra = next(filtered)
    query = {"lat": lat, "lng": lng, "system": "wgs84", "per_page": 20}
    if extra:
        query.update(open_now="true", amenities="drinking_water")
    return "/api/v1/stations/nearest?" + urlencode(query)


def client_factories(target, token):
    rng, lock, filtered = random.Random(11), threading.Lock(), itertools.cycle((False, True))

    def check(content):
        if b'"items"' not in content:
            raise clients.UnexpectedAnswer(content[:200])
    headers = {"Authorization": "Bearer " + token}
    return {
        PING: yardstick.client_factories(target)[yardstick.GATEWAY],
        NEAREST: clients.http_client(target.url, "GET", None, headers=headers, check=check,
                                     path_for=lambda: nearest_path(lock, rng, filtered)),
    }


@dataclass
class StationsResult:
    settings: StationsSettings
    load: m.LoadSettings
    cells: dict            # {kind: {concurrency: CellSummary}}
    error_samples: list

    @property
    def errors(self):
        return sum(c.errors for cells in self.cells.values() for c in cells.values())

    def ratio(self, figure, concurrency):
        cells = {kind: self.cells[kind][concurrency] for kind in (NEAREST, PING)}
        nearest, ping = (getattr(cells[k], figure).median for k in (NEAREST, PING))
        return nearest / ping if ping else float("nan")

    def to_dict(self):
        return {"settings": {"stations": self.settings.stations,
                             "concurrencies": list(self.settings.concurrencies)},
                "cells": {kind: {str(c): s.to_dict() for c, s in cells.items()}
                          for kind, cells in self.cells.items()},
                "ratios_nearest_to_ping": {str(c): {"rate": self.ratio("rate", c),
                                                    "p99": self.ratio("p99_ms", c)}
                                           for c in self.settings.concurrencies},
                "errors": self.errors, "error_samples": self.error_samples}

    def table(self):
        lines = ["Nearest station over {:,} stations vs the gateway's ping, side by side; "
                 "median of {} run(s) (min–max)".format(self.settings.stations,
                                                       self.load.repeats)]
        for c in self.settings.concurrencies:
            for kind in (PING, NEAREST):
                cell = self.cells[kind][c]
                lines.append("  x{:<3} {:<28} {:>7.0f} calls/s ({:.0f}–{:.0f})  p99 {:6.1f} ms"
                             .format(c, LABELS[kind], cell.rate.median, cell.rate.min,
                                     cell.rate.max, cell.p99_ms.median))
            lines.append("  x{:<3} nearest ÷ ping: calls/s {:.2f}x (target ≥ 0.5x), "
                         "p99 {:.2f}x".format(c, self.ratio("rate", c), self.ratio("p99_ms", c)))
        return "\n".join(lines)


def run(target, settings, baseline=None, progress=None):
    say = progress or (lambda text: None)
    own = StationsSettings.from_env()
    token = rush_setup.staff_token(target)
    seed(target, token, own.stations, say)
    factories = client_factories(target, token)
    runs = {kind: {c: [] for c in own.concurrencies} for kind in factories}
    samples = []
    for repeat in range(settings.repeats):
        for concurrency in own.concurrencies:
            for kind in (PING, NEAREST):
                stats, errors = m.run_load(factories[kind], concurrency, settings)
                runs[kind][concurrency].append(stats)
                samples.extend("{} x{}: {}".format(kind, concurrency, e) for e in errors)
                say("  run {}/{} {:<8} x{:<3} {:>7.0f} calls/s  p50 {:6.2f} ms  p99 {:7.2f} ms"
                    "  errors {}".format(repeat + 1, settings.repeats, kind, concurrency,
                                         stats.rate, stats.p50_ms, stats.p99_ms, stats.errors))
    cells = {kind: {c: m.summarize(runs[kind][c]) for c in own.concurrencies} for kind in runs}
    return StationsResult(own, settings, cells, samples[:10])
