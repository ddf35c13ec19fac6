"""What callers see: employers, postings (pay said as it is paid, the place
in the caller's coordinate system), applications (the phone masked from the
employer until they shortlist), reports."""
from services.jobs import rules
from services.jobs.schemas import (
    APPLICATION_STATUSES, PAY_UNITS, REJECTION_REASONS, SETTLEMENTS)
from shared.domain import china_time, mask_phone

# 盐工学堂: the union's training classes (courses), as a worker shows them.
SCHOOL = "盐工学堂"


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
    return dict(pay_doc, unit_label=PAY_UNITS[pay_doc["unit"]],
                settlement_label=SETTLEMENTS[pay_doc["settlement"]], text=text)


def posting(doc, system, distance_m=None):
    place = doc["place"]
    return dict(doc, job_id=doc["_id"], pay=pay(doc["pay"]), distance_m=distance_m,
                employer={"employer_id": doc["employer_id"], "name": doc["employer_name"],
                          "verified": True},  # only a verified employer posts
                place={"address": place["address"], "district": place["district"],
                       "position": dict(place["positions"][system], system=system)})


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
    shown = doc["phone"] if owner or rules.phone_unmasked(doc["status"]) \
        else mask_phone(doc["phone"])
    history = [dict(entry, reason_label=REJECTION_REASONS.get(entry["reason"]))
               for entry in doc["history"]]
    return dict(doc, application_id=doc["_id"], phone=shown, history=history,
                status_label=APPLICATION_STATUSES[doc["status"]])


def report(doc, posting_doc):
    return dict(doc, report_id=doc["_id"], title=posting_doc["title"])


def lapsing(rows, names):
    return [{"employer_id": row["_id"], "name": names.get(row["_id"], ""),
             "applications": row["applications"], "no_reply": row["no_reply"],
             "no_reply_share": round(row["no_reply"] / row["applications"], 3)}
            for row in rows]
