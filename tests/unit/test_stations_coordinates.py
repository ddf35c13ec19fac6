"""stations' coordinates: conversions checked against reference pairs
published by other implementations, precise round trips, great-circle
distance and check-in reach."""
import random
import warnings

import pytest

from shared import coordinates
from shared.coordinates import distance_m, from_wgs84, to_wgs84, within_reach
from shared.positions import BD09, COORDINATE_SYSTEMS, GCJ02, WGS84

# (WGS-84, GCJ-02) pairs from googollee/eviltransform's test suite
# (python/test.py, "wgsLat, wgsLng, gcjLat, gcjLng").
EVILTRANSFORM_WGS_GCJ = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]
# Tiananmen, from caijun/geoChina's tests (tests/testthat, "wgs 2 gcj").
GEOCHINA_WGS_GCJ = ((39.90734, 116.39089), (39.90874107, 116.39713094))
# (GCJ-02, BD-09) pairs: wandergis/coordtransform's README example
# (gcj02tobd09(116.404, 39.915)) and hujiulong/gcoord's GCJ02.spec.js.
GCJ_BD = [
    ((39.915, 116.404), (39.92133699351021, 116.41036949371029)),
    ((45.0, 123.0), (45.00636899, 123.00636499)),
]
WGS_GCJ = EVILTRANSFORM_WGS_GCJ + [GEOCHINA_WGS_GCJ]


@pytest.mark.parametrize("wgs, gcj", WGS_GCJ)
def test_wgs84_to_gcj02_matches_published_pairs(wgs, gcj):
    assert distance_m(from_wgs84(GCJ02, *wgs), gcj) < 1


@pytest.mark.parametrize("wgs, gcj", WGS_GCJ)
def test_gcj02_to_wgs84_recovers_published_pairs(wgs, gcj):
    assert distance_m(to_wgs84(GCJ02, *gcj), wgs) < 1


@pytest.mark.parametrize("gcj, bd", GCJ_BD)
def test_gcj02_to_bd09_matches_published_pairs(gcj, bd):
    # BD-09 is GCJ-02 plus Baidu's offset, so the WGS-84 point of a GCJ-02
    # reference goes to its BD-09 reference.
    wgs = to_wgs84(GCJ02, *gcj)
    assert distance_m(from_wgs84(BD09, *wgs), bd) < 1
    assert distance_m(to_wgs84(BD09, *bd), wgs) < 1


def china_points(count, seed):
    rng = random.Random(seed)
    # Inland China from Yunnan to Heilongjiang, clear of the box's edges.
    return [(rng.uniform(21.0, 50.0), rng.uniform(80.0, 130.0)) for _ in range(count)]


@pytest.mark.parametrize("system", [GCJ02, BD09])
def test_a_round_trip_lands_within_ten_centimetres(system):
    for point in china_points(500, seed=7):
        moved = from_wgs84(system, *point)
        assert distance_m(moved, point) > 20  # the offset really was applied
        assert distance_m(to_wgs84(system, *moved), point) < 0.1


@pytest.mark.parametrize("system", COORDINATE_SYSTEMS)
@pytest.mark.parametrize("point", [(48.8584, 2.2945), (40.6892, -74.0445), (-33.8568, 151.2153)])
def test_outside_china_nothing_moves_and_nothing_warns(system, point):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert from_wgs84(system, *point) == point
        assert to_wgs84(system, *point) == point


def test_wgs84_is_left_as_it_is():
    assert to_wgs84(WGS84, 30.51, 120.93) == (30.51, 120.93)
    assert from_wgs84(WGS84, 30.51, 120.93) == (30.51, 120.93)


def test_an_unknown_system_is_refused():
    with pytest.raises(ValueError):
        to_wgs84("mars", 30.51, 120.93)


def test_a_degree_of_latitude_is_111_2_km():
    # 2 * pi * 6371.0088 km / 360 = 111.195 km on the mean sphere.
    assert distance_m((30.0, 120.9), (31.0, 120.9)) == pytest.approx(111_195, abs=1)


def test_a_quarter_meridian_and_a_quarter_equator():
    quarter = 6_371_008.8 * 3.141592653589793 / 2
    assert distance_m((0.0, 0.0), (90.0, 0.0)) == pytest.approx(quarter, rel=1e-12)
    assert distance_m((0.0, 10.0), (0.0, 100.0)) == pytest.approx(quarter, rel=1e-12)


def test_distance_is_symmetric_and_zero_on_the_spot():
    a, b = (30.51, 120.93), (30.49, 120.95)
    assert distance_m(a, b) == distance_m(b, a)
    assert distance_m(a, a) == 0


def north_of(point, metres):
    return point[0] + metres / 111_195.08, point[1]


STATION = (30.5120, 120.9380)


def test_a_check_in_within_the_radius_counts_with_no_accuracy():
    assert within_reach(STATION, north_of(STATION, 149), None)
    assert not within_reach(STATION, north_of(STATION, 151), None)


def test_reported_accuracy_widens_the_radius():
    assert not within_reach(STATION, north_of(STATION, 240), 80)
    assert within_reach(STATION, north_of(STATION, 220), 80)


def test_accuracy_credit_is_capped():
    reach = coordinates.CHECKIN_RADIUS_M + coordinates.MAX_ACCURACY_CREDIT_M
    assert within_reach(STATION, north_of(STATION, reach - 1), 5_000)
    assert not within_reach(STATION, north_of(STATION, reach + 1), 5_000)


def test_a_nonsense_negative_accuracy_earns_no_credit():
    assert not within_reach(STATION, north_of(STATION, 151), -500)
