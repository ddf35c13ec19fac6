"""insight's settings, from environment variables (shared/config.py)."""
from dataclasses import dataclass

from shared.config import setting

SETTINGS = ("INSIGHT_PUSH_SECONDS", "INSIGHT_PUSH_BATCH", "LIVE_VISIT_HOURS",
            "LIVE_FOLD_SECONDS")


def service_config():
    return {name: setting(name) for name in SETTINGS}


@dataclass(frozen=True)
class InsightSettings:
    # Notifications one insert writes while a push fans out (the timers'
    # intervals, INSIGHT_PUSH_SECONDS and LIVE_FOLD_SECONDS, are read by the
    # timers themselves).
    push_batch: int
    # The live view's station visits: the last this many hours.
    live_visit_hours: int

    @classmethod
    def from_config(cls, config):
        return cls(push_batch=int(config["INSIGHT_PUSH_BATCH"]),
                   live_visit_hours=int(config["LIVE_VISIT_HOURS"]))
