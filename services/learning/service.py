"""learning: 红动海盐 lessons and the red-knowledge quiz challenge.

Entrypoints only: the quiz's rules are in scoring.py, what callers see in
views.py, the data in storage.py, staff statistics in stats.py.
"""
from nameko.rpc import rpc

from services.learning import exceptions, schemas, scoring, stats, views
from services.learning.config import LearningSettings
from services.learning.storage import OPEN, LearningStore
from shared.caller import UNION_STAFF
from shared.clock import utcnow
from shared.domain import china_day
from shared.inbox import EventConsumer
from shared.mongo import MongoStore
from shared.outbox import EventSource
from shared.schemas import load
from shared.service import ServiceBase, Settings
from shared.worker_facts import KeepsWorkerFacts


class LearningService(ServiceBase, EventSource, EventConsumer, KeepsWorkerFacts):
    """Also keeps workers' district and occupation (KeepsWorkerFacts), for
    the quiz statistics."""
    name = "learning"

    store = MongoStore(LearningStore)
    settings = Settings(LearningSettings.from_config)

    # ---- staff: lessons ------------------------------------------------------

    @rpc
    def create_lesson(self, request):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.LessonCreateRequest, request)
        return self._lesson(self.store.create_lesson(fields, staff.id, utcnow()))

    @rpc
    def update_lesson(self, lesson_id, request):
        self.caller.require_role(UNION_STAFF)
        changes = load(schemas.LessonUpdateRequest, request)
        return self._lesson(self.store.update_lesson(lesson_id, changes, utcnow()))

    @rpc
    def publish_lesson(self, lesson_id):
        self.caller.require_role(UNION_STAFF)
        return self._lesson(self.store.publish_lesson(lesson_id, utcnow()))

    @rpc
    def unpublish_lesson(self, lesson_id):
        self.caller.require_role(UNION_STAFF)
        return self._lesson(self.store.unpublish_lesson(lesson_id, utcnow()))

    # ---- everyone: lessons ---------------------------------------------------

    @rpc
    def list_lesson_columns(self):
        self.caller.require_authenticated()
        return schemas.ColumnList().dump({"items": [
            {"code": code, "name": name} for code, name in schemas.COLUMNS.items()]})

    @rpc
    def list_lessons(self, query):
        caller = self.caller.require_authenticated()
        params = load(schemas.LessonListQuery, query)
        if params["status"] != schemas.PUBLISHED and UNION_STAFF not in caller.roles:
            raise exceptions.drafts_are_for_staff()
        lessons, total = self.store.list_lessons(params)
        done = self.store.completed_at(caller.id, [lesson["_id"] for lesson in lessons])
        items = [dict(lesson, completed_at=done.get(lesson["_id"])) for lesson in lessons]
        return schemas.LessonPage().dump(dict(params, items=items, total=total))

    @rpc
    def get_lesson(self, lesson_id):
        caller = self.caller.require_authenticated()
        lesson = self._readable_lesson(lesson_id, caller)
        return self._lesson(lesson, self.store.completed_at(caller.id, [lesson_id]))

    @rpc
    def complete_lesson(self, lesson_id):
        worker = self.caller.require_authenticated()
        lesson = self._readable_lesson(lesson_id, worker, published_only=True)
        completion, first_time, events = self.store.complete_lesson(lesson, worker.id, utcnow())
        self.relay.publish(events)
        return schemas.Completion().dump(dict(completion, first_time=first_time))

    def _readable_lesson(self, lesson_id, caller, published_only=False):
        """An unpublished lesson does not exist for workers (404, not 403)."""
        lesson = self.store.get_lesson(lesson_id)
        hidden = lesson["status"] != schemas.PUBLISHED
        if hidden and (published_only or UNION_STAFF not in caller.roles):
            raise exceptions.lesson_not_found()
        return lesson

    @staticmethod
    def _lesson(lesson, done=None):
        completed_at = (done or {}).get(lesson["_id"])
        return schemas.LessonView().dump(dict(lesson, completed_at=completed_at))

    # ---- staff: the question bank ------------------------------------------------

    @rpc
    def create_question(self, request):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.QuestionCreateRequest, request)
        return schemas.QuestionView().dump(
            self.store.create_question(fields, staff.id, utcnow()))

    @rpc
    def update_question(self, question_id, request):
        self.caller.require_role(UNION_STAFF)
        changes = load(schemas.QuestionUpdateRequest, request)
        return schemas.QuestionView().dump(
            self.store.update_question(question_id, changes, utcnow()))

    @rpc
    def list_questions(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.QuestionListQuery, query)
        questions, total = self.store.list_questions(params)
        return schemas.QuestionPage().dump(dict(params, items=questions, total=total))

    # ---- quizzes ---------------------------------------------------------------

    @rpc
    def create_quiz(self, request):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.QuizCreateRequest, request)
        self._check_enough_questions(fields)
        return self._quiz(self.store.create_quiz(fields, staff.id, utcnow()))

    @rpc
    def update_quiz(self, quiz_id, request):
        self.caller.require_role(UNION_STAFF)
        changes = load(schemas.QuizUpdateRequest, request)
        if changes.keys() & {"topics", "question_count"}:
            self._check_enough_questions(dict(self.store.get_quiz(quiz_id), **changes))
        return self._quiz(self.store.update_quiz(quiz_id, changes, utcnow()))

    def _check_enough_questions(self, quiz):
        """Told to staff when they set the quiz up, not to the first worker
        who starts it (a question retired later is still caught at the start)."""
        available = len(self.store.drawable_ids(quiz["topics"]))
        if available < quiz["question_count"]:
            raise exceptions.not_enough_questions(available, quiz["question_count"])

    @rpc
    def list_quizzes(self, query):
        caller = self.caller.require_authenticated()
        params = load(schemas.QuizListQuery, query)
        quizzes, total = self.store.list_quizzes(params, utcnow())
        items = self._quizzes_for(quizzes, caller.id)
        return schemas.QuizPage().dump(dict(params, items=items, total=total))

    @rpc
    def get_quiz(self, quiz_id):
        caller = self.caller.require_authenticated()
        (quiz,) = self._quizzes_for([self.store.get_quiz(quiz_id)], caller.id)
        return schemas.QuizView().dump(quiz)

    def _quizzes_for(self, quizzes, worker_id):
        """Each quiz with its state and the worker's attempts today and pass,
        read for the whole page at once."""
        now = utcnow()
        ids = [quiz["_id"] for quiz in quizzes]
        attempts = self.store.attempts_today(ids, worker_id, china_day(now))
        passed = self.store.passed_among(ids, worker_id)
        return [dict(quiz, state=views.quiz_state(quiz, now),
                     my_attempts_today=attempts.get(quiz["_id"], 0),
                     my_passed=quiz["_id"] in passed) for quiz in quizzes]

    @staticmethod
    def _quiz(quiz):
        return schemas.QuizView().dump(dict(quiz, state=views.quiz_state(quiz, utcnow()),
                                            my_attempts_today=None, my_passed=None))

    @rpc
    def get_quiz_stats(self, quiz_id):
        self.caller.require_role(UNION_STAFF)
        quiz = self.store.get_quiz(quiz_id)
        return schemas.QuizStats().dump(stats.quiz_stats(self.store.db, quiz))

    # ---- workers: attempts -------------------------------------------------------

    @rpc
    def start_attempt(self, quiz_id):
        """A new attempt (201), or the worker's open one still in time (200):
        starting again, e.g. after the app was closed, resumes rather than
        using up another of the day's attempts."""
        worker = self.caller.require_authenticated()
        quiz, now = self.store.get_quiz(quiz_id), utcnow()
        state = views.quiz_state(quiz, now)
        if state != "open":
            raise (exceptions.quiz_not_open(quiz["opens_at"]) if state == "upcoming"
                   else exceptions.quiz_closed())
        attempt = self.store.resumable_attempt(quiz_id, worker.id, now)
        if attempt is not None:
            return self._attempt(attempt, resumed=True)
        drawn = scoring.draw(self.store.drawable_ids(quiz["topics"]), quiz["question_count"])
        by_id = self.store.questions_by_id(drawn)
        questions = [views.question_copy(by_id[question_id]) for question_id in drawn]
        return self._attempt(self.store.start_attempt(quiz, worker.id, questions, now))

    @rpc
    def get_attempt(self, attempt_id):
        worker = self.caller.require_authenticated()
        return self._attempt(self.store.get_attempt(attempt_id, worker.id))

    @rpc
    def submit_attempt(self, attempt_id, request):
        worker = self.caller.require_authenticated()
        answers = load(schemas.SubmissionRequest, request)["answers"]
        attempt = self.store.get_attempt(attempt_id, worker.id)
        if attempt["status"] != OPEN:
            raise exceptions.already_submitted()
        now = utcnow()
        outcome = scoring.grade(attempt, answers, now, self.settings.grace_seconds)
        graded, events = self.store.submit(attempt, outcome, now)
        self.relay.publish(events)
        return self._attempt(graded)

    def _attempt(self, attempt, resumed=False):
        return schemas.AttemptView().dump(views.attempt_view(
            attempt, utcnow(), self.settings.grace_seconds, resumed))


SERVICE = LearningService
