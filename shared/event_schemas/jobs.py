"""Events the jobs service (驿路共富, services/jobs/) publishes. They tell the
workers concerned what became of their applications (a notification service
reads application_status_changed), and the union's planners and other
departments what the county's job market asks for. No contact details
travel: a worker is an id."""
from marshmallow import fields

from shared.event_privacy import personal, PSEUDONYM
from shared.event_schemas.base import EventData

SOURCE = "jobs"


class EmployerVerified(EventData):
    employer_id = fields.String(required=True)
    name = fields.String(required=True)
    owner_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    district = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


class JobPosted(EventData):
    """A posting went live (at once, or after staff review)."""
    job_id = fields.String(required=True)
    employer_id = fields.String(required=True)
    title = fields.String(required=True)
    district = fields.String(required=True)
    occupations = fields.List(fields.String(), required=True)
    skills = fields.List(fields.String(), required=True)
    shift = fields.String(required=True)
    headcount = fields.Integer(required=True)
    pay_unit = fields.String(required=True)
    min_fen = fields.Integer(required=True)
    max_fen = fields.Integer(required=True)
    settlement = fields.String(required=True)
    closes_at = fields.AwareDateTime(required=True)
    at = fields.AwareDateTime(required=True)


class JobClosed(EventData):
    """No more applications: the closing date, the headcount hired, or the employer."""
    job_id = fields.String(required=True)
    reason = fields.String(required=True)
    hired = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)


class JobTakenDown(EventData):
    """Staff took a posting down; ``worker_ids``: its applicants, to be told."""
    job_id = fields.String(required=True)
    reason = fields.String(required=True)
    worker_ids = fields.List(fields.String(), required=True, metadata=personal(PSEUDONYM))
    at = fields.AwareDateTime(required=True)


class ApplicationSubmitted(EventData):
    application_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    job_id = fields.String(required=True)
    employer_id = fields.String(required=True)
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    at = fields.AwareDateTime(required=True)


class ApplicationStatusChanged(EventData):
    """Every change an application goes through reaches its worker."""
    application_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    job_id = fields.String(required=True)
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    status = fields.String(required=True)
    previous = fields.String(required=True)
    reason = fields.String(allow_none=True)
    at = fields.AwareDateTime(required=True)


SCHEMAS = {
    "employer_verified": EmployerVerified,
    "job_posted": JobPosted,
    "job_closed": JobClosed,
    "job_taken_down": JobTakenDown,
    "application_submitted": ApplicationSubmitted,
    "application_status_changed": ApplicationStatusChanged,
}
