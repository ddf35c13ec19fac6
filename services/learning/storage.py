"""learning's data: lessons and who finished them, the question bank, quizzes,
attempts, first passes, and a local copy of workers' facts.

- ``lessons``: draft or published, in one of the columns (schemas.COLUMNS).
- ``completions``: ``_id`` is (lesson, worker), so a lesson is finished once
  whatever the retries; the first one stores its ``lesson_completed`` event in
  the outbox in the same transaction.
- ``questions``: the bank; an attempt keeps its own copy of the questions it
  drew, so editing the bank never changes an attempt under way or graded.
- ``attempts``: each takes a numbered slot 1..attempts_per_day of its
  (quiz, worker, China day), under a unique index, so concurrent starts cannot
  exceed the daily limit: the loser of a slot tries the next one, and there is
  no counter to drift. The worker's latest open attempt of a quiz is marked
  ``current``, under a unique partial index, so concurrent starts open one
  attempt and the others get it back; submitting it, or a start finding it
  past its deadline, removes the mark (an expired attempt stays ``open``:
  under "zero" it can still be submitted, scored 0).
- ``passes``: ``_id`` is (quiz, worker); written in the submission's
  transaction, so only the first passing submission emits ``quiz_passed``
  even when two pass at the same moment (their transactions conflict and the
  retried one finds the pass recorded).
- ``workers``: district and occupation from identity's events, for statistics.

Every verb is given the time (``now``); none reads the clock. A write that
can cause an event returns ``(document, events)``, the events being those
it stored in the outbox (the entrypoint publishes them); starting an attempt
returns ``(attempt, resumed)``; the others (lessons, questions, quizzes)
return the document. The quiz's rules are scoring.py's; the verbs apply them
and guard against races.
"""
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.learning import exceptions, scoring, stats
from services.learning.schemas import DRAFT, PUBLISHED, check_question, check_window
from services.learning.scoring import OPEN, SUBMITTED
from shared.domain import china_day
from shared.events import new_event
from shared.ids import new_id
from shared.schemas import checked
from shared.store import BaseStore, found, one_page
from shared.worker_facts import remember_worker

SOURCE = "learning"
CURRENT_INDEX = "one_current_attempt"


def pass_key(quiz_id, worker_id):
    return "{}:{}".format(quiz_id, worker_id)


def clashed_on(error, index):
    """Whether a DuplicateKeyError is that index's (its message names it)."""
    return "index: {} ".format(index) in str(error)


def paged(cursor, query):
    return one_page(cursor, query["page"], query["per_page"])


