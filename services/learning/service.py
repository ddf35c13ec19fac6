"""learning: 红动海盐 lessons and the red-knowledge quiz challenge.

Entrypoints only: who sees which lesson is in visibility.py, the quiz's
rules in scoring.py, what callers see in views.py, the data (and staff
statistics) in storage.py. Each entrypoint takes the time once and hands it
to the rules, the store and the views.
"""
from shared.rpc import rpc

from services.learning import schemas, scoring, views, visibility
from services.learning.config import LearningSettings
from services.learning.storage import LearningStore
from shared.caller import UNION_STAFF
from shared.clock import utcnow
from shared.domain import china_day
from shared.inbox import EventConsumer
from shared.mongo import MongoStore
from shared.outbox import EventSource
from shared.schemas import dump, load
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
        return dump(schemas.ColumnList, {"items": [
            {"code": code, "name": name} for code, name in schemas.COLUMNS.items()]})

    @rpc
    def list_lessons(self, query):
        caller = self.caller.require_authenticated()
        params = load(schemas.LessonListQuery, query)
        visibility.check_listable(params["status"], caller)
        lessons, total = self.store.list_lessons(params)
        done = self.store.completed_at(caller.id, [lesson["_id"] for lesson in lessons])
        items = [dict(lesson, completed_at=done.get(lesson["_id"])) for lesson in lessons]
        return dump(schemas.LessonPage, dict(params, items=items, total=total))

    @rpc
    def get_lesson(self, lesson_id):
        caller = self.caller.require_authenticated()
        lesson = self.store.get_lesson(lesson_id)
        visibility.check_readable(lesson, caller)
        return self._lesson(lesson, self.store.completed_at(caller.id, [lesson_id]))

    @rpc
    def complete_lesson(self, lesson_id):
        worker = self.caller.require_authenticated()
        lesson = self.store.get_lesson(lesson_id)
        visibility.check_readable(lesson, worker, to_complete=True)
        completion, events = self.store.complete_lesson(lesson, worker.id, utcnow())
        self.relay.publish(events)
        # Only the first completion stores lesson_completed.
        return dump(schemas.Completion, dict(completion, first_time=bool(events)))

    @staticmethod
    def _lesson(lesson, done=None):
        completed_at = (done or {}).get(lesson["_id"])
        return dump(schemas.LessonView, dict(lesson, completed_at=completed_at))

    # ---- staff: the question bank ------------------------------------------------

    @rpc
    def create_question(self, request):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.QuestionCreateRequest, request)
        return dump(schemas.QuestionView, 
            self.store.create_question(fields, staff.id, utcnow()))

    @rpc
    def update_question(self, question_id, request):
        self.caller.require_role(UNION_STAFF)
        changes = load(schemas.QuestionUpdateRequest, request)
        return dump(schemas.QuestionView, 
            self.store.update_question(question_id, changes, utcnow()))

    @rpc
    def list_questions(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.QuestionListQuery, query)
        questions, total = self.store.list_questions(params)
        return dump(schemas.QuestionPage, dict(params, items=questions, total=total))

    # ---- quizzes ---------------------------------------------------------------

    @rpc
    def create_quiz(self, request):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.QuizCreateRequest, request)
        self._check_enough_questions(fields)
        now = utcnow()
        return self._quiz(self.store.create_quiz(fields, staff.id, now), now)

    @rpc
    def update_quiz(self, quiz_id, request):
        self.caller.require_role(UNION_STAFF)
        changes = load(schemas.QuizUpdateRequest, request)
        if changes.keys() & {"topics", "question_count"}:
            self._check_enough_questions(dict(self.store.get_quiz(quiz_id), **changes))
        now = utcnow()
        return self._quiz(self.store.update_quiz(quiz_id, changes, now), now)

    def _check_enough_questions(self, quiz):
        """Told to staff when they set the quiz up, not to the first worker
        who starts it (a question retired later is still caught at the start)."""
        scoring.check_pool(len(self.store.drawable_ids(quiz["topics"])), quiz["question_count"])

    @rpc
    def list_quizzes(self, query):
        caller = self.caller.require_authenticated()
        params = load(schemas.QuizListQuery, query)
        now = utcnow()
        quizzes, total = self.store.list_quizzes(params, now)
        items = self._quizzes_for(quizzes, caller.id, now)
        return dump(schemas.QuizPage, dict(params, items=items, total=total))

    @rpc
    def get_quiz(self, quiz_id):
        caller = self.caller.require_authenticated()
        (quiz,) = self._quizzes_for([self.store.get_quiz(quiz_id)], caller.id, utcnow())
        return dump(schemas.QuizView, quiz)

    def _quizzes_for(self, quizzes, worker_id, now):
        """Each quiz with its state and the worker's attempts today and pass,
        read for the whole page at once."""
        ids = [quiz["_id"] for quiz in quizzes]
        attempts = self.store.attempts_today(ids, worker_id, china_day(now))
        passed = self.store.passed_among(ids, worker_id)
        return [dict(quiz, state=scoring.quiz_state(quiz, now),
                     my_attempts_today=attempts.get(quiz["_id"], 0),
                     my_passed=quiz["_id"] in passed) for quiz in quizzes]

    @staticmethod
    def _quiz(quiz, now):
        return dump(schemas.QuizView, dict(quiz, state=scoring.quiz_state(quiz, now),
                                            my_attempts_today=None, my_passed=None))

    @rpc
    def get_quiz_stats(self, quiz_id):
        self.caller.require_role(UNION_STAFF)
        quiz = self.store.get_quiz(quiz_id)
        return dump(schemas.QuizStats, self.store.quiz_stats(quiz))

    # ---- workers: attempts -------------------------------------------------------

    @rpc
    def start_attempt(self, quiz_id):
        """A new attempt (201), or the worker's open one still in time (200):
        starting again, e.g. after the app was closed or twice at once,
        resumes rather than using up another of the day's attempts."""
        worker = self.caller.require_authenticated()
        quiz, now = self.store.get_quiz(quiz_id), utcnow()
        scoring.check_startable(quiz, now)
        in_time = scoring.to_resume(self.store.latest_open_attempt(quiz_id, worker.id), now)
        if in_time is not None:
            return self._attempt(in_time, now, resumed=True)
        # A concurrent start may still open it first: the store then gives
        # that one back, resumed.
        attempt, resumed = self.store.start_attempt(quiz, worker.id, self._draw(quiz), now)
        return self._attempt(attempt, now, resumed=resumed)

    def _draw(self, quiz):
        """The questions of a new attempt, copied from the bank."""
        drawn = scoring.draw(self.store.drawable_ids(quiz["topics"]), quiz["question_count"])
        by_id = self.store.questions_by_id(drawn)
        return [views.question_copy(by_id[question_id]) for question_id in drawn]

    @rpc
    def get_attempt(self, attempt_id):
        worker = self.caller.require_authenticated()
        return self._attempt(self.store.get_attempt(attempt_id, worker.id), utcnow())

    @rpc
    def submit_attempt(self, attempt_id, request):
        worker = self.caller.require_authenticated()
        answers = load(schemas.SubmissionRequest, request)["answers"]
        attempt, now = self.store.get_attempt(attempt_id, worker.id), utcnow()
        if scoring.is_repeat(attempt, answers):
            return self._attempt(attempt, now)
        outcome = scoring.grade(attempt, answers, now, self.settings.grace_seconds)
        graded, events = self.store.submit(attempt, outcome, now)
        self.relay.publish(events)
        return self._attempt(graded, now)

    def _attempt(self, attempt, now, resumed=False):
        return dump(schemas.AttemptView, views.attempt_view(
            attempt, now, self.settings.grace_seconds, resumed))


SERVICE = LearningService
