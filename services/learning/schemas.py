"""learning's request and response schemas (gateway and service load the same).

Unknown fields are refused and counts must be integers (``strict``). Response
schemas name only what a reader may see: a question as a worker gets it has
no ``answer`` and no ``explanation`` field at all, so no route can leak them
before the attempt is submitted.
"""
from datetime import datetime

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from shared.clock import to_millis
# The columns' codes and names are the lesson_completed event's vocabulary too.
from shared.event_schemas.learning import COLUMNS
from shared.schemas import Link, Name, Paging, PartialUpdate, Text, count, refuse_repeats

QUESTION_KINDS = ("single", "multiple", "true_false")
PUBLISHED, DRAFT = "published", "draft"
QUIZ_STATES = ("open", "upcoming", "closed", "all")
# What happens to a submission past the deadline (and its grace): scoring.grade.
REFUSE, ZERO = "refuse", "zero"
LATE_POLICIES = (REFUSE, ZERO)


class StoredPrecision(Schema):
    @post_load
    def to_stored_precision(self, data, **kwargs):
        return {key: to_millis(value) if isinstance(value, datetime) else value
                for key, value in data.items()}


# ---- lessons -----------------------------------------------------------------

class LessonFields(Schema):
    column = Text(required=True, validate=validate.OneOf(tuple(COLUMNS)),
                           metadata={"description": ", ".join(
                               "{} {}".format(code, name) for code, name in COLUMNS.items())})
    title = Name(1, 80, required=True)
    summary = Text(0, 300, multiline=True, load_default="")
    body = Text(1, 20000, multiline=True, required=True, metadata={"description": "Markdown"})
    media_urls = fields.List(Link(500), load_default=list, validate=validate.Length(max=10))
    tags = fields.List(Name(1, 20), load_default=list, validate=validate.Length(max=10))
    estimated_minutes = count(1, 240, required=True)


class LessonCreateRequest(LessonFields):
    pass


class LessonUpdateRequest(PartialUpdate, LessonFields):
    pass


class LessonListQuery(Paging):
    column = Text(validate=validate.OneOf(tuple(COLUMNS)))
    status = Text(load_default=PUBLISHED, validate=validate.OneOf((PUBLISHED, DRAFT, "all")),
                  metadata={"description": "draft and all: staff only"})


class LessonSummary(Schema):
    id = fields.String(attribute="_id")
    column = fields.String()
    column_name = fields.Function(lambda lesson: COLUMNS[lesson["column"]])
    title = fields.String()
    summary = fields.String()
    media_urls = fields.List(fields.String())
    tags = fields.List(fields.String())
    estimated_minutes = fields.Integer()
    status = fields.String(metadata={"description": "draft or published"})
    published_at = fields.AwareDateTime(allow_none=True)
    completed_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when I finished it; null if not yet"})


