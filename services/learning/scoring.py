"""The quiz's rules, apart from storage: when a quiz may be started, which
attempt starting again resumes, drawing questions, the deadline, late
submissions, one submission per attempt and the score. Pure functions (no
I/O, ``now`` and the random source passed in), unit-tested in
tests/unit/test_learning_scoring.py.
"""
import random
from dataclasses import dataclass
from datetime import timedelta

from services.learning import exceptions
from services.learning.schemas import REFUSE

# An attempt's stored status; "expired" is only shown (views.attempt_status).
OPEN, SUBMITTED = "open", "submitted"


def quiz_state(quiz, now):
    """upcoming, open or closed: where ``now`` is against the quiz's window."""
    if now < quiz["opens_at"]:
        return "upcoming"
    return "open" if now < quiz["closes_at"] else "closed"


def check_startable(quiz, now):
    """A quiz is started only inside its window."""
    state = quiz_state(quiz, now)
    if state == "upcoming":
        raise exceptions.quiz_not_open(quiz["opens_at"])
    if state == "closed":
        raise exceptions.quiz_closed()


def to_resume(latest_open, now):
    """The attempt starting again gives back, or None to start a new one.
    ``latest_open`` is the worker's open attempt of the quiz with the latest
    deadline (None if none): if that one is past its deadline, so are all
    the others."""
    return latest_open if latest_open is not None and is_resumable(latest_open, now) else None


def check_pool(available, needed):
    """Enough active questions in the quiz's topics for one draw."""
    if available < needed:
        raise exceptions.not_enough_questions(available, needed)


def draw(question_ids, count, rng=random):
    """``count`` distinct questions at random from those given, in random order."""
    pool = sorted(set(question_ids))  # the same pool gives the same draw for a seed
    check_pool(len(pool), count)
    return rng.sample(pool, count)


def deadline_of(started_at, time_limit_seconds):
    return started_at + timedelta(seconds=time_limit_seconds)


def is_resumable(attempt, now):
    """An open attempt still inside its time limit: starting again resumes it."""
    return attempt["status"] == OPEN and now < attempt["deadline"]


def is_late(attempt, now, grace_seconds):
    """Past the deadline and past the grace allowed for a slow network."""
    return now > attempt["deadline"] + timedelta(seconds=grace_seconds)


def chosen_by_question(questions, answers):
    """{question id: set of option indexes}; refuses a question that is not in
    the attempt and an option the question does not have. An unanswered
    question maps to the empty set (wrong)."""
    options = {q["id"]: len(q["options"]) for q in questions}
    chosen = {question_id: set() for question_id in options}
    for answer in answers:
        question_id = answer["question_id"]
        if question_id not in options:
            raise exceptions.answer_not_in_attempt(question_id)
        if any(choice >= options[question_id] for choice in answer["choices"]):
            raise exceptions.choice_out_of_range(question_id)
        chosen[question_id] = set(answer["choices"])
    return chosen


def is_repeat(attempt, answers):
    """The same answers to an already graded attempt: an app retrying, or the
    broker redelivering a submission whose process died after committing it
    and before answering. It answers the grade again; other answers are
    refused (ALREADY_SUBMITTED)."""
    if attempt["status"] == OPEN:
        return False
    chosen = chosen_by_question(attempt["questions"], answers)
    return all(chosen[r["question_id"]] == set(r["chosen"]) for r in attempt["results"])


def score_of(correct, total):
    """Percent right, rounded down: 7 of 9 is 77, not 78, so nobody passes on rounding."""
    return correct * 100 // total if total else 0


@dataclass(frozen=True)
class Outcome:
    score: int
    passed: bool
    late: bool
    results: list  # [{"question_id", "chosen", "correct"}] in the attempt's order


def grade(attempt, answers, now, grace_seconds):
    """The outcome of submitting ``answers`` to ``attempt`` at ``now``.

    An attempt is graded once: a submitted one is refused (ALREADY_SUBMITTED;
    the caller answers a repeat of the same answers first, see is_repeat).
    Late (past deadline + grace): refused (ATTEMPT_EXPIRED) under the
    "refuse" rule; under "zero" accepted with score 0, nothing right and not
    passed, so the worker still sees the right answers and explanations.
    """
    if attempt["status"] != OPEN:
        raise exceptions.already_submitted()
    questions = attempt["questions"]
    chosen = chosen_by_question(questions, answers)
    late = is_late(attempt, now, grace_seconds)
    if late and attempt["late_submission"] == REFUSE:
        raise exceptions.attempt_expired()
    results = [{"question_id": q["id"], "chosen": sorted(chosen[q["id"]]),
                "correct": not late and chosen[q["id"]] == set(q["answer"])}
               for q in questions]
    score = score_of(sum(r["correct"] for r in results), len(questions))
    return Outcome(score=score, passed=not late and score >= attempt["pass_mark"],
                   late=late, results=results)
