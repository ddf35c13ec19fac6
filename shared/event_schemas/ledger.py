"""Events the ledger publishes: one per entry of a worker's points statement.

``points_awarded``: points earned (an earning rule or a staff adjustment up);
``points_spent``: points gone (a redemption, a staff adjustment down, or
expiry, told apart by ``reason_code``); ``points_reversed``: an entry undone by
a reversal entry that names it in ``reverses``.
"""
from marshmallow import fields

from shared.event_privacy import personal, PSEUDONYM, WITHHELD
from shared.event_schemas.base import EventData

SOURCE = "ledger"


class PointsEntry(EventData):
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    entry_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    amount = fields.Integer(required=True, metadata={"description": "signed: + earned, - spent"})
    reason_code = fields.String(required=True, metadata={
        "description": "quiz_passed, class_attended, lesson_completed, "
                       "volunteer_hours_confirmed, station_visited, adjustment, "
                       "redemption, expired or reversal"})
    reason = fields.String(required=True)
    source = fields.String(required=True, metadata={
        "description": "what caused it (an event id or a staff action), unique",
        **personal(WITHHELD)})
    balance_after = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)


class PointsReversed(PointsEntry):
    reverses = fields.String(required=True, metadata={"description": "the entry undone",
                                                          **personal(PSEUDONYM)})


SCHEMAS = {
    "points_awarded": PointsEntry,
    "points_spent": PointsEntry,
    "points_reversed": PointsReversed,
}
