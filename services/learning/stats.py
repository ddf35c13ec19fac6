"""What staff read about one quiz: how often each question is answered right,
and who took part, by district and by occupation (from learning's own copy
of identity's facts; a worker it has not heard of counts as "unknown").
The store's ``quiz_stats`` verb runs them on learning's database."""
from services.learning.scoring import SUBMITTED

UNKNOWN = "unknown"


def quiz_stats(db, quiz):
    submitted = {"quiz_id": quiz["_id"], "status": SUBMITTED}
    workers = list(db.attempts.aggregate([
        {"$match": submitted},
        {"$group": {"_id": "$worker_id", "attempts": {"$sum": 1},
                    "score_sum": {"$sum": "$score"}, "passed": {"$max": "$passed"}}},
        {"$lookup": {"from": "workers", "localField": "_id", "foreignField": "_id",
                     "as": "facts"}},
    ]))
    attempts = sum(w["attempts"] for w in workers)
    return {
        "quiz_id": quiz["_id"], "title": quiz["title"], "attempts": attempts,
        "participants": len(workers), "passed": sum(1 for w in workers if w["passed"]),
        "average_score": (round(sum(w["score_sum"] for w in workers) / attempts, 1)
                          if attempts else None),
        "questions": question_rates(db, submitted),
        "by_district": by_fact(workers, "district"),
        "by_occupation": by_fact(workers, "occupation"),
    }


def question_rates(db, submitted):
    rows = list(db.attempts.aggregate([
        {"$match": submitted},
        {"$unwind": "$results"},
        {"$group": {"_id": "$results.question_id", "answered": {"$sum": 1},
                    "correct": {"$sum": {"$cond": ["$results.correct", 1, 0]}}}},
    ]))
    texts = {q["_id"]: q for q in db.questions.find(
        {"_id": {"$in": [row["_id"] for row in rows]}}, {"text": 1, "topic": 1})}
    items = [{"question_id": row["_id"], "answered": row["answered"],
              "correct": row["correct"], "correct_rate": rate(row["correct"], row["answered"]),
              "text": texts.get(row["_id"], {}).get("text", ""),
              "topic": texts.get(row["_id"], {}).get("topic", "")} for row in rows]
    # Hardest first: what staff want to explain again.
    return sorted(items, key=lambda item: (item["correct_rate"], item["question_id"]))


def rate(part, whole):
    return round(part / whole, 3) if whole else None


def fact_of(worker, name):
    facts = worker["facts"][0] if worker["facts"] else {}
    return facts.get(name) or UNKNOWN


def by_fact(workers, name):
    """[{key, participants, passed}] by a worker fact, most participants first."""
    groups = {}
    for worker in workers:
        group = groups.setdefault(fact_of(worker, name), {"participants": 0, "passed": 0})
        group["participants"] += 1
        group["passed"] += 1 if worker["passed"] else 0
    return sorted(({"key": key, **counts} for key, counts in groups.items()),
                  key=lambda group: (-group["participants"], group["key"]))
