"""learning over real RabbitMQ and the embedded MongoDB: lessons from draft
to completion (once), the question bank, quizzes with their daily attempt
limit under concurrent starts, resuming (concurrent starts open one attempt),
the deadline, one submission per attempt, the first pass emitted once even
when two pass at the same moment, the ledger awarding it once, staff
statistics, and 4xx answers to bad input."""
import uuid
from datetime import datetime, timezone

import eventlet
import pytest

from services.learning import scoring, views
from services.learning.service import LearningService
from services.ledger.service import LedgerService
from shared.clock import utcnow
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.broker import wait_for
from tests.support.callers import STAFF, worker
from tests.support.concurrency import run_together
from tests.support.times import at

SERVICE = LearningService
# A one-second grace keeps the deadline tests short.
SERVICE_CONFIG = {"QUIZ_GRACE_SECONDS": 1}


@pytest.fixture
def bank(as_staff):
    """bank(topic, n) -> {question id: answer}: n single-choice questions."""
    def make(topic=None, n=3):
        topic = topic or "t-" + uuid.uuid4().hex[:8]
        answers = {}
        for index in range(n):
            question = as_staff.create_question({
                "kind": "single", "text": "{} 第{}题".format(topic, index),
                "options": ["甲", "乙", "丙"], "answer": [index % 3],
                "explanation": "解析{}".format(index), "topic": topic})
            answers[question["id"]] = question["answer"]
        return topic, answers
    return make


@pytest.fixture
def new_quiz(as_staff, bank):
    """new_quiz(**fields) -> (quiz, {question id: answer})."""
    def make(n=3, **overrides):
        topic, answers = bank(n=n)
        body = {"title": "第3期", "topics": [topic], "question_count": n,
                "time_limit_seconds": 300, "attempts_per_day": 2, "pass_mark": 60,
                "opens_at": at(minutes=-5), "closes_at": at(days=7)}
        body.update(overrides)
        return as_staff.create_quiz(body), answers
    return make


FAILED = scoring.Outcome(score=0, passed=False, late=False, results=[])


def right(attempt, answers):
    return {"answers": [{"question_id": q["id"], "choices": answers[q["id"]]}
                        for q in attempt["questions"]]}


def wrong(attempt, answers):
    return {"answers": [{"question_id": q["id"], "choices": [(answers[q["id"]][0] + 1) % 3]}
                        for q in attempt["questions"]]}


def events_of(store, event_type, worker_id):
    return [e["envelope"] for e in store.db.outbox.find(
        {"type": event_type, "envelope.data.worker_id": worker_id})]


# ---- lessons -------------------------------------------------------------------

LESSON = {"column": "spark_class", "title": "红船精神代代传", "summary": "一堂党课",
          "body": "## 红船\n\n1921年,嘉兴南湖……", "media_urls": ["https://example.org/a.mp4"],
          "tags": ["党史"], "estimated_minutes": 8}


def test_a_lesson_from_draft_to_completed_once(as_staff, rpc_as, store):
    me = rpc_as(worker()).learning
    draft = as_staff.create_lesson(LESSON)
    assert (draft["status"], draft["column_name"]) == ("draft", "星火课堂")
    with pytest.raises(NotFound):
        me.get_lesson(draft["id"])
    assert draft["id"] not in [i["id"] for i in me.list_lessons({"column": "spark_class"})["items"]]
    as_staff.publish_lesson(draft["id"])
    with pytest.raises(Conflict):
        as_staff.publish_lesson(draft["id"])
    read = me.get_lesson(draft["id"])
    assert read["body"].startswith("## 红船") and read["completed_at"] is None

    first = me.complete_lesson(draft["id"])
    again = me.complete_lesson(draft["id"])
    assert first["first_time"] is True and again["first_time"] is False
    assert again["completed_at"] == first["completed_at"]
    listed = me.list_lessons({"column": "spark_class"})["items"]
    assert next(i for i in listed if i["id"] == draft["id"])["completed_at"] == \
        first["completed_at"]

    as_staff.unpublish_lesson(draft["id"])
    with pytest.raises(NotFound):
        me.get_lesson(draft["id"])
    assert as_staff.update_lesson(draft["id"], {"title": "红船精神"})["title"] == "红船精神"


