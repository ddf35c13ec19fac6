"""Events the learning service (红动海盐: lessons and the red-knowledge quiz)
publishes (services/learning/); the ledger awards points from them."""
from marshmallow import fields, validate

from shared.event_privacy import personal, PSEUDONYM
from shared.event_schemas.base import EventData

SOURCE = "learning"

# 红动海盐 columns: ASCII codes in the API, the database and the events, the
# Chinese names shown. Here because they are this vocabulary's words: learning
# (services/learning/schemas.py) and the ledger's statement lines both use them.
COLUMNS = {"spark_class": "星火课堂", "role_models": "榜样力量",
           "on_the_road": "在路上", "pre_shift": "班前十分钟"}


class QuizPassed(EventData):
    """A worker passed a quiz for the first time (learning emits the first pass
    only; the ledger's first_only rule guards it too)."""
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    quiz_id = fields.String(required=True)
    quiz_title = fields.String(required=True, metadata={"example": "第3期"})
    score = fields.Integer(required=True, validate=validate.Range(min=0))
    passed_at = fields.AwareDateTime(required=True)


class LessonCompleted(EventData):
    """A worker finished a 星火课堂 lesson, role-model story or pre-shift talk."""
    worker_id = fields.String(required=True, metadata=personal(PSEUDONYM))
    lesson_id = fields.String(required=True)
    lesson_title = fields.String(required=True)
    # Not required: events published before it was added may still be queued.
    column = fields.String(validate=validate.OneOf(tuple(COLUMNS)), metadata={
        "description": "the lesson's column: " + ", ".join(
            "{} {}".format(code, name) for code, name in COLUMNS.items())})
    completed_at = fields.AwareDateTime(required=True)


SCHEMAS = {
    "quiz_passed": QuizPassed,
    "lesson_completed": LessonCompleted,
}
