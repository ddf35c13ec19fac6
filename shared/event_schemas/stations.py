"""Events the stations service (主题驿站, services/stations/) publishes. The
ledger awards station_visited (with a daily cap); the union's planners and
other departments read the rest: where stations are, and the demand on them."""
from marshmallow import Schema, fields, validate

from shared.event_privacy import personal, PSEUDONYM
from shared.event_schemas.base import EventData

SOURCE = "stations"


class Position(Schema):
    lat = fields.Float(required=True)
    lng = fields.Float(required=True)
    system = fields.String(required=True, metadata={"description": "wgs84"})


class StationFacts(EventData):
    """What a station is, as staff last saved it (opened or updated)."""
    station_id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    district = fields.String(required=True)
    address = fields.String(required=True)
    position = fields.Nested(Position, required=True)
    amenities = fields.List(fields.String(), required=True)
    keepers = fields.List(fields.String(), required=True, metadata={
        "description": "the workers who keep it (volunteering: who may organize there)",
        **personal(PSEUDONYM)})
    at = fields.AwareDateTime(required=True)


class StationClosed(EventData):
    """Closed for good by staff (reopening publishes station_opened again)."""
    station_id = fields.String(required=True)
    name = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


class StationStatusChanged(EventData):
    """The keeper's live status: normal, temporarily closed, or full."""
    station_id = fields.String(required=True)
    name = fields.String(required=True)
    live_status = fields.String(required=True)
    note = fields.String(allow_none=True)
    at = fields.AwareDateTime(required=True)


class StationProblemReported(EventData):
    """A worker's one-tap problem report (a confirmation of an open one too)."""
    station_id = fields.String(required=True)
    name = fields.String(required=True)
    problem = fields.String(required=True)
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    confirmations = fields.Integer(required=True, validate=validate.Range(min=1))
    at = fields.AwareDateTime(required=True)


class StationVisited(EventData):
    """A worker checked in at a station (the counted check-ins: one per station
    per worker every few hours; caps are the ledger's)."""
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    station_id = fields.String(required=True)
    station_name = fields.String(required=True)
    visited_at = fields.AwareDateTime(required=True)


SCHEMAS = {
    "station_opened": StationFacts,
    "station_updated": StationFacts,
    "station_closed": StationClosed,
    "station_status_changed": StationStatusChanged,
    "station_problem_reported": StationProblemReported,
    "station_visited": StationVisited,
}