def test_concurrent_completions_emit_one_event(as_staff, rpc_as, store):
    lesson = as_staff.publish_lesson(as_staff.create_lesson(LESSON)["id"])
    me = worker()
    outcomes = run_together([lambda: rpc_as(me).learning.complete_lesson(lesson["id"])
                             for _ in range(6)])
    assert sorted(o["first_time"] for o in outcomes) == [False] * 5 + [True]
    assert len({o["completed_at"] for o in outcomes}) == 1
    (event,) = events_of(store, "lesson_completed", me.id)
    assert event["data"]["lesson_title"] == "红船精神代代传"


def test_lessons_are_listed_newest_published_first_by_page(as_staff, rpc_as):
    column = "pre_shift"
    ids = []
    for n in range(3):
        lesson = as_staff.create_lesson(dict(LESSON, column=column, title="班前{}".format(n)))
        as_staff.publish_lesson(lesson["id"])
        ids.append(lesson["id"])
    me = rpc_as(worker()).learning
    first = me.list_lessons({"column": column, "per_page": 2})
    second = me.list_lessons({"column": column, "per_page": 2, "page": 2})
    listed = [i["id"] for i in first["items"] + second["items"]]
    assert listed[:3] == ids[::-1]
    assert "body" not in first["items"][0]
    with pytest.raises(Forbidden):
        me.list_lessons({"status": "draft"})


def test_bad_lessons_and_questions_are_refused(as_staff, rpc_as, bank):
    for body, field in ((dict(LESSON, column="news"), "column"),
                        (dict(LESSON, estimated_minutes="8"), "estimated_minutes"),
                        (dict(LESSON, media_urls=["javascript:alert(1)"]), "media_urls"),
                        (dict(LESSON, author="x"), "author")):
        with pytest.raises(InvalidInput) as raised:
            as_staff.create_lesson(body)
        assert field in raised.value.details
    with pytest.raises(Forbidden):
        rpc_as(worker()).learning.create_lesson(LESSON)
    _, answers = bank(n=1)
    question_id = next(iter(answers))
    with pytest.raises(InvalidInput) as raised:  # checked against the stored options
        as_staff.update_question(question_id, {"answer": [5]})
    assert "answer" in raised.value.details
    assert as_staff.update_question(question_id, {"answer": [2]})["answer"] == [2]
    with pytest.raises(NotFound):
        as_staff.update_question("nope", {"text": "x"})


# ---- quizzes ---------------------------------------------------------------------

def test_start_resume_submit_once_and_see_the_result(new_quiz, rpc_as, store):
    quiz, answers = new_quiz()
    me = worker()
    proxy = rpc_as(me).learning
    started = proxy.start_attempt(quiz["id"])
    assert started["resumed"] is False and started["attempt_number"] == 1
    assert "answer" not in str(started["questions"]) and started["results"] is None
    assert {q["id"] for q in started["questions"]} == set(answers)
    resumed = proxy.start_attempt(quiz["id"])
    assert (resumed["id"], resumed["resumed"]) == (started["id"], True)
    assert proxy.get_attempt(started["id"])["results"] is None
    with pytest.raises(NotFound):  # nobody else's
        rpc_as(worker()).learning.get_attempt(started["id"])

    graded = proxy.submit_attempt(started["id"], right(started, answers))
    assert (graded["status"], graded["score"], graded["passed"]) == ("submitted", 100, True)
    assert all(r["correct"] and r["explanation"] for r in graded["results"])
    assert proxy.submit_attempt(started["id"], right(started, answers)) == graded  # a retry
    with pytest.raises(Conflict) as raised:
        proxy.submit_attempt(started["id"], wrong(started, answers))
    assert raised.value.code == "ALREADY_SUBMITTED"
    assert proxy.get_attempt(started["id"])["results"] == graded["results"]
    assert proxy.get_quiz(quiz["id"])["my_passed"] is True
    listed = {q["id"]: q for q in proxy.list_quizzes({"state": "all"})["items"]}
    assert (listed[quiz["id"]]["my_attempts_today"], listed[quiz["id"]]["my_passed"]) == \
        (1, True)
    (event,) = events_of(store, "quiz_passed", me.id)
    assert event["data"]["score"] == 100 and event["data"]["quiz_title"] == "第3期"

    # The second of two attempts a day; a later pass emits nothing.
    second = proxy.start_attempt(quiz["id"])
    assert second["attempt_number"] == 2 and second["id"] != started["id"]
    proxy.submit_attempt(second["id"], right(second, answers))
    assert len(events_of(store, "quiz_passed", me.id)) == 1
    with pytest.raises(Conflict) as raised:
        proxy.start_attempt(quiz["id"])
    assert raised.value.code == "DAILY_ATTEMPTS_USED"


