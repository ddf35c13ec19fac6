"""stations' nearby index: nearest-first search and stations along a route,
each checked against brute force over every station."""
import itertools
import random

import pytest

from shared.coordinates import distance_m
from shared import nearby
from shared.nearby import NearbyIndex, _approach

HAIYAN_LAT, HAIYAN_LNG = (30.40, 30.65), (120.75, 121.05)
FAR_AWAY = [("beijing", 39.9042, 116.4074), ("urumqi", 43.8256, 87.6168),
            ("sanya", 18.2528, 109.5119), ("mohe", 52.9722, 122.5386)]


def haiyan_point(rng):
    return rng.uniform(*HAIYAN_LAT), rng.uniform(*HAIYAN_LNG)


def stations(seed, count=2000):
    rng = random.Random(seed)
    points = [(f"s{n:04d}", *haiyan_point(rng)) for n in range(count)]
    # Exact duplicates: two stations in the same building tie on distance.
    points += [(f"dup{n}", lat, lng) for n, (_, lat, lng) in enumerate(points[:20])]
    return points + FAR_AWAY


def brute_force_ranking(points, lat, lng):
    return sorted((distance_m((lat, lng), (plat, plng)), key) for key, plat, plng in points)


def query_points(seed):
    rng = random.Random(seed)
    inside = [haiyan_point(rng) for _ in range(25)]
    just_outside = [(rng.uniform(30.2, 30.85), rng.uniform(120.5, 121.3)) for _ in range(10)]
    far = [(39.9, 116.4), (25.0, 100.0), (50.0, 127.0)]
    on_a_station = [(30.5, 120.9)]
    return inside + just_outside + far + on_a_station


@pytest.fixture(scope="module")
def points():
    return stations(seed=11)


@pytest.fixture(scope="module")
def index(points):
    return NearbyIndex(points)


def test_the_full_ranking_agrees_with_brute_force(points, index):
    for lat, lng in query_points(seed=12):
        assert list(index.ranked(lat, lng)) == brute_force_ranking(points, lat, lng)


@pytest.mark.parametrize("radius_m", [0, 300, 1_500, 8_000, 2_000_000])
def test_a_radius_limited_ranking_agrees_with_brute_force(points, index, radius_m):
    for lat, lng in query_points(seed=13):
        expected = [hit for hit in brute_force_ranking(points, lat, lng) if hit[0] <= radius_m]
        assert list(index.ranked(lat, lng, radius_m)) == expected


def test_a_ranking_among_some_keys_agrees_with_brute_force_over_them(points, index):
    rng = random.Random(14)
    for share in (0.01, 0.1, 0.5):
        among = {key for key, _, _ in points if rng.random() < share}
        kept = [point for point in points if point[0] in among]
        for lat, lng in query_points(seed=15):
            assert list(index.ranked(lat, lng, among=among)) == \
                brute_force_ranking(kept, lat, lng)
            assert list(index.ranked(lat, lng, 1_500, among)) == \
                [hit for hit in brute_force_ranking(kept, lat, lng) if hit[0] <= 1_500]


def test_a_ranking_among_some_keys_measures_only_those(points, index, monkeypatch):
    measured = []

    def counting_distance(a, b):
        measured.append(b)
        return distance_m(a, b)
    among = {key for key, _, _ in points[::10]}
    monkeypatch.setattr(nearby, "distance_m", counting_distance)
    assert len(list(index.ranked(30.52, 120.90, among=among))) == len(among)
    assert len(measured) == len(among)


def test_a_station_exactly_at_the_radius_is_included():
    index = NearbyIndex([("a", 30.50, 120.90), ("b", 30.52, 120.90)])
    radius = distance_m((30.50, 120.90), (30.52, 120.90))
    assert [key for _, key in index.ranked(30.50, 120.90, radius)] == ["a", "b"]


def test_ties_come_in_key_order():
    index = NearbyIndex([("c", 30.5, 120.9), ("a", 30.5, 120.9), ("b", 30.5, 120.9)])
    assert [key for _, key in index.ranked(30.51, 120.91)] == ["a", "b", "c"]


def test_the_first_page_comes_without_measuring_everything(points, index, monkeypatch):
    measured = []

    def counting_distance(a, b):
        measured.append(b)
        return distance_m(a, b)

    monkeypatch.setattr(nearby, "distance_m", counting_distance)
    page = list(itertools.islice(index.ranked(30.52, 120.90), 20))
    assert page == brute_force_ranking(points, 30.52, 120.90)[:20]
    assert len(measured) < len(points) / 10


def test_remove_and_add_change_what_is_found():
    index = NearbyIndex([("a", 30.50, 120.90), ("b", 30.51, 120.90)])
    index.remove("a")
    assert [key for _, key in index.ranked(30.50, 120.90)] == ["b"]
    index.add("c", 30.505, 120.90)
    assert [key for _, key in index.ranked(30.50, 120.90)] == ["c", "b"]
    assert len(index) == 2


def test_adding_a_key_again_moves_the_station():
    index = NearbyIndex([("a", 30.50, 120.90), ("b", 30.51, 120.90)])
    index.add("a", 30.52, 120.90)
    assert [key for _, key in index.ranked(30.50, 120.90)] == ["b", "a"]
    assert len(index) == 2


