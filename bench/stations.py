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
import random
from urllib.parse import urlencode

from bench import rush_setup, side_by_side
from bench.county import random_point
from shared.domain import DISTRICTS

NAME = "stations"
HOURS = ({"open_24h": True}, {"opening_hours": "Mo-Su 08:00-20:00"},
         {"opening_hours": "Mo-Fr 08:30-17:00; Sa,Su off"},
         {"opening_hours": "Mo-Su 06:00-02:00"}, None)
AMENITIES = ("drinking_water", "phone_charging", "ebike_charging", "microwave", "rest_area",
             "toilet")
NEAREST = "nearest"
STATIONS_PATH = "/api/v1/stations"
STATIONS = 5000  # BENCH_STATIONS


def station(n, rng):
    lat, lng = random_point(rng)
    return {"kind": "outdoor_worker", "name": "压测服务站{:05d}".format(n),
            "address": "海盐县压测路{}号".format(n), "district": DISTRICTS[n % len(DISTRICTS)],
            "position": {"lat": lat, "lng": lng, "system": "wgs84"},
            "amenities": sorted(rng.sample(AMENITIES, rng.randint(1, len(AMENITIES)))),
            "hours": rng.choice(HOURS)}


def seed(target, token, count, say):
    """Open stations until the catalog has ``count`` (a rerun reuses them)."""
    def missing():
        return range(side_by_side.total(target.url, STATIONS_PATH, token, "list stations"),
                     count)

    def open_one(http, n):
        side_by_side.create(http, STATIONS_PATH, station(n, random.Random(n)), token,
                            "open a station")
    return side_by_side.seed(target.url, missing, open_one, count, "stations", say)


def nearest_paths():
    """path_for(rng): from a random position; every other call filtered."""
    filtered = itertools.cycle((False, True))

    def path_for(rng):
        lat, lng = random_point(rng)
        query = {"lat": lat, "lng": lng, "system": "wgs84", "per_page": 20}
        if next(filtered):
            query.update(open_now="true", amenities="drinking_water")
        return STATIONS_PATH + "/nearest?" + urlencode(query)
    return path_for


def run(target, settings, baseline=None, progress=None):
    say = progress or (lambda text: None)
    own = side_by_side.CatalogSettings.from_env("BENCH_STATIONS", STATIONS)
    token = rush_setup.staff_token(target)
    seeded = seed(target, token, own.size, say)
    subject = side_by_side.Subject(
        NEAREST, "nearest (HTTP → stations)",
        "Nearest station over {:,} stations".format(own.size),
        {"stations": own.size}, own.concurrencies)
    factories = side_by_side.client_factories(target, NEAREST, token, nearest_paths())
    return side_by_side.measure(subject, factories, settings, seeded, say)