def test_a_failed_attempt_emits_nothing(new_quiz, rpc_as, store):
    quiz, answers = new_quiz()
    me = worker()
    proxy = rpc_as(me).learning
    attempt = proxy.start_attempt(quiz["id"])
    graded = proxy.submit_attempt(attempt["id"], wrong(attempt, answers))
    assert (graded["score"], graded["passed"]) == (0, False)
    assert events_of(store, "quiz_passed", me.id) == []


def test_the_daily_limit_holds_under_concurrent_starts(new_quiz, rpc_as, store):
    quiz, _ = new_quiz(attempts_per_day=2)
    me = worker()
    outcomes = run_together([lambda: rpc_as(me).learning.start_attempt(quiz["id"])
                             for _ in range(8)])
    started = {o["id"] for o in outcomes if isinstance(o, dict)}
    assert 1 <= len(started) <= 2, outcomes
    assert all(isinstance(o, dict) or o == "DAILY_ATTEMPTS_USED" for o in outcomes), outcomes
    # The store itself: many starts at once open one attempt and give it to
    # all; after it is submitted, the next such round takes slot 2, and then
    # every start is refused.
    other = worker()
    full_quiz = store.get_quiz(quiz["id"])
    taken = []
    for _ in range(3):
        taken += run_together([lambda: store.start_attempt(full_quiz, other.id, [], utcnow())
                               for _ in range(8)])
        for attempt in {t[0]["_id"]: t[0] for t in taken[-8:] if isinstance(t, tuple)}.values():
            store.submit(attempt, FAILED, utcnow())
    assert sorted(t[0]["slot"] for t in taken if isinstance(t, tuple) and not t[1]) == [1, 2]
    assert [t[1] for t in taken if isinstance(t, tuple)].count(True) == 14
    assert taken.count("DAILY_ATTEMPTS_USED") == 8
    for who in (me, other):
        assert store.db.attempts.count_documents({"quiz_id": quiz["id"],
                                                  "worker_id": who.id}) <= 2


@pytest.mark.parametrize("per_day, used", [(3, 0), (1, 0), (2, 1)])
def test_concurrent_starts_by_one_worker_open_one_attempt(new_quiz, rpc_as, store,
                                                          per_day, used):
    """One new attempt (201), the rest get it back (200); also when it takes
    the day's last slot, where a start that lost the slot must not answer
    DAILY_ATTEMPTS_USED."""
    quiz, answers = new_quiz(attempts_per_day=per_day)
    me = worker()
    for _ in range(used):
        done = rpc_as(me).learning.start_attempt(quiz["id"])
        rpc_as(me).learning.submit_attempt(done["id"], wrong(done, answers))
    outcomes = run_together([lambda: rpc_as(me).learning.start_attempt(quiz["id"])
                             for _ in range(8)])
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert len({o["id"] for o in outcomes}) == 1, outcomes
    assert sorted(o["resumed"] for o in outcomes) == [False] + [True] * 7, outcomes
    assert rpc_as(me).learning.get_quiz(quiz["id"])["my_attempts_today"] == used + 1
    assert store.db.attempts.count_documents({"quiz_id": quiz["id"],
                                              "worker_id": me.id}) == used + 1


def test_two_passing_submissions_at_once_emit_one_quiz_passed(new_quiz, rpc_as, store):
    quiz, answers = new_quiz()
    me = worker()
    full_quiz = store.get_quiz(quiz["id"])
    questions = [views.question_copy(q) for q in store.questions_by_id(answers).values()]
    # The second started once the first is past its deadline (the store is
    # told the time), so it is a new attempt; the first is still open.
    first, _ = store.start_attempt(full_quiz, me.id, questions, utcnow())
    second, _ = store.start_attempt(full_quiz, me.id, questions, first["deadline"])
    attempts = [first, second]
    body = {"answers": [{"question_id": q, "choices": a} for q, a in answers.items()]}
    outcomes = run_together([lambda a=a: rpc_as(me).learning.submit_attempt(a["_id"], body)
                             for a in attempts])
    assert [o["passed"] for o in outcomes] == [True, True], outcomes
    assert len(events_of(store, "quiz_passed", me.id)) == 1
    assert store.db.passes.count_documents({"worker_id": me.id}) == 1


