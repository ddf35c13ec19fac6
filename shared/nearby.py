"""An in-memory spatial index of points (stations, job postings): nearest
first around a point, and the points along a route. Positions are WGS-84 (lat, lng) in degrees.

Stations sit in a grid of CELL_DEG x CELL_DEG cells. Supported region: China
(any latitude well away from the poles); a route or search crossing the
antimeridian is not supported. Pure: no I/O."""
import heapq
import math
from collections import defaultdict

from shared.coordinates import EARTH_RADIUS_M, distance_m

# 0.01 degree: about 1.1 km north-south and 0.96 km east-west in Haiyan.
# 10,000 stations over the county's ~600 km2 is ~17 per km2, so a page of 20
# comes from the first two rings (25 cells); much smaller cells mean more
# empty lookups, much bigger ones more distances computed per page.
CELL_DEG = 0.01

_RADIANS = math.pi / 180
# Taken off every lower bound, so float rounding between the bound and
# distance_m can never yield a station before a closer one.
_BOUND_MARGIN_M = 0.001


def _cell(lat, lng):
    return math.floor(lat / CELL_DEG), math.floor(lng / CELL_DEG)


class NearbyIndex:
    """Stations by key; `add` again with a key moves that station."""

    def __init__(self, points=()):
        self._positions = {}  # key -> (lat, lng)
        self._cells = {}      # (row, col) -> {key: (lat, lng)}
        for key, lat, lng in points:
            self.add(key, lat, lng)

    def __len__(self):
        return len(self._positions)

    def add(self, key, lat, lng):
        if key in self._positions:
            self.remove(key)
        self._positions[key] = (lat, lng)
        self._cells.setdefault(_cell(lat, lng), {})[key] = (lat, lng)

    def remove(self, key):
        """Raises KeyError for a key that is not in the index."""
        cell = _cell(*self._positions.pop(key))
        del self._cells[cell][key]
        if not self._cells[cell]:
            del self._cells[cell]

    def ranked(self, lat, lng, radius_m=None, among=None):
        """Yield (distance_m, key) nearest first (ties by key), lazily, up
        to radius_m if given, and only of the keys in ``among`` if given (a
        set: those a search's other filters let through, so the others cost
        a set lookup, not a distance). From hundreds of km outside the
        points' area it measures nearly all of them before the first;
        changes made to the index while a ranking is being read may or may
        not show in it."""
        limit = math.inf if radius_m is None else radius_m
        here = (lat, lng)
        row, col = _cell(lat, lng)
        found = []
        for ring, cells in self._rings(row, col):
            for cell in cells:
                for key, position in cell.items():
                    if among is not None and key not in among:
                        continue
                    distance = distance_m(here, position)
                    if distance <= limit:
                        heapq.heappush(found, (distance, key))
            bound = _outside_block_bound(lat, lng, row, col, ring)
            # Strictly closer than anything unexamined: a station at exactly
            # the bound might still come with a smaller key.
            while found and found[0][0] < bound:
                yield heapq.heappop(found)
            if bound > limit:
                break
        while found:
            yield heapq.heappop(found)

    def _rings(self, row, col):
        """(ring, [cell, ...]) for the square rings of cells around (row,
        col), nearest first, until every station has been handed out."""
        remaining = len(self._cells)
        looked_up = ring = 0
        # Ring by ring while that has cost fewer lookups than there are
        # occupied cells: far out (or from far away) rings are mostly empty,
        # and going once through the occupied cells left is cheaper.
        while remaining and looked_up < len(self._cells):
            cells = [self._cells[c] for c in _ring_cells(row, col, ring) if c in self._cells]
            remaining -= len(cells)
            looked_up += _ring_size(ring)
            yield ring, cells
            ring += 1
        if not remaining:
            return
        far = defaultdict(list)
        for (cell_row, cell_col), cell in self._cells.items():
            cell_ring = max(abs(cell_row - row), abs(cell_col - col))
            if cell_ring >= ring:
                far[cell_ring].append(cell)
        for cell_ring in sorted(far):
            yield cell_ring, far[cell_ring]

    def along_route(self, route, within_m):
        """[(along_m, off_m, key)] for the stations within within_m of the
        polyline `route` ([(lat, lng), ...], at least 2 points), sorted by
        along_m: the distance along the route to the point of closest
        approach; off_m is the distance from the route there. A station
        passed twice counts at its closest approach (the earliest on a tie)."""
        if len(route) < 2:
            raise ValueError("a route needs at least two points")
        best = {}  # key -> (off_m, along_m)
        start_m = 0.0
        for a, b in zip(route, route[1:]):
            length_m = distance_m(a, b)
            for key, position in self._near_segment(a, b, within_m):
                off_m, fraction = _approach(a, b, position)
                if off_m <= within_m and (key not in best or off_m < best[key][0]):
                    best[key] = (off_m, start_m + fraction * length_m)
            start_m += length_m
        return sorted((along_m, off_m, key) for key, (off_m, along_m) in best.items())

    def _near_segment(self, a, b, within_m):
        """(key, position) of the stations in the cells of the segment's
        bounding box widened by within_m."""
        dlat = within_m / EARTH_RADIUS_M / _RADIANS
        south, north = min(a[0], b[0]) - dlat, max(a[0], b[0]) + dlat
        # East-west, a metre is the most degrees where the box is nearest a
        # pole: widening by that covers the whole box.
        widest = max(abs(south), abs(north))
        narrowing = math.cos(min(widest, 90) * _RADIANS)
        if narrowing < _POLAR_NARROWING:  # at a pole every meridian is near
            west, east = -180, 180
        else:
            dlng = within_m / (EARTH_RADIUS_M * narrowing) / _RADIANS
            west, east = min(a[1], b[1]) - dlng, max(a[1], b[1]) + dlng
        first_row, first_col = _cell(south, west)
        last_row, last_col = _cell(north, east)
        if (last_row - first_row + 1) * (last_col - first_col + 1) > len(self._cells):
            # A box of more cells than hold stations: look at those instead.
            cells = [cell for cell in self._cells if first_row <= cell[0] <= last_row
                     and first_col <= cell[1] <= last_col]
        else:
            cells = ((row, col) for row in range(first_row, last_row + 1)
                     for col in range(first_col, last_col + 1))
        for cell in cells:
            yield from self._cells.get(cell, {}).items()


