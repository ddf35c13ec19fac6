"""ledger's settings, from environment variables (shared/config.py)."""
from dataclasses import dataclass

from shared.config import int_setting


def service_config():
    return {"EXPORT_MAX_ROWS": int_setting("EXPORT_MAX_ROWS")}


@dataclass(frozen=True)
class LedgerSettings:
    export_max_rows: int

    @classmethod
    def from_config(cls, config):
        return cls(export_max_rows=config.get("EXPORT_MAX_ROWS", 10000))
