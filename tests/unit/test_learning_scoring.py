"""The quiz's rules as pure functions: the draw, the deadline and its grace,
late submissions under each rule, scoring, and what a worker sees."""
import random
from datetime import datetime, timedelta, timezone

import pytest
from marshmallow import ValidationError

from services.learning import schemas, scoring, views
from shared.errors import Conflict, InvalidInput

START = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)
QUESTIONS = [
    {"id": "q1", "kind": "single", "text": "中国共产党成立于哪一年?",
     "options": ["1919", "1921", "1949"], "answer": [1], "explanation": "1921年7月", "topic": "党史"},
    {"id": "q2", "kind": "multiple", "text": "以下哪些属于工会的职能?",
     "options": ["维权", "服务", "收税"], "answer": [0, 1], "explanation": "维权和服务",
     "topic": "工会"},
    {"id": "q3", "kind": "true_false", "text": "红船精神诞生于浙江嘉兴南湖。",
     "options": ["正确", "错误"], "answer": [0], "explanation": "嘉兴南湖红船", "topic": "党史"},
]


def attempt(late_submission="refuse", pass_mark=60, limit=60):
    return {"_id": "a1", "status": "open", "questions": QUESTIONS, "pass_mark": pass_mark,
            "late_submission": late_submission, "started_at": START,
            "deadline": scoring.deadline_of(START, limit), "results": None}


ALL_RIGHT = [{"question_id": "q1", "choices": [1]}, {"question_id": "q2", "choices": [1, 0]},
             {"question_id": "q3", "choices": [0]}]


# ---- starting and resuming ---------------------------------------------------------

QUIZ = {"opens_at": START, "closes_at": START + timedelta(days=7)}


def test_a_quiz_is_started_only_inside_its_window():
    with pytest.raises(Conflict) as raised:
        scoring.check_startable(QUIZ, START - timedelta(milliseconds=1))
    assert raised.value.code == "QUIZ_NOT_OPEN"
    assert raised.value.details == {"opens_at": "2026-07-01T10:00:00+08:00"}
    scoring.check_startable(QUIZ, START)
    scoring.check_startable(QUIZ, QUIZ["closes_at"] - timedelta(milliseconds=1))
    with pytest.raises(Conflict) as raised:
        scoring.check_startable(QUIZ, QUIZ["closes_at"])
    assert raised.value.code == "QUIZ_CLOSED"
    assert [scoring.quiz_state(QUIZ, START + delta) for delta in (
        -timedelta(seconds=1), timedelta(0), timedelta(days=7))] == ["upcoming", "open", "closed"]


def test_only_an_open_attempt_inside_its_time_limit_is_resumed():
    a = attempt(limit=60)
    assert scoring.to_resume(a, START + timedelta(seconds=59)) is a
    # Inside the grace it can still be submitted, but no longer resumed.
    assert scoring.to_resume(a, START + timedelta(seconds=61)) is None
    assert scoring.to_resume(dict(a, status="submitted"), START) is None
    assert scoring.to_resume(None, START) is None


def test_a_quiz_needs_as_many_active_questions_as_it_draws():
    scoring.check_pool(3, 3)
    with pytest.raises(Conflict) as raised:
        scoring.check_pool(2, 3)
    assert raised.value.code == "NOT_ENOUGH_QUESTIONS"


# ---- the draw ------------------------------------------------------------------

def test_the_draw_takes_distinct_questions_from_the_pool():
    pool = ["q{}".format(n) for n in range(30)]
    drawn = scoring.draw(pool + pool[:5], 10, random.Random(7))
    assert len(drawn) == len(set(drawn)) == 10
    assert set(drawn) <= set(pool)


def test_the_draw_is_random_but_reproducible_for_a_seed():
    pool = ["q{}".format(n) for n in range(30)]
    assert scoring.draw(pool, 5, random.Random(1)) == scoring.draw(list(reversed(pool)), 5,
                                                                   random.Random(1))
    draws = {tuple(scoring.draw(pool, 5, random.Random(seed))) for seed in range(20)}
    assert len(draws) > 15


def test_a_pool_smaller_than_the_quiz_is_refused():
    with pytest.raises(Conflict) as raised:
        scoring.draw(["q1", "q2"], 3)
    assert raised.value.code == "NOT_ENOUGH_QUESTIONS"
    assert raised.value.details == {"available": "2", "needed": "3"}


# ---- the deadline --------------------------------------------------------------

def test_lateness_counts_from_the_deadline_plus_the_grace():
    a = attempt(limit=60)
    assert not scoring.is_late(a, START + timedelta(seconds=63), grace_seconds=3)
    assert scoring.is_late(a, START + timedelta(seconds=63, milliseconds=1), grace_seconds=3)
    assert scoring.is_resumable(a, START + timedelta(seconds=59))
    assert not scoring.is_resumable(a, START + timedelta(seconds=60))
    assert not scoring.is_resumable(dict(a, status="submitted"), START)


# ---- scoring -------------------------------------------------------------------

def test_all_right_scores_100_and_passes():
    outcome = scoring.grade(attempt(), ALL_RIGHT, START + timedelta(seconds=10), 3)
    assert (outcome.score, outcome.passed, outcome.late) == (100, True, False)
    assert [r["correct"] for r in outcome.results] == [True, True, True]
    assert outcome.results[1]["chosen"] == [0, 1]


