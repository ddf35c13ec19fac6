"""红动海盐 over HTTP through the real gateway, with identity, learning and the
ledger running as processes: a new worker reads and completes a lesson,
passes the quiz, and the points appear in the statement exactly once, even
when ``quiz_passed`` is delivered twice; a failed attempt earns nothing; the
daily attempt limit holds under concurrent starts; the deadline holds; and
bad input gets a 4xx with a code."""
import copy
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

from shared.topology import queue_name
from tests.e2e.conftest import assert_error
from tests.support.broker import publish_raw, queue_state, wait_for
from tests.support.concurrency import run_together

RULES = [{"code": "quiz_passed", "label": "红色知识答题", "points": 10, "first_only": True},
         {"code": "lesson_completed", "label": "星火课堂", "points": 5, "first_only": True}]
QUIZ_QUEUE = queue_name("learning", "quiz_passed", "ledger", "handle_quiz_passed")
# The learning service's grace after a deadline (services/learning/config.py).
GRACE_SECONDS = 3


def iso_in(**delta):
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat()


@pytest.fixture
def learning_db(e2e_databases):
    return e2e_databases("learning")


@pytest.fixture
def ledger_db(e2e_databases):
    return e2e_databases("ledger")


@pytest.fixture
def lesson(api, staff):
    created = api.post("/api/v1/lessons", headers=staff, json={
        "column": "spark_class", "title": "红船精神 " + uuid.uuid4().hex[:6],
        "summary": "开天辟地、敢为人先", "body": "## 红船\n\n1921年……",
        "media_urls": ["https://example.org/red-boat.jpg"], "tags": ["党史"],
        "estimated_minutes": 5})
    assert created.status_code == 201, created.text
    published = api.post("/api/v1/lessons/{}/publish".format(created.json()["id"]),
                         headers=staff)
    assert published.status_code == 200, published.text
    return published.json()


@pytest.fixture
def make_quiz(api, staff):
    """make_quiz(**fields) -> (quiz, {question id: answer}) over its own topic."""
    def make(n=3, **overrides):
        topic, answers = "e2e-" + uuid.uuid4().hex[:8], {}
        for index in range(n):
            question = api.post("/api/v1/quiz-questions", headers=staff, json={
                "kind": "single", "text": "{} 第{}题".format(topic, index),
                "options": ["正确选项", "错误选项一", "错误选项二"], "answer": [0],
                "explanation": "解析{}".format(index), "topic": topic})
            assert question.status_code == 201, question.text
            answers[question.json()["id"]] = question.json()["answer"]
        body = {"title": "第{}期".format(uuid.uuid4().hex[:4]), "topics": [topic],
                "question_count": n, "time_limit_seconds": 300, "attempts_per_day": 2,
                "pass_mark": 60, "opens_at": iso_in(minutes=-1), "closes_at": iso_in(days=7)}
        body.update(overrides)
        quiz = api.post("/api/v1/quizzes", headers=staff, json=body)
        assert quiz.status_code == 201, quiz.text
        return quiz.json(), answers
    return make


@pytest.fixture
def earning_rules(api, staff):
    current = api.get("/api/v1/points/rules", headers=staff).json()
    saved = api.put("/api/v1/points/rules", headers=staff,
                    json={"rules": RULES, "based_on_version": current["version"]})
    assert saved.status_code == 200, saved.text


def start(api, worker, quiz):
    return api.post("/api/v1/quizzes/{}/attempts".format(quiz["id"]), headers=worker.headers)


def submit(api, worker, attempt, answers, right=True):
    body = {"answers": [{"question_id": q["id"],
                         "choices": answers[q["id"]] if right else [2]}
                        for q in attempt["questions"]]}
    return api.post("/api/v1/quiz-attempts/{}/submission".format(attempt["id"]),
                    headers=worker.headers, json=body)


def quiz_lines(api, worker):
    items = api.get("/api/v1/me/points/entries", headers=worker.headers).json()["items"]
    return [item for item in items if item["reason_code"] == "quiz_passed"]


