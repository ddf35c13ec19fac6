"""The search's answers are built without marshmallow (views.found_answer,
for speed): they must be exactly what the response schemas dump."""
from datetime import datetime, timedelta, timezone

from services.stations import rules, schemas, views
from services.stations.hours import Status
from shared import positions
from shared.domain import CHINA_TZ
from shared.schemas import dump

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)
STATION = {
    "_id": "st1", "kind": "red_themed", "name": "武原城市红色驿站", "theme": "红色摇篮",
    "address": "海盐县武原街道", "district": "武原街道", "amenities": ["drinking_water", "wifi"],
    "status": schemas.ACTIVE, "live": {"status": schemas.FULL, "note": "人多", "at": NOW},
    "positions": {system: {"lat": 30.5 + n / 1000, "lng": 120.9 + n / 1000}
                  for n, system in enumerate(positions.COORDINATE_SYSTEMS)},
    "reports": {"no_water": {"first_at": NOW - timedelta(minutes=40),
                             "last_at": NOW - timedelta(minutes=5), "reporters": ["w1", "w2"]}},
}


def test_a_found_station_is_what_the_schemas_dump_with_problems_and_a_change_time():
    closing = datetime(2026, 12, 1, 20, 0, tzinfo=CHINA_TZ)
    status = rules.status_now(STATION, Status(schemas.CLOSING_SOON, closing, "hours"), NOW)
    assert status["problems"] and status["changes_at"] is not None
    for system in positions.COORDINATE_SYSTEMS:
        summary = views.summary(STATION, system, status)
        assert views.found_answer(STATION, system, status, distance_m=812.6) == \
            dump(schemas.Nearby, dict(summary, distance_m=813))
        assert views.found_answer(STATION, system, status, along_route_m=10.2,
                                  off_route_m=99.5) == \
            dump(schemas.OnRoute, dict(summary, along_route_m=10, off_route_m=100))


def test_a_found_station_with_unknown_hours_and_no_theme_too():
    plain = dict(STATION, kind="outdoor_worker", theme=None, reports={},
                 live={"status": schemas.NORMAL, "note": None, "at": NOW})
    status = rules.status_now(plain, Status(schemas.HOURS_UNKNOWN, None, "unknown"), NOW)
    assert views.found_answer(plain, positions.WGS84, status, distance_m=3) == \
        dump(schemas.Nearby, dict(views.summary(plain, positions.WGS84, status), distance_m=3))
