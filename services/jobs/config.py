"""jobs' settings, from environment variables (shared/config.py)."""
from dataclasses import dataclass

from shared.config import setting


def service_config():
    return {"APPLICATION_REPLY_DAYS": setting("APPLICATION_REPLY_DAYS"),
            "JOBS_SWEEP_SECONDS": setting("JOBS_SWEEP_SECONDS")}


@dataclass(frozen=True)
class JobsSettings:
    # An application the employer has not answered in this many days is
    # marked "no reply" and the worker is told: nobody waits forever.
    # (A fraction is allowed: the end-to-end tests wait seconds, not days.)
    reply_days: float

    @classmethod
    def from_config(cls, config):
        return cls(reply_days=float(config["APPLICATION_REPLY_DAYS"]))