def test_read_complete_pass_and_the_points_appear_once(
        api, new_worker, lesson, make_quiz, earning_rules, learning_db, ledger_db,
        e2e_amqp_uri):
    worker = new_worker()
    quiz, answers = make_quiz()

    listed = api.get("/api/v1/lessons", params={"column": "spark_class"},
                     headers=worker.headers)
    assert listed.status_code == 200, listed.text
    assert lesson["id"] in [item["id"] for item in listed.json()["items"]]
    read = api.get("/api/v1/lessons/{}".format(lesson["id"]), headers=worker.headers)
    assert read.status_code == 200 and read.json()["column_name"] == "星火课堂"
    done = api.post("/api/v1/lessons/{}/completion".format(lesson["id"]),
                    headers=worker.headers)
    again = api.post("/api/v1/lessons/{}/completion".format(lesson["id"]),
                     headers=worker.headers)
    assert (done.status_code, again.status_code) == (201, 200), again.text
    assert again.json()["completed_at"] == done.json()["completed_at"]

    attempt = start(api, worker, quiz)
    assert attempt.status_code == 201, attempt.text
    attempt = attempt.json()
    seen = api.get("/api/v1/quiz-attempts/{}".format(attempt["id"]), headers=worker.headers)
    assert seen.json()["results"] is None
    assert not {"answer", "explanation"} & {key for q in seen.json()["questions"] for key in q}
    graded = submit(api, worker, attempt, answers)
    assert graded.status_code == 200, graded.text
    assert (graded.json()["score"], graded.json()["passed"]) == (100, True)
    # The same answers again (an app retrying) get the same grade; others are refused.
    again = submit(api, worker, attempt, answers)
    assert (again.status_code, again.json()["results"]) == (200, graded.json()["results"])
    assert_error(submit(api, worker, attempt, answers, right=False), 409, "ALREADY_SUBMITTED")
    second = start(api, worker, quiz).json()  # a later pass is not a first pass
    assert submit(api, worker, second, answers).json()["passed"] is True

    wait_for(lambda: len(quiz_lines(api, worker)) == 1, what="the quiz points")
    (outbox,) = learning_db.outbox.find({"type": "quiz_passed",
                                         "envelope.data.worker_id": worker.id})
    # The same envelope delivered twice more, then a new event as a marker:
    # once the marker is applied, the repeats ahead of it were consumed.
    envelope = outbox["envelope"]
    publish_raw(e2e_amqp_uri, "learning", "quiz_passed", envelope)
    publish_raw(e2e_amqp_uri, "learning", "quiz_passed", envelope)
    marker = dict(copy.deepcopy(envelope), id=str(uuid.uuid4()))
    publish_raw(e2e_amqp_uri, "learning", "quiz_passed", marker)
    wait_for(lambda: ledger_db.processed_events.find_one(
        {"_id": "handle_quiz_passed:" + marker["id"]}), what="the marker event")
    wait_for(lambda: queue_state(e2e_amqp_uri, QUIZ_QUEUE)[0] == 0, what="an empty queue")

    lines = [item["line"] for item in quiz_lines(api, worker)]
    assert lines == ["红色知识答题 {} 首次通过 +10".format(quiz["title"])]
    statement = api.get("/api/v1/me/points/entries", headers=worker.headers).json()
    assert sorted(item["amount"] for item in statement["items"]) == [5, 10]
    assert api.get("/api/v1/me/points", headers=worker.headers).json()["balance"] == 15
    assert ledger_db.entries.count_documents({"worker_id": worker.id}) == 2


def test_a_failed_attempt_earns_nothing(api, new_worker, make_quiz, earning_rules,
                                        learning_db):
    worker = new_worker()
    quiz, answers = make_quiz()
    attempt = start(api, worker, quiz).json()
    graded = submit(api, worker, attempt, answers, right=False)
    assert graded.status_code == 200, graded.text
    assert (graded.json()["score"], graded.json()["passed"]) == (0, False)
    assert [r["answer"] for r in graded.json()["results"]] == [[0]] * 3
    assert learning_db.outbox.count_documents({"type": "quiz_passed",
                                               "envelope.data.worker_id": worker.id}) == 0
    quizzes = api.get("/api/v1/quizzes", headers=worker.headers).json()["items"]
    mine = next(q for q in quizzes if q["id"] == quiz["id"])
    assert (mine["my_attempts_today"], mine["my_passed"]) == (1, False)
    assert quiz_lines(api, worker) == []


