"""Events the identity service publishes. Phones appear masked only."""
from marshmallow import fields

from shared.event_privacy import personal, PSEUDONYM, WITHHELD
from shared.event_schemas.base import EventData

SOURCE = "identity"


class WorkerFacts(EventData):
    """The facts other services keep a local copy of."""
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    name = fields.String(required=True, metadata=personal(WITHHELD))
    phone_masked = fields.String(required=True, metadata=personal(WITHHELD))
    occupation = fields.String(required=True)
    platform = fields.String(required=True)
    district = fields.String(required=True)


class WorkerRegistered(WorkerFacts):
    roles = fields.List(fields.String(), required=True)
    registered_at = fields.AwareDateTime(required=True)


class ProfileUpdated(WorkerFacts):
    changed = fields.List(fields.String(), required=True)
    updated_at = fields.AwareDateTime(required=True)


class MembershipApproved(EventData):
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    member_number = fields.String(required=True, metadata=personal(WITHHELD))
    district = fields.String(required=True)
    occupation = fields.String(required=True)
    approved_at = fields.AwareDateTime(required=True)
    approved_by = fields.String(required=True, metadata=personal(PSEUDONYM))


SCHEMAS = {
    "worker_registered": WorkerRegistered,
    "profile_updated": ProfileUpdated,
    "membership_approved": MembershipApproved,
}
