"""The demo's 红动海盐 content (scripts/demo_learning.py) loads through the
public API, twice without duplicates, and a new user can read a lesson, take
the demo quiz, pass it and see the points on their statement."""
from scripts import demo_learning
from scripts.demo import POINT_RULES, all_items, load_learning
from tests.support.broker import wait_for


def test_the_demo_content_loads_once_and_a_new_user_passes_its_quiz(
        api, system, staff, new_worker):
    current = api.get("/api/v1/points/rules", headers=staff).json()
    # The demo's own earning rules: a lesson 5 points, the quiz 10.
    saved = api.put("/api/v1/points/rules", headers=staff,
                    json={"rules": list(POINT_RULES), "based_on_version": current["version"]})
    assert saved.status_code == 200, saved.text
    load_learning(system.url, staff)
    load_learning(system.url, staff)  # every `make run` loads it again
    lessons = all_items(system.url, staff, "/api/v1/lessons", status="all")
    for lesson in demo_learning.LESSONS:
        assert [item["title"] for item in lessons].count(lesson["title"]) == 1
    questions = all_items(system.url, staff, "/api/v1/quiz-questions")
    answer_of = {q["text"]: q["answer"] for q in demo_learning.QUESTIONS}
    assert sum(1 for q in questions if q["text"] in answer_of) == len(answer_of)

    worker = new_worker()
    column = api.get("/api/v1/lessons", params={"column": "role_models"},
                     headers=worker.headers).json()
    assert column["total"] >= sum(1 for lesson in demo_learning.LESSONS
                                  if lesson["column"] == "role_models")
    first = column["items"][0]
    assert first["column_name"] == "榜样力量"
    assert api.post("/api/v1/lessons/{}/completion".format(first["id"]),
                    headers=worker.headers).status_code == 201

    quizzes = api.get("/api/v1/quizzes", headers=worker.headers).json()["items"]
    quiz = next(q for q in quizzes if q["title"] == demo_learning.QUIZ["title"])
    attempt = api.post("/api/v1/quizzes/{}/attempts".format(quiz["id"]),
                       headers=worker.headers).json()
    assert len(attempt["questions"]) == demo_learning.QUIZ["question_count"]
    graded = api.post("/api/v1/quiz-attempts/{}/submission".format(attempt["id"]),
                      headers=worker.headers, json={"answers": [
                          {"question_id": q["id"], "choices": list(answer_of[q["text"]])}
                          for q in attempt["questions"]]})
    assert graded.status_code == 200, graded.text
    assert (graded.json()["score"], graded.json()["passed"]) == (100, True)
    wait_for(lambda: api.get("/api/v1/me/points", headers=worker.headers).json()["balance"]
             == 15, what="points for the lesson and the quiz")
    items = api.get("/api/v1/me/points/entries", headers=worker.headers).json()["items"]
    assert {item["reason_code"] for item in items} == {"quiz_passed", "lesson_completed"}
    # The statement line reads as the worker would say it.
    assert "红色知识答题 第1期 首次通过 +10" in [item["line"] for item in items]