def test_a_submission_held_up_by_a_killed_process_transaction_answers_busy(
        new_quiz, rpc_as, store):
    """A process killed in the middle of a submission leaves its transaction
    open on the attempt until the database aborts it (60 s): meanwhile a
    submission (the client's retry, redelivered) is told to try again, not a
    server error, and goes through, once, when that transaction is gone."""
    quiz, answers = new_quiz()
    me = worker()
    proxy = rpc_as(me).learning
    attempt = proxy.start_attempt(quiz["id"])
    with store.db.client.start_session() as dead:
        dead.start_transaction()
        store.db.attempts.update_one({"_id": attempt["id"]}, {"$set": {"status": "submitted"}},
                                     session=dead)
        with pytest.raises(Conflict) as refused:
            proxy.submit_attempt(attempt["id"], right(attempt, answers))
        assert refused.value.code == "BUSY"
        dead.abort_transaction()
    assert proxy.submit_attempt(attempt["id"], right(attempt, answers))["passed"] is True
    assert len(events_of(store, "quiz_passed", me.id)) == 1


@pytest.mark.parametrize("rule, expected", [("refuse", "ATTEMPT_EXPIRED"), ("zero", 0)])
def test_the_deadline_holds(new_quiz, rpc_as, store, rule, expected):
    quiz, answers = new_quiz(time_limit_seconds=1, late_submission=rule)
    me = worker()
    proxy = rpc_as(me).learning
    attempt = proxy.start_attempt(quiz["id"])
    eventlet.sleep(2.3)  # the 1 s limit and the test's 1 s grace
    assert proxy.get_attempt(attempt["id"])["status"] == "expired"
    if rule == "refuse":
        with pytest.raises(Conflict) as raised:
            proxy.submit_attempt(attempt["id"], right(attempt, answers))
        assert raised.value.code == expected
    else:
        graded = proxy.submit_attempt(attempt["id"], right(attempt, answers))
        assert (graded["score"], graded["passed"], graded["late"]) == (0, False, True)
        assert graded["results"][0]["explanation"]
    assert events_of(store, "quiz_passed", me.id) == []
    # An expired attempt is not resumed: starting again is a new one.
    assert proxy.start_attempt(quiz["id"])["id"] != attempt["id"]


def test_quiz_windows_and_bad_quizzes(new_quiz, as_staff, rpc_as):
    upcoming, _ = new_quiz(opens_at=at(hours=1))
    with pytest.raises(Conflict) as raised:
        rpc_as(worker()).learning.start_attempt(upcoming["id"])
    assert raised.value.code == "QUIZ_NOT_OPEN"
    listed = rpc_as(worker()).learning.list_quizzes({"state": "upcoming"})["items"]
    assert upcoming["id"] in [q["id"] for q in listed]
    short, answers = new_quiz(n=2, question_count=2)
    with pytest.raises(Conflict) as raised:  # staff are told when they set it up
        as_staff.update_quiz(short["id"], {"question_count": 5})
    assert raised.value.code == "NOT_ENOUGH_QUESTIONS"
    with pytest.raises(Conflict) as raised:
        as_staff.create_quiz({"title": "第9期", "topics": short["topics"], "question_count": 3,
                              "time_limit_seconds": 300, "attempts_per_day": 1,
                              "pass_mark": 60, "opens_at": at(minutes=-5),
                              "closes_at": at(days=7)})
    assert raised.value.code == "NOT_ENOUGH_QUESTIONS"
    # A question retired afterwards is still caught when a worker starts.
    as_staff.update_question(next(iter(answers)), {"active": False})
    with pytest.raises(Conflict) as raised:
        rpc_as(worker()).learning.start_attempt(short["id"])
    assert raised.value.code == "NOT_ENOUGH_QUESTIONS"
    with pytest.raises(InvalidInput) as raised:
        as_staff.update_quiz(short["id"], {"closes_at": at(days=-30)})
    assert "closes_at" in raised.value.details
    with pytest.raises(InvalidInput) as raised:
        as_staff.create_quiz({"title": "x", "topics": [], "question_count": 0,
                              "time_limit_seconds": 60, "attempts_per_day": 1,
                              "pass_mark": 101, "opens_at": at(), "closes_at": at(days=1),
                              "late_submission": "later"})
    assert {"topics", "question_count", "pass_mark", "late_submission"} <= \
        set(raised.value.details)
    attempt = rpc_as(worker()).learning
    with pytest.raises(NotFound):
        attempt.submit_attempt("nope", {"answers": []})


