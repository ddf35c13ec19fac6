"""Each instance's copy of the catalog, in memory, for the nearest search.

The embedded database answers a 2dsphere query over 5,000 stations in
~150 ms and a $geoNear in ~450 ms (measured); a county's stations are a few
MB, change a few times a day, and are read on every search. So each
instance keeps the active stations in a grid index (nearby.py) and asks the
database at most every ``catalog_refresh_seconds`` whether anything changed
(one read of the catalog's number), then fetches only the stations changed
since the number it holds (storage.py). An instance sees its own changes at
once (``refresh(force=True)`` after a write).
"""
import time

from nameko.extensions import DependencyProvider

from services.stations.config import StationsSettings
from shared.nearby import NearbyIndex
from services.stations.schemas import ACTIVE, WGS84
from shared.mongo import store_of


class CatalogCopy:
    def __init__(self, store_class, db, refresh_seconds, clock=time.monotonic):
        self.store_class, self.db = store_class, db
        self.refresh_seconds, self.clock = refresh_seconds, clock
        self.stations, self.index, self.seq = {}, NearbyIndex(()), 0
        self.checked_at = None

    def refresh(self, force=False):
        now = self.clock()
        if not force and self.checked_at is not None \
                and now - self.checked_at < self.refresh_seconds:
            return self
        self.checked_at = now
        store = self.store_class(self.db)
        if store.catalog_seq() > self.seq:
            self.apply(store.changed_since(self.seq))
        return self

    def apply(self, changed):
        for station in changed:
            if station["seq"] <= self.seq:
                continue  # a concurrent refresh got here first
            key = station["_id"]
            before = self.stations.get(key)
            if before is not None and before["status"] == ACTIVE:
                self.index.remove(key)
            self.stations[key] = station
            if station["status"] == ACTIVE:
                position = station["positions"][WGS84]
                self.index.add(key, position["lat"], position["lng"])
        if changed:
            self.seq = max(self.seq, changed[-1]["seq"])

    def get(self, station_id):
        return self.stations.get(station_id)


class Catalog(DependencyProvider):
    """Injects the instance's CatalogCopy, refreshed if it is due."""

    def __init__(self, store_class):
        self.store_class = store_class
        self.copy = None

    def get_dependency(self, worker_ctx):
        if self.copy is None:  # here: the database is the MongoStore's, set up by now
            seconds = StationsSettings.from_config(self.container.config)\
                .catalog_refresh_seconds
            self.copy = CatalogCopy(self.store_class,
                                    store_of(self.container, "the catalog").db, seconds)
        return self.copy.refresh()