class LessonView(LessonSummary):
    body = fields.String(metadata={"description": "Markdown"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class LessonPage(Paging):
    items = fields.List(fields.Nested(LessonSummary))
    total = fields.Integer()


class Completion(Schema):
    lesson_id = fields.String()
    completed_at = fields.AwareDateTime()
    first_time = fields.Boolean(metadata={"description": "true (201) the first time, "
                                                         "false (200) on a repeat"})


class Column(Schema):
    code = fields.String()
    name = fields.String()


class ColumnList(Schema):
    items = fields.List(fields.Nested(Column))


# ---- questions -----------------------------------------------------------------

def check_question(data):
    """A question's answer must fit its kind and its options."""
    options, answer, kind = data["options"], data["answer"], data["kind"]
    errors = {}
    if kind == "true_false" and len(options) != 2:
        errors["options"] = ["判断题须有两个选项(如“正确”“错误”)"]
    if len(set(answer)) != len(answer):
        errors["answer"] = ["答案选项不能重复"]
    elif any(index >= len(options) for index in answer):
        errors["answer"] = ["答案须为已有选项的序号(从0开始)"]
    elif kind in ("single", "true_false") and len(answer) != 1:
        errors["answer"] = ["单选题和判断题只有一个答案"]
    if errors:
        raise ValidationError(errors)


class QuestionFields(Schema):
    kind = Text(required=True, validate=validate.OneOf(QUESTION_KINDS))
    text = Text(1, 500, multiline=True, required=True)
    options = fields.List(Name(1, 200), required=True, validate=validate.Length(min=2, max=8))
    answer = fields.List(count(0, 7), required=True, validate=validate.Length(min=1, max=8),
                         metadata={"description": "indexes of the right options, from 0"})
    explanation = Text(1, 1000, multiline=True, required=True)
    topic = Name(1, 30, required=True)
    active = fields.Boolean(load_default=True, metadata={
        "description": "false: never drawn again (attempts keep their copy)"})


class QuestionCreateRequest(QuestionFields):
    @validates_schema
    def answer_fits(self, data, **kwargs):
        """a true/false question has two options; the answer's indexes are
        distinct and within the options; single and true/false have one"""
        check_question(data)


class QuestionUpdateRequest(PartialUpdate, QuestionFields):
    """PATCH: the answer is checked against the question's options by the store."""
    checked_with_current = (QuestionCreateRequest.answer_fits,)  # published (gateway/openapi.py)


class QuestionListQuery(Paging):
    topic = Name(1, 30)
    kind = Text(validate=validate.OneOf(QUESTION_KINDS))


class QuestionView(Schema):
    id = fields.String(attribute="_id")
    kind = fields.String()
    text = fields.String()
    options = fields.List(fields.String())
    answer = fields.List(fields.Integer())
    explanation = fields.String()
    topic = fields.String()
    active = fields.Boolean()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class QuestionPage(Paging):
    items = fields.List(fields.Nested(QuestionView))
    total = fields.Integer()


# ---- quizzes -------------------------------------------------------------------

def check_window(data):
    if data["closes_at"] <= data["opens_at"]:
        raise ValidationError({"closes_at": ["结束时间须晚于开始时间"]})


class QuizFields(StoredPrecision):
    title = Name(1, 50, required=True, metadata={"example": "第3期"})
    description = Text(0, 500, multiline=True, load_default="")
    topics = fields.List(Name(1, 30), required=True, validate=validate.Length(min=1, max=20))
    question_count = count(1, 100, required=True)
    time_limit_seconds = count(1, 4 * 3600, required=True)
    attempts_per_day = count(1, 20, required=True, metadata={
        "description": "per worker per China calendar day"})
    pass_mark = count(0, 100, required=True, metadata={
        "description": "the score (percent right, 0-100) that passes"})
    opens_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True)
    late_submission = Text(load_default=REFUSE, validate=validate.OneOf(LATE_POLICIES),
                           metadata={"description": "past the deadline (and a few "
                                     "seconds' grace): refuse (409 ATTEMPT_EXPIRED) "
                                     "or zero (accepted, scored 0, not passed)"})


class QuizCreateRequest(QuizFields):
    @validates_schema
    def window_in_order(self, data, **kwargs):
        """closes_at after opens_at"""
        check_window(data)


class QuizUpdateRequest(PartialUpdate, QuizFields):
    """PATCH: the window is checked against the quiz's current one by the store."""
    checked_with_current = (QuizCreateRequest.window_in_order,)  # published (gateway/openapi.py)


class QuizListQuery(Paging):
    state = Text(load_default="open", validate=validate.OneOf(QUIZ_STATES))


class QuizView(Schema):
    id = fields.String(attribute="_id")
    title = fields.String()
    description = fields.String()
    topics = fields.List(fields.String())
    question_count = fields.Integer()
    time_limit_seconds = fields.Integer()
    attempts_per_day = fields.Integer()
    pass_mark = fields.Integer()
    opens_at = fields.AwareDateTime()
    closes_at = fields.AwareDateTime()
    late_submission = fields.String()
    state = fields.String(metadata={"description": "open, upcoming or closed"})
    my_attempts_today = fields.Integer(allow_none=True)
    my_passed = fields.Boolean(allow_none=True)


class QuizPage(Paging):
    items = fields.List(fields.Nested(QuizView))
    total = fields.Integer()


# ---- attempts ------------------------------------------------------------------

class Answer(Schema):
    question_id = Text(1, 64, required=True)
    choices = fields.List(count(0, 7), required=True, validate=validate.Length(max=8))


class SubmissionRequest(Schema):
    answers = fields.List(fields.Nested(Answer), required=True,
                          validate=validate.Length(max=100))

    @validates_schema
    def one_answer_per_question(self, data, **kwargs):
        """at most one answer per question_id"""
        refuse_repeats(data, "answers", "question_id", "每道题只能作答一次")


class AttemptQuestion(Schema):
    """A question as the worker sees it while answering: no answer, no explanation."""
    id = fields.String()
    kind = fields.String()
    text = fields.String()
    options = fields.List(fields.String())
    topic = fields.String()


class QuestionResult(Schema):
    question_id = fields.String()
    chosen = fields.List(fields.Integer())
    correct = fields.Boolean()
    answer = fields.List(fields.Integer())
    explanation = fields.String()


class AttemptView(Schema):
    id = fields.String(attribute="_id")
    quiz_id = fields.String()
    quiz_title = fields.String()
    attempt_number = fields.Integer(attribute="slot", metadata={
        "description": "which of today's attempts this is"})
    status = fields.String(metadata={"description": "open, submitted or expired"})
    started_at = fields.AwareDateTime()
    deadline = fields.AwareDateTime()
    time_limit_seconds = fields.Integer()
    pass_mark = fields.Integer()
    resumed = fields.Boolean(metadata={"description": "an open attempt given back (200)"})
    questions = fields.List(fields.Nested(AttemptQuestion))
    submitted_at = fields.AwareDateTime(allow_none=True)
    score = fields.Integer(allow_none=True)
    passed = fields.Boolean(allow_none=True)
    late = fields.Boolean(allow_none=True)
    results = fields.List(fields.Nested(QuestionResult), allow_none=True, metadata={
        "description": "after submission only"})


# ---- staff statistics ------------------------------------------------------------

class QuestionStats(Schema):
    question_id = fields.String()
    text = fields.String()
    topic = fields.String()
    answered = fields.Integer()
    correct = fields.Integer()
    correct_rate = fields.Float(allow_none=True)


class GroupStats(Schema):
    key = fields.String(metadata={
        "description": "a district or an occupation; "
                       "unknown if learning has not heard of the worker"})
    participants = fields.Integer()
    passed = fields.Integer()


class QuizStats(Schema):
    quiz_id = fields.String()
    title = fields.String()
    attempts = fields.Integer(metadata={"description": "submitted attempts"})
    participants = fields.Integer(metadata={"description": "workers with a submitted attempt"})
    passed = fields.Integer(metadata={"description": "workers who passed"})
    average_score = fields.Float(allow_none=True)
    questions = fields.List(fields.Nested(QuestionStats))
    by_district = fields.List(fields.Nested(GroupStats))
    by_occupation = fields.List(fields.Nested(GroupStats))