# cos(latitude) below this (within ~0.06 degrees of a pole): the box spans
# every longitude rather than a width that overflows.
_POLAR_NARROWING = 1e-3


def _ring_size(ring):
    return 8 * ring if ring else 1


def _ring_cells(row, col, ring):
    if ring == 0:
        yield row, col
        return
    for c in range(col - ring, col + ring + 1):
        yield row - ring, c
        yield row + ring, c
    for r in range(row - ring + 1, row + ring):
        yield r, col - ring
        yield r, col + ring


def _outside_block_bound(lat, lng, row, col, ring):
    """A lower bound, in metres, on the distance from (lat, lng) to any point
    outside the square of cells `ring` around (row, col)."""
    # North or south of the square: at least the latitude difference.
    dlat = min((row + ring + 1) * CELL_DEG - lat, lat - (row - ring) * CELL_DEG)
    # East or west: at least the distance to the nearest bounding meridian,
    # asin(cos(lat) sin(dlng)) on the sphere (so narrower cells at higher
    # latitude are accounted for); beyond 90 degrees the 90 degree bound holds.
    dlng = min((col + ring + 1) * CELL_DEG - lng, lng - (col - ring) * CELL_DEG, 90)
    across = math.asin(math.cos(lat * _RADIANS) * math.sin(dlng * _RADIANS))
    return EARTH_RADIUS_M * min(dlat * _RADIANS, across) - _BOUND_MARGIN_M


def _approach(a, b, position):
    """(off_m, fraction): the distance from `position` to the segment a-b and
    how far along it (0..1) the closest point is, in an equirectangular
    projection around the segment's mid-latitude (good to well under a
    metre for segments of a few km)."""
    scale_x = math.cos((a[0] + b[0]) / 2 * _RADIANS)
    bx, by = (b[1] - a[1]) * scale_x, b[0] - a[0]
    px, py = (position[1] - a[1]) * scale_x, position[0] - a[0]
    length_sq = bx * bx + by * by
    fraction = 0.0 if length_sq == 0 else min(max((px * bx + py * by) / length_sq, 0.0), 1.0)
    off_deg = math.hypot(px - fraction * bx, py - fraction * by)
    return EARTH_RADIUS_M * off_deg * _RADIANS, fraction
