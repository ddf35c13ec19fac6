"""courses' settings, from environment variables (shared/config.py)."""
from dataclasses import dataclass

from shared.config import int_setting


def service_config():
    return {"MAX_UPCOMING_BOOKINGS": int_setting("MAX_UPCOMING_BOOKINGS"),
            "OFFER_MINUTES": int_setting("OFFER_MINUTES")}


@dataclass(frozen=True)
class CoursesSettings:
    max_upcoming_bookings: int
    offer_minutes: int

    @classmethod
    def from_config(cls, config):
        return cls(max_upcoming_bookings=config.get("MAX_UPCOMING_BOOKINGS", 3),
                   offer_minutes=config.get("OFFER_MINUTES", 30))
