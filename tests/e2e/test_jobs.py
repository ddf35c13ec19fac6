"""驿路共富 through the gateway with every process running: a posting closes
at its closing date and when its headcount is hired, and then takes no
application and leaves the search at once; a report reaches staff, who take
the posting down, and its applicants are told; an application nobody answers
is marked "no reply" by the sweep and its employer shows among those who let
applications lapse; bad input gets a 4xx with a code and writes nothing.

The e2e system is shared by the whole session (and its demo-free data by
every test), so each test's postings carry a word of their own to search by."""
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.e2e.conftest import assert_error
from tests.support.broker import wait_for
from tests.support.employers import a_credit_code

HERE = {"lat": 30.5262, "lng": 120.9433, "system": "gcj02"}


def in_seconds(seconds):
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).isoformat()


def a_word():
    """A latin word the search keeps whole (lower case)."""
    return "w" + uuid.uuid4().hex[:8]


def job_body(word, **fields):
    body = {"title": "快递员 " + word, "description": "负责城区快递派送,每件1.2至1.5元,月结。",
            "skills": ["ebike"], "occupations": ["courier"],
            "place": {"address": "海盐县武原街道新桥北路150号", "district": "武原街道",
                      "position": HERE},
            "shift": "full_time", "headcount": 3, "closes_at": in_seconds(30 * 86400),
            "pay": {"unit": "piece", "min_fen": 120, "max_fen": 150, "settlement": "monthly"},
            "no_fee_pledge": True}
    body.update(fields)
    return body


@pytest.fixture
def employer(api, staff, with_role):
    """A new employer whose company staff verified."""
    worker = with_role("employer")
    registered = api.post("/api/v1/employers", headers=worker.headers, json={
        "name": "海盐测试物流有限公司", "credit_code": a_credit_code(),
        "contact": {"name": "沈建明", "phone": worker.body["phone"]},
        "address": "海盐县武原街道朝阳东路88号", "district": "武原街道", "position": HERE})
    assert registered.status_code == 201, registered.text
    decided = api.post("/api/v1/employers/{}/decision".format(registered.json()["employer_id"]),
                       headers=staff, json={"decision": "verified"})
    assert decided.status_code == 200, decided.text
    return worker


@pytest.fixture
def post_job(api, employer):
    def post(word, **fields):
        made = api.post("/api/v1/jobs", headers=employer.headers, json=job_body(word, **fields))
        assert made.status_code == 201, made.text
        return made.json()
    return post


def found(api, headers, word):
    answer = api.get("/api/v1/jobs", headers=headers, params={"q": word})
    assert answer.status_code == 200, answer.text
    return [job["job_id"] for job in answer.json()["items"]]


def apply(api, worker, job):
    return api.post("/api/v1/jobs/{}/applications".format(job["job_id"]),
                    headers=worker.headers, json={"note": "想试试"})


def move(api, employer, job, application, status, reason=None):
    body = {"status": status} if reason is None else {"status": status, "reason": reason}
    return api.post("/api/v1/jobs/{}/applications/{}/status".format(
        job["job_id"], application["application_id"]), headers=employer.headers, json=body)


def test_a_posting_closes_at_its_closing_date(api, new_worker, employer, post_job):
    word = a_word()
    job = post_job(word, closes_at=in_seconds(4))
    rider = new_worker()
    assert found(api, rider.headers, word) == [job["job_id"]]
    assert apply(api, rider, job).status_code == 201
    time.sleep(max(0.0, (datetime.fromisoformat(job["closes_at"])
                         - datetime.now(timezone.utc)).total_seconds()) + 0.2)
    # At once, before the sweep has written anything:
    assert found(api, rider.headers, word) == []
    assert_error(apply(api, new_worker(), job), 409, "JOB_CLOSED")
    # and the sweep closes it for its date (job_closed).
    wait_for(lambda: api.get("/api/v1/jobs/" + job["job_id"], headers=employer.headers)
             .json()["closed_reason"] == "closing_date", what="the sweep to close it")


def test_hiring_the_headcount_closes_the_posting(api, new_worker, employer, post_job):
    word = a_word()
    job = post_job(word, headcount=1)
    first, second = new_worker(), new_worker()
    application = apply(api, first, job).json()
    again = apply(api, first, job)
    assert again.status_code == 200 and again.json()["application_id"] == \
        application["application_id"]
    assert move(api, employer, job, application, "shortlisted").json()["phone"] == \
        first.body["phone"]
    assert move(api, employer, job, application, "hired").status_code == 200
    assert found(api, second.headers, word) == []
    assert_error(apply(api, second, job), 409, "JOB_CLOSED")
    mine = api.get("/api/v1/me/applications", headers=first.headers).json()["items"]
    assert [entry["status"] for entry in mine[0]["history"]] == \
        ["submitted", "shortlisted", "hired"]


