"""Events the volunteering service (志愿先锋) must publish. The service does not
exist yet: this is the contract it must follow; the ledger consumes it."""
from marshmallow import fields, validate

from shared.event_schemas.base import EventData

SOURCE = "volunteering"


class VolunteerHoursConfirmed(EventData):
    """Staff (or the station keeper) confirmed the hours a worker served at one
    activity; one event per confirmation, hours in decimal (2.5)."""
    worker_id = fields.String(required=True)
    activity_id = fields.String(required=True)
    activity_title = fields.String(required=True)
    hours = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False,
                                                                max=24))
    confirmed_by = fields.String(required=True)
    confirmed_at = fields.AwareDateTime(required=True)


SCHEMAS = {"volunteer_hours_confirmed": VolunteerHoursConfirmed}
