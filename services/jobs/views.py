"""What callers see: employers, postings (pay said as it is paid, the place
in the caller's coordinate system), applications (the phone masked from the
employer until they shortlist), reports."""
from services.jobs import rules
from services.jobs.schemas import (
    APPLICATION_STATUSES, PAY_UNITS, REJECTION_REASONS, SETTLEMENTS)
from shared.domain import china_time

# 盐工学堂: the union's training classes (courses), as a worker shows them.
SCHOOL = "盐工学堂"
# How much of a description a list of results shows.
EXCERPT_CHARS = 40


def employer(doc):
    return dict(doc, employer_id=doc["_id"],
                position=dict(doc["positions"]["gcj02"], system="gcj02"))


def yuan(fen):
    """6.5 for 650 fen, 8 for 800: no trailing zeros."""
    return "{:.2f}".format(fen / 100).rstrip("0").rstrip(".")


def pay(pay_doc):
    amount = yuan(pay_doc["min_fen"])
    if pay_doc["max_fen"] != pay_doc["min_fen"]:
        amount += "–" + yuan(pay_doc["max_fen"])
    text = "{} {} 元,{}".format(PAY_UNITS[pay_doc["unit"]], amount,
                               SETTLEMENTS[pay_doc["settlement"]])
    return dict(pay_doc, text=text)


def metres(distance_m):
    return None if distance_m is None else round(distance_m)


def shown(doc, system, distance_m):
    """What a posting's views add to the stored posting."""
    place = doc["place"]
    return {"job_id": doc["_id"], "pay": pay(doc["pay"]), "distance_m": metres(distance_m),
            "excerpt": doc["description"][:EXCERPT_CHARS],
            "employer": {"employer_id": doc["employer_id"], "name": doc["employer_name"],
                         "verified": True},  # only a verified employer posts
            "place": {"address": place["address"], "district": place["district"],
                      "position": dict(place["positions"][system], system=system)}}


def posting(doc, system, distance_m=None):
    return dict(doc, **shown(doc, system, distance_m))


# ---- the search's answers, built directly ---------------------------------------
# A page of the search is what schemas.SearchPage dumps, but built here:
# marshmallow dumping 20 postings took half of a search's time in the service
# (0.84 of 1.7 ms, measured in-process over 10,000 postings), as it had for
# stations. tests/unit/test_jobs_views.py holds it equal to the schema's dump.

SUMMARY_FIELDS = ("title", "skills", "occupations", "shift", "headcount", "hired")


def found_answer(doc, system, distance_m):
    """One posting of a search's answer (schemas.PostingSummary)."""
    answer = {field: doc[field] for field in SUMMARY_FIELDS}
    answer.update(shown(doc, system, distance_m), posted_at=doc["posted_at"].isoformat(),
                  closes_at=doc["closes_at"].isoformat())
    return answer


def search_answer(params, found, total):
    """schemas.SearchPage: ``found`` is the search's [(distance_m, posting)]."""
    return {"page": params["page"], "per_page": params["per_page"], "total": total,
            "items": [found_answer(doc, params["system"], distance)
                      for distance, doc in found]}


def vouched(attended):
    """The classes a worker finished, as they show on an application."""
    return [{"class_id": a["class_id"], "title": a["title"] or a["category"],
             "attended_at": a["attended_at"],
             "text": "{}「{}」{} 结业".format(SCHOOL, a["title"] or a["category"],
                                           china_time(a["attended_at"]).strftime("%Y-%m"))}
            for a in attended]


def application(doc, owner):
    """``owner``: the worker's own view, phone in full; the employer sees it
    masked until they shortlist."""
    phone = doc["phone"] if owner else rules.phone_shown(doc)
    history = [dict(entry, reason_label=REJECTION_REASONS.get(entry["reason"]))
               for entry in doc["history"]]
    return dict(doc, application_id=doc["_id"], phone=phone, history=history,
                status_label=APPLICATION_STATUSES[doc["status"]])


def report(doc, posting_doc):
    return dict(doc, report_id=doc["_id"], title=posting_doc["title"])


def lapsing(rows, names):
    return [{"employer_id": row["_id"], "name": names.get(row["_id"], ""),
             "applications": row["applications"], "no_reply": row["no_reply"],
             "no_reply_share": round(row["no_reply"] / row["applications"], 3)}
            for row in rows]