def test_a_reported_posting_is_taken_down_and_its_applicants_told(
        api, staff, new_worker, post_job):
    word = a_word()
    job = post_job(word)
    applicant, reporter = new_worker(), new_worker()
    assert apply(api, applicant, job).status_code == 201
    reported = api.post("/api/v1/jobs/{}/reports".format(job["job_id"]),
                        headers=reporter.headers,
                        json={"kind": "asks_money", "detail": "电话里让先交服装费"})
    assert reported.status_code == 201, reported.text
    queue = api.get("/api/v1/job-reports", headers=staff, params={"per_page": 100}).json()
    assert reported.json()["report_id"] in [r["report_id"] for r in queue["items"]]
    down = api.post("/api/v1/jobs/{}/takedown".format(job["job_id"]), headers=staff,
                    json={"reason": "向求职者收取服装费"})
    assert down.status_code == 200 and down.json()["status"] == "taken_down"
    assert found(api, applicant.headers, word) == []
    (told,) = api.get("/api/v1/me/applications", headers=applicant.headers).json()["items"]
    assert told["status"] == "job_taken_down" and told["status_label"] == "岗位已下架"


def test_an_unanswered_application_lapses_and_staff_see_the_employer(
        api, staff, new_worker, employer, post_job, e2e_databases):
    job = post_job(a_word())
    workers = [new_worker() for _ in range(3)]
    for worker in workers:
        answer = apply(api, worker, job).json()
        lapses_in = datetime.fromisoformat(answer["lapses_at"]) - datetime.now(timezone.utc)
        assert timedelta(days=6.9) < lapses_in <= timedelta(days=7)
    # A week later: the reply window's end moved to now, for the sweep to find.
    e2e_databases("jobs").applications.update_many(
        {"job_id": job["job_id"]}, {"$set": {"lapses_at": datetime.now(timezone.utc)}})

    def status_of(worker):
        return api.get("/api/v1/me/applications", headers=worker.headers).json()[
            "items"][0]["status"]
    wait_for(lambda: all(status_of(w) == "no_reply" for w in workers), timeout=20,
             what="the sweep to mark the applications no reply")
    lapsing = api.get("/api/v1/employers/lapsing", headers=staff).json()["items"]
    mine = api.get("/api/v1/employers/mine", headers=employer.headers).json()
    (row,) = [r for r in lapsing if r["employer_id"] == mine["employer_id"]]
    assert (row["applications"], row["no_reply"]) == (3, 3)


# ---- bad input ---------------------------------------------------------------------

def test_a_wrong_credit_code_is_refused_with_what_is_wrong(api, with_role, nothing_written):
    worker = with_role("employer")
    code = a_credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    body = {"name": "海盐测试物流有限公司", "credit_code": wrong,
            "contact": {"name": "沈建明", "phone": worker.body["phone"]},
            "address": "海盐县武原街道朝阳东路88号", "district": "武原街道", "position": HERE}
    with nothing_written():
        refused = assert_error(api.post("/api/v1/employers", headers=worker.headers,
                                        json=body), 422, "VALIDATION_FAILED")
        short = assert_error(api.post("/api/v1/employers", headers=worker.headers,
                                      json=dict(body, credit_code=code[:12])),
                             422, "VALIDATION_FAILED")
    assert "校验码" in refused["details"]["credit_code"][0]
    assert "18位" in short["details"]["credit_code"][0]


@pytest.mark.parametrize("query, field", [
    ({"min_pay_fen": 500}, "pay_unit"),
    ({"sort": "pay"}, "pay_unit"),
    ({"sort": "distance"}, "lat"),
    ({"lat": 30.5}, "lat"),
    ({"pay_unit": "week"}, "pay_unit"),
    ({"district": "杭州"}, "district"),
])
def test_a_search_filter_that_cannot_be_honoured_is_refused(api, new_worker, query, field):
    body = assert_error(api.get("/api/v1/jobs", headers=new_worker().headers, params=query),
                        422, "VALIDATION_FAILED")
    assert field in body["details"], body


def test_bad_postings_are_refused_and_nothing_is_written(api, employer, nothing_written):
    word = a_word()
    cases = [
        (job_body(word, no_fee_pledge=False), 422, "VALIDATION_FAILED"),
        (job_body(word, pay={"unit": "order", "min_fen": 900, "max_fen": 600,
                             "settlement": "daily"}), 422, "VALIDATION_FAILED"),
        (job_body(word, closes_at=in_seconds(-60)), 409, "CLOSING_DATE_PASSED"),
        (job_body(word, closes_at=in_seconds(200 * 86400)), 409, "CLOSING_DATE_TOO_LATE"),
        (job_body(word, headcount=0), 422, "VALIDATION_FAILED"),
        (job_body(word, skills=["juggling"]), 422, "VALIDATION_FAILED"),
    ]
    with nothing_written():
        for body, status, code in cases:
            assert_error(api.post("/api/v1/jobs", headers=employer.headers, json=body),
                         status, code)


def test_a_worker_may_not_post_or_review(api, new_worker, staff, post_job, nothing_written):
    job = post_job(a_word())
    worker = new_worker()
    with nothing_written():
        assert_error(api.post("/api/v1/jobs", headers=worker.headers, json=job_body("x")),
                     403, "FORBIDDEN")
        assert_error(api.post("/api/v1/jobs/{}/takedown".format(job["job_id"]),
                              headers=worker.headers, json={"reason": "x"}),
                     403, "FORBIDDEN")
        assert_error(api.post("/api/v1/jobs/{}/applications".format("nope"),
                              headers=worker.headers, json={}), 404, "JOB_NOT_FOUND")