def test_multiple_choice_needs_exactly_the_right_set():
    for choices in ([0], [0, 1, 2], []):
        answers = [{"question_id": "q2", "choices": choices}]
        outcome = scoring.grade(attempt(), answers, START, 3)
        assert outcome.results[1]["correct"] is False


def test_unanswered_questions_are_wrong_and_the_score_rounds_down():
    outcome = scoring.grade(attempt(pass_mark=67), ALL_RIGHT[:2], START, 3)
    assert [r["correct"] for r in outcome.results] == [True, True, False]
    assert outcome.results[2]["chosen"] == []
    assert outcome.score == 66  # 2 of 3 is 66.7%: not rounded up to the pass mark
    assert outcome.passed is False
    assert scoring.grade(attempt(pass_mark=66), ALL_RIGHT[:2], START, 3).passed is True


def test_answers_to_other_questions_or_missing_options_are_refused():
    with pytest.raises(InvalidInput) as raised:
        scoring.grade(attempt(), [{"question_id": "elsewhere", "choices": [0]}], START, 3)
    assert raised.value.code == "ANSWER_NOT_IN_ATTEMPT"
    with pytest.raises(InvalidInput) as raised:
        scoring.grade(attempt(), [{"question_id": "q3", "choices": [2]}], START, 3)
    assert raised.value.code == "CHOICE_OUT_OF_RANGE"


def test_a_submitted_attempt_is_not_graded_again():
    for when in (START, START + timedelta(seconds=64)):
        with pytest.raises(Conflict) as raised:
            scoring.grade(dict(attempt("zero"), status="submitted"), ALL_RIGHT, when, 3)
        assert raised.value.code == "ALREADY_SUBMITTED"


def test_the_same_answers_again_are_a_repeat_and_other_answers_are_not():
    open_attempt = attempt()
    graded = scoring.grade(open_attempt, ALL_RIGHT, START, 3)
    submitted = dict(open_attempt, status="submitted", results=graded.results)
    assert scoring.is_repeat(open_attempt, ALL_RIGHT) is False  # not graded yet
    # The same choices in another order, and the options of a question reordered.
    again = [{"question_id": "q3", "choices": [0]}, {"question_id": "q2", "choices": [0, 1]},
             {"question_id": "q1", "choices": [1]}]
    assert scoring.is_repeat(submitted, again) is True
    assert scoring.is_repeat(submitted, ALL_RIGHT[:2]) is False  # q3 now unanswered
    assert scoring.is_repeat(submitted, [dict(a, choices=[2]) if a["question_id"] == "q1"
                                         else a for a in ALL_RIGHT]) is False


def test_a_late_submission_is_refused_under_the_refuse_rule():
    with pytest.raises(Conflict) as raised:
        scoring.grade(attempt("refuse"), ALL_RIGHT, START + timedelta(seconds=64), 3)
    assert raised.value.code == "ATTEMPT_EXPIRED"


def test_a_late_submission_scores_zero_under_the_zero_rule():
    outcome = scoring.grade(attempt("zero"), ALL_RIGHT, START + timedelta(seconds=64), 3)
    assert (outcome.score, outcome.passed, outcome.late) == (0, False, True)
    assert not any(r["correct"] for r in outcome.results)


def test_within_the_grace_it_is_on_time():
    outcome = scoring.grade(attempt("refuse"), ALL_RIGHT, START + timedelta(seconds=62), 3)
    assert (outcome.score, outcome.passed, outcome.late) == (100, True, False)


# ---- what the worker sees --------------------------------------------------------

def test_an_open_attempt_shows_no_answer_or_explanation():
    view = schemas.AttemptView().dump(views.attempt_view(attempt(), START, 3))
    assert view["status"] == "open" and view["results"] is None
    text = str(view)
    for question in QUESTIONS:
        assert question["explanation"] not in text
    assert all(set(q) == {"id", "kind", "text", "options", "topic"} for q in view["questions"])


def test_an_unsubmitted_attempt_past_its_grace_shows_expired():
    view = views.attempt_view(attempt(), START + timedelta(seconds=64), 3)
    assert view["status"] == "expired" and view["results"] is None


def test_a_submitted_attempt_shows_answers_and_explanations():
    a = attempt()
    outcome = scoring.grade(a, ALL_RIGHT[:1], START, 3)
    graded = dict(a, status="submitted", score=outcome.score, passed=outcome.passed,
                  late=False, results=outcome.results, submitted_at=START)
    view = schemas.AttemptView().dump(views.attempt_view(graded, START, 3))
    assert view["status"] == "submitted" and view["score"] == 33
    assert [(r["correct"], r["answer"], r["explanation"]) for r in view["results"]] == [
        (True, [1], "1921年7月"), (False, [0, 1], "维权和服务"), (False, [0], "嘉兴南湖红船")]


# ---- question checks -------------------------------------------------------------

@pytest.mark.parametrize("changes, field", [
    ({"kind": "true_false", "options": ["对", "错", "不确定"]}, "options"),
    ({"answer": [3]}, "answer"),
    ({"answer": [0, 0]}, "answer"),
    ({"answer": [0, 1]}, "answer"),  # single choice with two answers
])
def test_a_question_whose_answer_does_not_fit_is_refused(changes, field):
    question = dict(QUESTIONS[0], **changes)
    with pytest.raises(ValidationError) as raised:
        schemas.check_question(question)
    assert field in raised.value.messages
