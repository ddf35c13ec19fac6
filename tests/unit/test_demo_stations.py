"""The demo's stations (scripts/demo_stations.py) are what the stations API
accepts: known districts, kinds and amenities, a story only on red-themed
stations, opening hours that parse, positions inside Haiyan."""
import re

import opening_hours
import pytest

from scripts.demo_stations import STATIONS
from services.stations.schemas import AMENITIES, KINDS
from shared.domain import DISTRICTS
from shared.positions import GCJ02

# Haiyan county, generously boxed.
SOUTH, NORTH, WEST, EAST = 30.33, 30.68, 120.70, 121.10
RED_ONLY = ("theme", "story")
FIELDS = {"kind", "name", "address", "district", "position", "amenities", "hours",
          "photos", "phone"} | set(RED_ONLY)


def named(station):
    return pytest.param(station, id=station["name"])


EVERY = [named(station) for station in STATIONS]


def chinese_characters(text):
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def test_the_counts_the_brief_asks_for():
    kinds = [station["kind"] for station in STATIONS]
    assert kinds.count("red_themed") == 10
    assert kinds.count("outdoor_worker") >= 40


def test_names_are_unique():
    names = [station["name"] for station in STATIONS]
    assert len(names) == len(set(names))


def test_the_three_stations_the_newspaper_names_carry_their_themes():
    theme_of = {station["name"]: station.get("theme") for station in STATIONS}
    assert theme_of["中石化第三加油站司机之家红色驿站"] == "真理求索"
    assert theme_of["海盐智慧城户外劳动者红色驿站"] == "匠心传承"
    assert theme_of["海盐武原城市红色驿站"] == "红色摇篮"


def test_the_county_seat_has_the_most_stations():
    per_district = {d: sum(s["district"] == d for s in STATIONS) for d in DISTRICTS}
    assert max(per_district, key=per_district.get) == "武原街道"


@pytest.mark.parametrize("station", EVERY)
def test_fields_and_vocabulary(station):
    assert set(station) <= FIELDS
    assert station["kind"] in KINDS
    assert station["district"] in DISTRICTS
    assert station["amenities"] and set(station["amenities"]) <= set(AMENITIES)
    assert len(station["amenities"]) == len(set(station["amenities"]))
    assert 1 <= len(station["name"]) <= 60
    assert 1 <= len(station["address"]) <= 120
    assert station["address"].startswith("海盐县" + station["district"])
    assert all(url.startswith("https://example.org/") for url in station["photos"])
    if "phone" in station:
        assert re.fullmatch(r"0573-8\d{7}", station["phone"])


@pytest.mark.parametrize("station", EVERY)
def test_a_theme_and_a_story_exactly_on_red_themed_stations(station):
    if station["kind"] == "red_themed":
        assert 1 <= len(station["theme"]) <= 20
        assert len(station["story"]) <= 3000
        assert 150 <= chinese_characters(station["story"]) <= 400
    else:
        assert not set(RED_ONLY) & set(station)


@pytest.mark.parametrize("station", EVERY)
def test_the_position_is_gcj02_inside_haiyan_to_six_decimals(station):
    position = station["position"]
    assert position["system"] == GCJ02
    assert SOUTH < position["lat"] < NORTH and WEST < position["lng"] < EAST
    for value in (position["lat"], position["lng"]):
        assert round(value, 6) == value


@pytest.mark.parametrize("station", EVERY)
def test_hours_are_unknown_all_day_or_parse_as_opening_hours(station):
    hours = station["hours"]
    if hours is None:
        return
    assert hours["closed_dates"] == []
    if hours["open_24h"]:
        assert hours["opening_hours"] is None
    else:
        opening_hours.OpeningHours(hours["opening_hours"])  # raises if it does not parse


def test_some_stations_have_unknown_hours_and_some_are_open_all_day():
    hours = [station["hours"] for station in STATIONS]
    assert None in hours
    assert any(h and h["open_24h"] for h in hours)