# ---- statistics, from learning's own copy of identity's facts ---------------------

def registered(publish, caller, district, occupation):
    publish("identity", "worker_registered", {
        "worker_id": caller.id, "name": "赵凯锋", "phone_masked": "138****0002",
        "occupation": occupation, "platform": "饿了么", "district": district,
        "roles": ["worker"], "registered_at": datetime.now(timezone.utc)})


def test_staff_statistics_by_question_district_and_occupation(new_quiz, as_staff, rpc_as,
                                                              store, publish):
    quiz, answers = new_quiz(n=2, question_count=2)
    riders = [worker(), worker()]
    courier = worker()
    registered(publish, riders[0], "武原街道", "food_delivery")
    registered(publish, riders[1], "武原街道", "food_delivery")
    registered(publish, courier, "秦山街道", "courier")
    wait_for(lambda: store.db.workers.count_documents(
        {"_id": {"$in": [w.id for w in riders + [courier]]}, "district": {"$ne": None}}) == 3,
        what="the workers' facts")
    publish("identity", "profile_updated", {
        "worker_id": courier.id, "name": "林家浩", "phone_masked": "138****0003",
        "occupation": "courier", "platform": "申通快递", "district": "沈荡镇",
        "changed": ["district"], "updated_at": datetime.now(timezone.utc)})
    wait_for(lambda: store.db.workers.find_one({"_id": courier.id, "district": "沈荡镇"}),
             what="the new district")
    for caller, grade in ((riders[0], right), (riders[1], wrong), (courier, right)):
        proxy = rpc_as(caller).learning
        attempt = proxy.start_attempt(quiz["id"])
        proxy.submit_attempt(attempt["id"], grade(attempt, answers))
    stats = as_staff.get_quiz_stats(quiz["id"])
    assert (stats["attempts"], stats["participants"], stats["passed"]) == (3, 3, 2)
    assert stats["average_score"] == pytest.approx(66.7)
    assert {(q["question_id"], q["answered"], q["correct"]) for q in stats["questions"]} == \
        {(question_id, 3, 2) for question_id in answers}
    assert all(q["correct_rate"] == pytest.approx(0.667) and q["text"]
               for q in stats["questions"])
    assert stats["by_district"] == [{"key": "武原街道", "participants": 2, "passed": 1},
                                    {"key": "沈荡镇", "participants": 1, "passed": 1}]
    assert stats["by_occupation"] == [{"key": "food_delivery", "participants": 2, "passed": 1},
                                      {"key": "courier", "participants": 1, "passed": 1}]
    with pytest.raises(Forbidden):
        rpc_as(riders[0]).learning.get_quiz_stats(quiz["id"])


# ---- the ledger awards the first pass, once ------------------------------------------

def test_the_ledger_awards_the_first_pass_once(run_service, new_quiz,
                                               rpc_as, store, publish, mongo_client, db_prefix):
    run_service(LedgerService)
    rpc_as(STAFF).ledger.set_rules({"rules": [
        {"code": "quiz_passed", "label": "红色知识答题", "points": 10, "first_only": True}]})
    quiz, answers = new_quiz()
    me = worker()
    proxy = rpc_as(me).learning
    attempt = proxy.start_attempt(quiz["id"])
    proxy.submit_attempt(attempt["id"], right(attempt, answers))
    (event,) = events_of(store, "quiz_passed", me.id)
    publish("learning", "quiz_passed", None, envelope=event)  # delivered again
    entries = mongo_client[db_prefix + "ledger"].entries
    wait_for(lambda: entries.count_documents({"worker_id": me.id}), what="the quiz award")
    eventlet.sleep(1)  # time for the repeat to be (not) applied
    assert [e["amount"] for e in entries.find({"worker_id": me.id})] == [10]
    assert rpc_as(me).ledger.get_my_points()["balance"] == 10
