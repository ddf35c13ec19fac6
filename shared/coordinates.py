"""Coordinates: conversions between WGS-84, GCJ-02 and BD-09, great-circle
distance, and whether a check-in position is credible for a station.

Every (lat, lng) here is a plain tuple in degrees. Pure: no I/O."""
import math

import prcoords

from shared.positions import BD09, COORDINATE_SYSTEMS, GCJ02, WGS84

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)

# Phone GPS is unreliable below roughly this (multipath between buildings,
# a fix taken while still riding up), so a rider at the door is never refused.
CHECKIN_RADIUS_M = 150
# A phone's reported accuracy widens the circle, but only so far: a fix that
# claims to be good to 5 km must not let anyone check in from across town.
MAX_ACCURACY_CREDIT_M = 350

_RADIANS = math.pi / 180

# prcoords wants check_china=False: we test the box ourselves, so it neither
# warns nor (for BD-09) applies Baidu's offset outside China.
_FROM_WGS84 = {
    GCJ02: lambda point: prcoords.wgs_gcj(point, False),
    BD09: lambda point: prcoords.wgs_bd(point, False),
}
# The iterated ("bored") inverses: the closed-form ones are metres off.
_TO_WGS84 = {
    GCJ02: prcoords.gcj_wgs_bored,
    BD09: prcoords.bd_wgs_bored,
}


def to_wgs84(system, lat, lng):
    """(lat, lng) in `system` as WGS-84."""
    return _convert(_TO_WGS84, system, lat, lng)


def from_wgs84(system, lat, lng):
    """WGS-84 (lat, lng) as `system`."""
    return _convert(_FROM_WGS84, system, lat, lng)


def in_every_system(position):
    """A position as entered (``{lat, lng, system}``) in every system, as
    stored: ``{system: {lat, lng}}``, rounded to 6 decimals (~0.1 m), the one
    entered kept exactly as entered."""
    entered = position["system"]
    wgs84 = to_wgs84(entered, position["lat"], position["lng"])
    placed = {system: dict(zip(("lat", "lng"), (round(v, 6) for v in
                                                from_wgs84(system, *wgs84))))
              for system in COORDINATE_SYSTEMS}
    placed[entered] = {"lat": position["lat"], "lng": position["lng"]}
    return placed


def _convert(table, system, lat, lng):
    if system not in (WGS84, GCJ02, BD09):
        raise ValueError(f"unknown coordinate system {system!r}")
    # The offsets are only applied inside China (prcoords' bounding box);
    # outside it all three systems are plain WGS-84.
    if system == WGS84 or not prcoords.sanity_in_china_p(prcoords.Coords(lat, lng)):
        return lat, lng
    converted = table[system](prcoords.Coords(lat, lng))
    return converted.lat, converted.lon


def distance_m(a, b):
    """Great-circle (haversine) distance in metres between two WGS-84
    (lat, lng) tuples."""
    lat_a, lng_a = a
    lat_b, lng_b = b
    sin_half_dlat = math.sin((lat_b - lat_a) * _RADIANS / 2)
    sin_half_dlng = math.sin((lng_b - lng_a) * _RADIANS / 2)
    h = (sin_half_dlat * sin_half_dlat
         + math.cos(lat_a * _RADIANS) * math.cos(lat_b * _RADIANS) * sin_half_dlng * sin_half_dlng)
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(h, 1.0)))


def allowed_m(accuracy_m):
    """How far from a station a check-in may be, for a phone reporting
    ``accuracy_m`` (metres, or None)."""
    return CHECKIN_RADIUS_M + min(max(accuracy_m or 0, 0), MAX_ACCURACY_CREDIT_M)


def out_of_reach(place, position):
    """(distance_m, allowed_m) when a reported check-in ``position`` (its
    system, lat, lng, accuracy_m) is not credible for ``place`` (WGS-84
    lat, lng), else None: the caller refuses with its own code."""
    here = to_wgs84(position["system"], position["lat"], position["lng"])
    if within_reach(place, here, position["accuracy_m"]):
        return None
    return round(distance_m(place, here)), allowed_m(position["accuracy_m"])


def within_reach(station, position, accuracy_m):
    """Whether a check-in at `position` (WGS-84, reported accuracy in metres,
    or None) is credible for a station at `station` (WGS-84)."""
    return distance_m(station, position) <= allowed_m(accuracy_m)