def test_removing_an_unknown_key_is_an_error():
    with pytest.raises(KeyError):
        NearbyIndex().remove("nope")


def test_an_empty_index_finds_nothing():
    index = NearbyIndex([])
    assert len(index) == 0
    assert list(index.ranked(30.5, 120.9)) == []
    assert list(index.ranked(30.5, 120.9, 1_000)) == []
    assert index.along_route([(30.5, 120.9), (30.6, 121.0)], 500) == []


def test_an_index_emptied_by_removals_finds_nothing():
    index = NearbyIndex([("a", 30.5, 120.9)])
    index.remove("a")
    assert list(index.ranked(30.5, 120.9)) == []


# ---- along a route ----------------------------------------------------------


def brute_force_along(points, route, within_m):
    best = {}
    start_m = 0.0
    for a, b in zip(route, route[1:]):
        for key, lat, lng in points:
            off_m, fraction = _approach(a, b, (lat, lng))
            if off_m <= within_m and (key not in best or off_m < best[key][0]):
                best[key] = (off_m, start_m + fraction * distance_m(a, b))
        start_m += distance_m(a, b)
    return sorted((along, off, key) for key, (off, along) in best.items())


def random_route(rng):
    lat, lng = haiyan_point(rng)
    route = [(lat, lng)]
    for _ in range(rng.randint(1, 30)):
        # Steps of up to ~3 km in any direction, like a ride's waypoints.
        lat += rng.uniform(-0.025, 0.025)
        lng += rng.uniform(-0.03, 0.03)
        route.append((lat, lng))
    return route


@pytest.mark.parametrize("within_m", [50, 300, 1_200])
def test_along_route_agrees_with_brute_force(points, index, within_m):
    rng = random.Random(21)
    for _ in range(15):
        route = random_route(rng)
        assert index.along_route(route, within_m) == brute_force_along(points, route, within_m)


def test_the_projection_matches_the_sphere_across_and_at_the_ends():
    a, b = (30.50, 120.88), (30.50, 120.92)
    beside = (30.50 + 120 / 111_195.08, 120.90)  # 120 m north of the middle
    off_m, fraction = _approach(a, b, beside)
    assert off_m == pytest.approx(distance_m(beside, (30.50, 120.90)), abs=0.05)
    assert fraction == pytest.approx(0.5, abs=1e-9)
    past_the_end = (30.501, 120.93)
    off_m, fraction = _approach(a, b, past_the_end)
    assert fraction == 1.0
    assert off_m == pytest.approx(distance_m(past_the_end, b), rel=1e-3)


def test_a_route_that_loops_back_counts_each_station_at_its_closest_pass():
    # East along 30.50 N for ~3.8 km, up 0.01 degree, and back west along
    # 30.51 N: "north" is passed on the way back, much closer than on the way out.
    route = [(30.50, 120.88), (30.50, 120.92), (30.51, 120.92), (30.51, 120.88)]
    index = NearbyIndex([
        ("start", 30.5001, 120.881),
        ("north", 30.5095, 120.90),   # ~55 m from the way back, ~1 km from the way out
        ("corner", 30.505, 120.9201),
    ])
    hits = index.along_route(route, 1_200)
    assert [key for _, _, key in hits] == ["start", "corner", "north"]
    along = {key: along_m for along_m, _, key in hits}
    out_m = distance_m(route[0], route[1])
    up_m = distance_m(route[1], route[2])
    assert along["north"] == pytest.approx(out_m + up_m + out_m / 2, rel=0.01)
    assert {key: round(off_m) for _, off_m, key in hits}["north"] == pytest.approx(56, abs=2)


def test_a_station_equally_close_twice_counts_at_the_first_pass():
    # Out and back along the same road: the station is as close both times.
    route = [(30.50, 120.88), (30.50, 120.92), (30.50, 120.88)]
    index = NearbyIndex([("mid", 30.5003, 120.90)])
    [(along_m, _, _)] = index.along_route(route, 100)
    assert along_m == pytest.approx(distance_m(route[0], route[1]) / 2, rel=1e-3)


def test_stations_beyond_the_distance_are_left_out():
    route = [(30.50, 120.88), (30.50, 120.92)]
    index = NearbyIndex([("near", 30.50 + 90 / 111_195.08, 120.90),
                         ("far", 30.50 + 110 / 111_195.08, 120.90)])
    assert [key for _, _, key in index.along_route(route, 100)] == ["near"]


def test_a_route_needs_two_points():
    with pytest.raises(ValueError):
        NearbyIndex().along_route([(30.5, 120.9)], 100)


def test_a_route_at_a_pole_or_across_a_whole_hemisphere_answers_at_once():
    index = NearbyIndex([("haiyan", 30.52, 120.94), ("pole", 89.999, 10.0)])
    assert [key for _, _, key in index.along_route([(89.99, 0.0), (90.0, 0.0)], 5000)] == \
        ["pole"]
    # A leg the size of the world looks only at the cells that hold stations.
    assert [key for _, _, key in index.along_route([(-80.0, -170.0), (80.0, 170.0)], 1)] == []
