"""Events the stations service (主题驿站) must publish. The service does not
exist yet: this is the contract it must follow; the ledger consumes it."""
from marshmallow import fields

from shared.event_schemas.base import EventData

SOURCE = "stations"


class StationVisited(EventData):
    """A worker checked in at a station (every check-in; caps are the ledger's)."""
    worker_id = fields.String(required=True)
    station_id = fields.String(required=True)
    station_name = fields.String(required=True)
    visited_at = fields.AwareDateTime(required=True)


SCHEMAS = {"station_visited": StationVisited}