class LearningStore(BaseStore):
    @staticmethod
    def create_indexes(db):
        db.lessons.create_index([("status", ASCENDING), ("column", ASCENDING),
                                 ("published_at", DESCENDING)])
        db.lessons.create_index([("created_at", DESCENDING)])
        db.completions.create_index([("worker_id", ASCENDING), ("lesson_id", ASCENDING)])
        db.questions.create_index([("topic", ASCENDING), ("active", ASCENDING)])
        db.questions.create_index([("created_at", DESCENDING)])
        db.quizzes.create_index([("opens_at", DESCENDING)])
        db.quizzes.create_index([("closes_at", ASCENDING)])
        # The daily attempt limit: one attempt per numbered slot.
        db.attempts.create_index([("quiz_id", ASCENDING), ("worker_id", ASCENDING),
                                  ("day", ASCENDING), ("slot", ASCENDING)],
                                 unique=True, name="one_per_slot")
        # One current attempt per (quiz, worker): concurrent starts open one.
        db.attempts.create_index([("quiz_id", ASCENDING), ("worker_id", ASCENDING)],
                                 unique=True, name=CURRENT_INDEX,
                                 partialFilterExpression={"current": True})
        db.attempts.create_index([("quiz_id", ASCENDING), ("worker_id", ASCENDING),
                                  ("status", ASCENDING), ("deadline", DESCENDING)])
        db.attempts.create_index([("quiz_id", ASCENDING), ("status", ASCENDING)])

    # ---- lessons ---------------------------------------------------------

    def create_lesson(self, fields, staff_id, now):
        lesson = dict(fields, _id=new_id(), status=DRAFT, created_by=staff_id,
                      created_at=now, updated_at=now, published_at=None)
        self.db.lessons.insert_one(lesson)
        return lesson

    def get_lesson(self, lesson_id):
        return found(self.db.lessons.find_one({"_id": lesson_id}), exceptions.lesson_not_found)

    def update_lesson(self, lesson_id, changes, now):
        return self._set_lesson({"_id": lesson_id}, dict(changes, updated_at=now))

    def publish_lesson(self, lesson_id, now):
        self.get_lesson(lesson_id)
        updated = self._set_lesson({"_id": lesson_id, "status": DRAFT},
                                   {"status": PUBLISHED, "published_at": now, "updated_at": now})
        return updated

    def unpublish_lesson(self, lesson_id, now):
        self.get_lesson(lesson_id)
        return self._set_lesson({"_id": lesson_id, "status": PUBLISHED},
                                {"status": DRAFT, "updated_at": now})

    def _set_lesson(self, criteria, changes):
        lesson = self.db.lessons.find_one_and_update(
            criteria, {"$set": changes}, return_document=ReturnDocument.AFTER)
        if lesson is not None:
            return lesson
        current = self.get_lesson(criteria["_id"])  # 404 if it is not there at all
        raise (exceptions.already_published() if current["status"] == PUBLISHED
               else exceptions.not_published())

    def list_lessons(self, query):
        """Newest published first (drafts: newest created first)."""
        criteria = {}
        if query["status"] != "all":
            criteria["status"] = query["status"]
        if query.get("column"):
            criteria["column"] = query["column"]
        order = ([("published_at", DESCENDING)] if query["status"] == PUBLISHED
                 else [("created_at", DESCENDING)])
        cursor = self.db.lessons.find(criteria, {"body": 0}).sort(order + [("_id", ASCENDING)])
        return list(paged(cursor, query)), self.db.lessons.count_documents(criteria)

    def completed_at(self, worker_id, lesson_ids):
        """{lesson id: when the worker finished it} for the lessons given."""
        return {c["lesson_id"]: c["completed_at"] for c in self.db.completions.find(
            {"worker_id": worker_id, "lesson_id": {"$in": list(lesson_ids)}})}

    def complete_lesson(self, lesson, worker_id, now):
        """(completion, events): only the first completion has an event; a
        repeat, or a concurrent twin, finds the first and emits nothing."""
        key = "{}:{}".format(lesson["_id"], worker_id)
        event = new_event(SOURCE, "lesson_completed", {
            "worker_id": worker_id, "lesson_id": lesson["_id"],
            "lesson_title": lesson["title"], "column": lesson["column"],
            "completed_at": now}, now=now)
        completion = {"_id": key, "lesson_id": lesson["_id"], "worker_id": worker_id,
                      "completed_at": now}

        def write(session):
            self.db.completions.insert_one(completion, session=session)
            return self.record_events([event], session)
        try:
            return completion, self.in_transaction(write)
        except DuplicateKeyError:
            return self.db.completions.find_one({"_id": key}), []

    # ---- questions ---------------------------------------------------------

    def create_question(self, fields, staff_id, now):
        question = dict(fields, _id=new_id(), created_by=staff_id, created_at=now,
                        updated_at=now)
        self.db.questions.insert_one(question)
        return question

    def get_question(self, question_id):
        return found(self.db.questions.find_one({"_id": question_id}),
                     exceptions.question_not_found)

    def update_question(self, question_id, changes, now):
        current = self.get_question(question_id)
        checked(check_question, dict(current, **changes))
        # Conditional on what was checked, so a concurrent edit is not mixed in.
        updated = self.db.questions.find_one_and_update(
            {"_id": question_id, "updated_at": current["updated_at"]},
            {"$set": dict(changes, updated_at=now)}, return_document=ReturnDocument.AFTER)
        return updated or self.update_question(question_id, changes, now)

    def list_questions(self, query):
        criteria = {key: query[key] for key in ("topic", "kind") if query.get(key)}
        cursor = self.db.questions.find(criteria).sort([("created_at", DESCENDING),
                                                        ("_id", ASCENDING)])
        return list(paged(cursor, query)), self.db.questions.count_documents(criteria)

    def drawable_ids(self, topics):
        return [q["_id"] for q in self.db.questions.find(
            {"topic": {"$in": list(topics)}, "active": True}, {"_id": 1})]

    def questions_by_id(self, ids):
        return {q["_id"]: q for q in self.db.questions.find({"_id": {"$in": list(ids)}})}

    # ---- quizzes -------------------------------------------------------------

    def create_quiz(self, fields, staff_id, now):
        quiz = dict(fields, _id=new_id(), created_by=staff_id, created_at=now, updated_at=now)
        self.db.quizzes.insert_one(quiz)
        return quiz

    def get_quiz(self, quiz_id):
        return found(self.db.quizzes.find_one({"_id": quiz_id}), exceptions.quiz_not_found)

    def update_quiz(self, quiz_id, changes, now):
        current = self.get_quiz(quiz_id)
        checked(check_window, dict(current, **changes))
        return self.db.quizzes.find_one_and_update(
            {"_id": quiz_id}, {"$set": dict(changes, updated_at=now)},
            return_document=ReturnDocument.AFTER)

    def list_quizzes(self, query, now):
        criteria = {
            "open": {"opens_at": {"$lte": now}, "closes_at": {"$gt": now}},
            "upcoming": {"opens_at": {"$gt": now}},
            "closed": {"closes_at": {"$lte": now}},
            "all": {},
        }[query["state"]]
        cursor = self.db.quizzes.find(criteria).sort([("opens_at", DESCENDING),
                                                      ("_id", ASCENDING)])
        return list(paged(cursor, query)), self.db.quizzes.count_documents(criteria)

    # ---- attempts --------------------------------------------------------------

    def latest_open_attempt(self, quiz_id, worker_id):
        """The worker's unsubmitted attempt of this quiz with the latest
        deadline, in time or not: scoring.to_resume decides."""
        return self.db.attempts.find_one(
            {"quiz_id": quiz_id, "worker_id": worker_id, "status": OPEN},
            sort=[("deadline", DESCENDING)])

    def attempts_on(self, quiz_id, worker_id, day):
        return self.db.attempts.count_documents(
            {"quiz_id": quiz_id, "worker_id": worker_id, "day": day})

    def attempts_today(self, quiz_ids, worker_id, day):
        """{quiz id: the worker's attempts on ``day``} for the quizzes given."""
        return {row["_id"]: row["n"] for row in self.db.attempts.aggregate([
            {"$match": {"quiz_id": {"$in": list(quiz_ids)}, "worker_id": worker_id,
                        "day": day}},
            {"$group": {"_id": "$quiz_id", "n": {"$sum": 1}}}])}

    def start_attempt(self, quiz, worker_id, questions, now):
        """(attempt, resumed): a new attempt in the first free slot of today's
        (resumed False), or the worker's current attempt still in time that a
        concurrent start made first (resumed True), or DAILY_ATTEMPTS_USED.
        Slots are only ever taken, never freed, so the count of today's
        attempts is where the free ones start; a concurrent start that took
        that slot first sends this one on to the next. A current attempt past
        its deadline stops being current, and the insert is tried again."""
        day, limit = china_day(now), quiz["attempts_per_day"]
        attempt = {
            "quiz_id": quiz["_id"], "quiz_title": quiz["title"], "worker_id": worker_id,
            "day": day, "status": OPEN, "current": True, "started_at": now,
            "deadline": scoring.deadline_of(now, quiz["time_limit_seconds"]),
            "time_limit_seconds": quiz["time_limit_seconds"], "pass_mark": quiz["pass_mark"],
            "late_submission": quiz["late_submission"], "questions": questions,
            "submitted_at": None, "score": None, "passed": None, "late": None,
            "results": None}
        slot = self.attempts_on(quiz["_id"], worker_id, day) + 1
        while slot <= limit:
            document = dict(attempt, _id=new_id(), slot=slot)
            try:
                self.db.attempts.insert_one(document)
                return document, False
            except DuplicateKeyError as clash:
                if not clashed_on(clash, CURRENT_INDEX):
                    slot += 1  # a concurrent start took this slot
                    continue
            in_time = self._current_in_time(quiz["_id"], worker_id, now)
            if in_time is not None:
                return in_time, True
        # The last slot may have gone to a concurrent start: then that attempt.
        in_time = self._current_in_time(quiz["_id"], worker_id, now)
        if in_time is not None:
            return in_time, True
        raise exceptions.daily_attempts_used(limit)

    def _current_in_time(self, quiz_id, worker_id, now):
        """The worker's current attempt if scoring.to_resume would resume it;
        one past its deadline stops being current, so a new one can start."""
        current = self.db.attempts.find_one(
            {"quiz_id": quiz_id, "worker_id": worker_id, "current": True})
        in_time = scoring.to_resume(current, now)
        if current is not None and in_time is None:
            self.db.attempts.update_one({"_id": current["_id"], "current": True},
                                        {"$unset": {"current": ""}})
        return in_time

    def get_attempt(self, attempt_id, worker_id):
        """The worker's own attempt; anyone else's is "not found"."""
        return found(self.db.attempts.find_one({"_id": attempt_id, "worker_id": worker_id}),
                     exceptions.attempt_not_found)

    def submit(self, attempt, outcome, now):
        """(the graded attempt, events): ``quiz_passed`` on the first pass only."""
        def write(session):
            graded = self.db.attempts.find_one_and_update(
                {"_id": attempt["_id"], "status": OPEN},
                {"$set": {"status": SUBMITTED, "submitted_at": now, "score": outcome.score,
                          "passed": outcome.passed, "late": outcome.late,
                          "results": outcome.results},
                 "$unset": {"current": ""}},
                return_document=ReturnDocument.AFTER, session=session)
            if graded is None:
                raise exceptions.already_submitted()
            if not (outcome.passed and self._first_pass(graded, now, session)):
                return graded, []
            return graded, self.record_events([new_event(SOURCE, "quiz_passed", {
                "worker_id": graded["worker_id"], "quiz_id": graded["quiz_id"],
                "quiz_title": graded["quiz_title"], "score": outcome.score,
                "passed_at": now}, now=now)], session)
        try:
            return self.in_transaction(write)
        except DuplicateKeyError:
            # A concurrent first pass committed between our read and insert:
            # run again, and this time the pass is there.
            return self.in_transaction(write)

    def _first_pass(self, attempt, now, session):
        result = self.db.passes.update_one(
            {"_id": pass_key(attempt["quiz_id"], attempt["worker_id"])},
            {"$setOnInsert": {"quiz_id": attempt["quiz_id"], "worker_id": attempt["worker_id"],
                              "attempt_id": attempt["_id"], "score": attempt["score"],
                              "passed_at": now}},
            upsert=True, session=session)
        return result.upserted_id is not None

    def passed_among(self, quiz_ids, worker_id):
        """The quizzes of ``quiz_ids`` the worker has passed."""
        return {p["quiz_id"] for p in self.db.passes.find(
            {"_id": {"$in": [pass_key(quiz_id, worker_id) for quiz_id in quiz_ids]}},
            {"quiz_id": 1})}

    def quiz_stats(self, quiz):
        """What staff read about one quiz (the aggregations are stats.py's)."""
        return stats.quiz_stats(self.db, quiz)

    # ---- what learning keeps from identity --------------------------------------

    def remember_worker(self, data, at, session):
        remember_worker(self.db.workers, data, at, session)
