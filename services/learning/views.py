"""What callers are shown, built from stored documents.

An attempt's right answers and explanations appear only once it is
submitted: ``attempt_view`` is the one place that decides, and the response
schema (schemas.AttemptQuestion) has no field that could carry them anyway.
"""
from services.learning import scoring
from services.learning.scoring import SUBMITTED


def question_copy(question):
    """What an attempt keeps of a drawn question (the bank may change later)."""
    return {key: question[key] for key in ("kind", "text", "options", "answer",
                                           "explanation", "topic")} | {"id": question["_id"]}


def attempt_status(attempt, now, grace_seconds):
    if attempt["status"] == SUBMITTED:
        return SUBMITTED
    return "expired" if scoring.is_late(attempt, now, grace_seconds) else "open"


def attempt_view(attempt, now, grace_seconds, resumed=False):
    view = dict(attempt, status=attempt_status(attempt, now, grace_seconds), resumed=resumed,
                questions=[{key: q[key] for key in ("id", "kind", "text", "options", "topic")}
                           for q in attempt["questions"]],
                results=None)
    if attempt["status"] == SUBMITTED:
        by_id = {q["id"]: q for q in attempt["questions"]}
        view["results"] = [dict(result, answer=by_id[result["question_id"]]["answer"],
                                explanation=by_id[result["question_id"]]["explanation"])
                           for result in attempt["results"]]
    return view
