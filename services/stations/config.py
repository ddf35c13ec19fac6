"""stations' settings (shared/config.py holds the environment-wide ones)."""
from dataclasses import dataclass

# How stale another instance's copy of the catalog may be: each instance
# keeps the stations in memory for the nearest search and asks the database
# whether anything changed at most this often (the instance that made a
# change sees it at once). Tests set CATALOG_REFRESH_SECONDS to 0.
CATALOG_REFRESH_SECONDS = 1.0


def service_config():
    return {}


@dataclass(frozen=True)
class StationsSettings:
    catalog_refresh_seconds: float

    @classmethod
    def from_config(cls, config):
        return cls(catalog_refresh_seconds=config.get(
            "CATALOG_REFRESH_SECONDS", CATALOG_REFRESH_SECONDS))