def test_the_daily_limit_holds_under_concurrent_starts(api, system, new_worker, make_quiz,
                                                       learning_db):
    worker = new_worker()
    quiz, answers = make_quiz(attempts_per_day=2)
    url = system.url + "/api/v1/quizzes/{}/attempts".format(quiz["id"])
    # A connection each, as eight taps from eight phones would be.
    responses = run_together([lambda: requests.post(url, headers=worker.headers, timeout=15)
                              for _ in range(8)])
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {200, 201, 409}, [r.text for r in responses]
    for refused in (r for r in responses if r.status_code == 409):
        assert_error(refused, 409, "DAILY_ATTEMPTS_USED")
    opened = {r.json()["id"]: r.json() for r in responses if r.status_code in (200, 201)}
    assert 1 <= len(opened) <= 2
    # Use up whatever is left: the day never holds more than two attempts.
    for attempt in opened.values():
        assert submit(api, worker, attempt, answers).status_code == 200
    while True:
        more = start(api, worker, quiz)
        if more.status_code == 409:
            break
        assert submit(api, worker, more.json(), answers).status_code == 200
    assert_error(more, 409, "DAILY_ATTEMPTS_USED")
    assert learning_db.attempts.count_documents({"quiz_id": quiz["id"],
                                                 "worker_id": worker.id}) == 2


def test_the_deadline_holds(api, new_worker, make_quiz, learning_db):
    worker = new_worker()
    strict, strict_answers = make_quiz(time_limit_seconds=1, late_submission="refuse")
    lenient, lenient_answers = make_quiz(time_limit_seconds=1, late_submission="zero")
    first = start(api, worker, strict).json()
    second = start(api, worker, lenient).json()
    time.sleep(1 + GRACE_SECONDS + 0.5)
    assert api.get("/api/v1/quiz-attempts/{}".format(first["id"]),
                   headers=worker.headers).json()["status"] == "expired"
    assert_error(submit(api, worker, first, strict_answers), 409, "ATTEMPT_EXPIRED")
    late = submit(api, worker, second, lenient_answers)
    assert late.status_code == 200, late.text
    assert (late.json()["score"], late.json()["passed"], late.json()["late"]) == (0, False, True)
    assert learning_db.outbox.count_documents({"type": "quiz_passed",
                                               "envelope.data.worker_id": worker.id}) == 0


def test_bad_learning_requests_get_a_4xx_with_a_code(api, new_worker, staff, make_quiz):
    worker = new_worker()
    draft = api.post("/api/v1/lessons", headers=staff, json={
        "column": "role_models", "title": "草稿", "body": "待写", "estimated_minutes": 3}).json()
    assert_error(api.get("/api/v1/lessons/{}".format(draft["id"]), headers=worker.headers),
                 404, "LESSON_NOT_FOUND")
    assert_error(api.post("/api/v1/lessons/{}/completion".format(draft["id"]),
                          headers=worker.headers), 404, "LESSON_NOT_FOUND")
    assert_error(api.get("/api/v1/lessons", params={"column": "news"}, headers=worker.headers),
                 422, "VALIDATION_FAILED")
    assert_error(api.get("/api/v1/lessons", params={"status": "draft"},
                         headers=worker.headers), 403, "FORBIDDEN")
    assert_error(api.post("/api/v1/lessons", headers=staff, json={"column": "spark_class"}),
                 422, "VALIDATION_FAILED")
    assert_error(api.post("/api/v1/quiz-questions", headers=staff, json={
        "kind": "true_false", "text": "对吗?", "options": ["对", "错"], "answer": [2],
        "explanation": "x", "topic": "t"}), 422, "VALIDATION_FAILED")
    assert_error(api.post("/api/v1/quizzes", headers=staff, data="{"), 400, "MALFORMED_JSON")
    assert_error(api.post("/api/v1/quizzes/nope/attempts", headers=worker.headers),
                 404, "QUIZ_NOT_FOUND")
    quiz, answers = make_quiz(n=1)
    attempt = start(api, worker, quiz).json()
    url = "/api/v1/quiz-attempts/{}/submission".format(attempt["id"])
    for body, code in (({"answers": "all"}, "VALIDATION_FAILED"),
                       ({"answers": [{"question_id": "x", "choices": [0]}]},
                        "ANSWER_NOT_IN_ATTEMPT"),
                       ({"answers": [{"question_id": attempt["questions"][0]["id"],
                                      "choices": [5]}]}, "CHOICE_OUT_OF_RANGE")):
        assert_error(api.post(url, headers=worker.headers, json=body), 422, code)
    other = new_worker()
    assert_error(api.get("/api/v1/quiz-attempts/{}".format(attempt["id"]),
                         headers=other.headers), 404, "ATTEMPT_NOT_FOUND")
    assert_error(api.get("/api/v1/quizzes/{}/stats".format(quiz["id"]),
                         headers=worker.headers), 403, "FORBIDDEN")
    stats = api.get("/api/v1/quizzes/{}/stats".format(quiz["id"]), headers=staff)
    assert stats.status_code == 200 and stats.json()["participants"] == 0
    assert_error(api.get("/api/v1/quizzes"), 401, "AUTH_REQUIRED")
