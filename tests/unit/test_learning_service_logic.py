"""learning's entrypoint logic with its dependencies replaced (no broker, no DB)."""
from datetime import datetime, timedelta, timezone

import pytest
from nameko.testing.services import worker_factory

from services.learning.config import LearningSettings
from services.learning.service import LearningService
from shared.caller import Caller
from shared.errors import Conflict, Forbidden, NotFound

WORKER = Caller(id="w1", roles=("worker",), session_id="s1")
STAFF = Caller(id="s1", roles=("worker", "union_staff"), session_id="s2")
NOW = datetime.now(timezone.utc)
QUIZ = {"_id": "quiz1", "title": "第3期", "topics": ["党史"], "question_count": 2,
        "time_limit_seconds": 300, "attempts_per_day": 2, "pass_mark": 60,
        "late_submission": "refuse", "opens_at": NOW - timedelta(days=1),
        "closes_at": NOW + timedelta(days=6)}


@pytest.fixture(autouse=True)
def clock_at_now(monkeypatch):
    """The service's clock stands at NOW: the attempts and quizzes here are
    built around it, and a suite that reaches this file minutes after import
    must not find them expired."""
    monkeypatch.setattr("services.learning.service.utcnow", lambda: NOW)


def service(caller=WORKER):
    return worker_factory(LearningService, caller=caller,
                          settings=LearningSettings(grace_seconds=3))


def lesson(status):
    return {"_id": "l1", "column": "spark_class", "title": "红船精神", "summary": "",
            "body": "# 红船", "media_urls": [], "tags": [], "estimated_minutes": 5,
            "status": status, "published_at": None, "created_at": NOW, "updated_at": NOW}


def test_a_draft_lesson_does_not_exist_for_workers():
    svc = service()
    svc.store.get_lesson.return_value = lesson("draft")
    with pytest.raises(NotFound):
        svc.get_lesson("l1")
    with pytest.raises(NotFound):
        svc.complete_lesson("l1")
    svc.store.complete_lesson.assert_not_called()


def test_staff_can_read_a_draft_but_not_complete_it():
    svc = service(STAFF)
    svc.store.get_lesson.return_value = lesson("draft")
    svc.store.completed_at.return_value = {}
    assert svc.get_lesson("l1")["status"] == "draft"
    with pytest.raises(NotFound):
        svc.complete_lesson("l1")


def test_workers_cannot_list_drafts():
    with pytest.raises(Forbidden):
        service().list_lessons({"status": "draft"})


def open_attempt(deadline, attempt_id="a1"):
    return {"_id": attempt_id, "quiz_id": "quiz1", "quiz_title": "第3期", "slot": 1,
            "status": "open", "started_at": deadline - timedelta(minutes=5),
            "deadline": deadline, "time_limit_seconds": 300, "pass_mark": 60,
            "late_submission": "refuse", "questions": [], "results": None}


def test_starting_again_resumes_the_open_attempt_without_drawing():
    svc = service()
    svc.store.get_quiz.return_value = QUIZ
    svc.store.latest_open_attempt.return_value = open_attempt(NOW + timedelta(minutes=5))
    answer = svc.start_attempt("quiz1")
    assert (answer["id"], answer["resumed"], answer["status"]) == ("a1", True, "open")
    svc.store.latest_open_attempt.assert_called_once_with("quiz1", "w1")
    svc.store.start_attempt.assert_not_called()
    svc.store.drawable_ids.assert_not_called()


def test_an_open_attempt_past_its_deadline_is_not_resumed():
    """The store hands over the latest open attempt whatever its deadline;
    scoring.to_resume (is_resumable) is what says it is over."""
    svc = service()
    svc.store.get_quiz.return_value = QUIZ
    svc.store.latest_open_attempt.return_value = open_attempt(NOW - timedelta(seconds=1))
    svc.store.drawable_ids.return_value = ["q1", "q2"]
    svc.store.questions_by_id.return_value = {
        q: {"_id": q, "kind": "single", "text": q, "options": ["甲", "乙"], "answer": [0],
            "explanation": "", "topic": "党史"} for q in ("q1", "q2")}
    svc.store.start_attempt.return_value = (open_attempt(NOW + timedelta(minutes=5), "a2"),
                                            False)
    answer = svc.start_attempt("quiz1")
    assert (answer["id"], answer["resumed"]) == ("a2", False)
    quiz, worker_id, questions, _ = svc.store.start_attempt.call_args.args
    assert (quiz, worker_id) == (QUIZ, "w1")
    assert sorted(q["id"] for q in questions) == ["q1", "q2"]


@pytest.mark.parametrize("opens, closes, code", [
    (timedelta(hours=1), timedelta(days=1), "QUIZ_NOT_OPEN"),
    (-timedelta(days=2), -timedelta(seconds=1), "QUIZ_CLOSED"),
])
def test_a_quiz_outside_its_window_cannot_be_started(opens, closes, code):
    svc = service()
    svc.store.get_quiz.return_value = dict(QUIZ, opens_at=NOW + opens, closes_at=NOW + closes)
    with pytest.raises(Conflict) as raised:
        svc.start_attempt("quiz1")
    assert raised.value.code == code
    svc.store.start_attempt.assert_not_called()


def test_only_the_first_completion_says_first_time_and_publishes():
    svc = service()
    svc.store.get_lesson.return_value = lesson("published")
    completion = {"_id": "l1:w1", "lesson_id": "l1", "worker_id": "w1", "completed_at": NOW}
    svc.store.complete_lesson.return_value = (completion, ["lesson_completed"])
    assert svc.complete_lesson("l1")["first_time"] is True
    svc.relay.publish.assert_called_once_with(["lesson_completed"])
    svc.store.complete_lesson.return_value = (completion, [])
    assert svc.complete_lesson("l1")["first_time"] is False


def test_quiz_statistics_come_from_the_store():
    svc = service(STAFF)
    svc.store.get_quiz.return_value = QUIZ
    svc.store.quiz_stats.return_value = {
        "quiz_id": "quiz1", "title": "第3期", "attempts": 3, "participants": 2, "passed": 1,
        "average_score": 50.0, "questions": [], "by_district": [], "by_occupation": []}
    assert svc.get_quiz_stats("quiz1")["attempts"] == 3
    svc.store.quiz_stats.assert_called_once_with(QUIZ)


def test_a_submitted_attempt_is_not_graded_again():
    svc = service()
    svc.store.get_attempt.return_value = {
        "_id": "a1", "status": "submitted",
        "questions": [{"id": "q1", "options": ["对", "错"], "answer": [0]}],
        "results": [{"question_id": "q1", "chosen": [0], "correct": True}]}
    with pytest.raises(Conflict) as raised:
        svc.submit_attempt("a1", {"answers": [{"question_id": "q1", "choices": [1]}]})
    assert raised.value.code == "ALREADY_SUBMITTED"
    svc.store.submit.assert_not_called()
