"""stations' side of the instance's copy of the catalog (shared/catalog.py,
which says why there is one): the active stations, by their WGS-84
position, in a grid index (shared/nearby.py) that search.py ranks them with."""
from services.stations.schemas import ACTIVE, WGS84
from shared.nearby import NearbyIndex


class StationIndex:
    """The index of a CatalogCopy of the stations; ``nearby`` is searched."""

    def __init__(self):
        self.nearby = NearbyIndex()

    @staticmethod
    def lists(station):
        return station["status"] == ACTIVE  # a closed station is found by nobody

    def add(self, station):
        position = station["positions"][WGS84]
        self.nearby.add(station["_id"], position["lat"], position["lng"])

    def remove(self, station_id):
        self.nearby.remove(station_id)
