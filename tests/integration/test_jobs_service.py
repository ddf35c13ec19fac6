"""jobs over real RabbitMQ and the embedded MongoDB: employers verified by
staff, postings live or held for review, the search over each instance's
copy, applications once per posting, the employer's moves with the phone
masked until shortlisted, the last hire closing a posting (two racing for
it), the reply window, take-downs and reports, and the classes a worker may
attach, from courses' events."""
from datetime import datetime, timedelta, timezone

import pytest

from services.jobs.service import JobsService
from shared.caller import EMPLOYER, WORKER, Caller
from shared.clock import utcnow
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.broker import wait_for
from tests.support.callers import worker
from tests.support.concurrency import run_together
from tests.support.times import at

SERVICE = JobsService
# The sweep is called by the tests with a time of their choosing.
SERVICE_CONFIG = {"CATALOG_REFRESH_SECONDS": 0, "APPLICATION_REPLY_DAYS": 7,
                  "JOBS_SWEEP_SECONDS": 3600}
WUYUAN = {"lat": 30.5262, "lng": 120.9433, "system": "gcj02"}


def employer_caller(name=None):
    base = worker(name)
    return Caller(id=base.id, roles=(WORKER, EMPLOYER), session_id="s")


def company_body(**fields):
    body = {"name": "海盐驿通物流有限公司", "credit_code": "91330424YLGF00015R",
            "contact": {"name": "沈建明", "phone": "13800000101"},
            "address": "海盐县武原街道朝阳东路88号", "district": "武原街道", "position": WUYUAN}
    body.update(fields)
    return body


def job_body(**fields):
    body = {"title": "快递员(武原网点)",
            "description": "负责武原城区快递派送,每件1.2至1.5元,月结,提供电动车充电。",
            "skills": ["ebike"], "occupations": ["courier"],
            "place": {"address": "海盐县武原街道新桥北路150号", "district": "武原街道",
                      "position": WUYUAN},
            "shift": "full_time", "headcount": 2, "closes_at": at(days=20),
            "pay": {"unit": "piece", "min_fen": 120, "max_fen": 150, "settlement": "monthly"},
            "no_fee_pledge": True}
    body.update(fields)
    return body


@pytest.fixture
def employer(rpc_as, as_staff, service):
    """An employer whose company is registered and verified."""
    me = employer_caller()
    company = rpc_as(me).jobs.register_employer(company_body())
    as_staff.decide_employer(company["employer_id"], {"decision": "verified"})
    return me


@pytest.fixture
def verified_employer(employer, rpc_as):
    """The verified employer's jobs proxy."""
    return rpc_as(employer).jobs


@pytest.fixture
def applicant(identity, logged_in, rpc_as):
    """A registered worker (identity answers their profile), their jobs proxy."""
    def make(**overrides):
        profile, _tokens, me = logged_in(**overrides)
        return profile, rpc_as(me).jobs
    return make


# ---- employers ----------------------------------------------------------------------------

def test_an_employer_posts_only_once_verified(rpc_as, as_staff, service, store):
    jobs = rpc_as(employer_caller()).jobs
    company = jobs.register_employer(company_body(credit_code=" 91330424ylgf00015r "))
    assert company["status"] == "pending" and company["credit_code"] == "91330424YLGF00015R"
    with pytest.raises(Forbidden) as unverified:
        jobs.post_job(job_body())
    assert unverified.value.code == "EMPLOYER_NOT_VERIFIED"
    verified = as_staff.decide_employer(company["employer_id"], {"decision": "verified"})
    assert verified["status"] == "verified"
    assert store.db.outbox.count_documents({"type": "employer_verified"}) == 1
    with pytest.raises(Conflict):
        as_staff.decide_employer(company["employer_id"], {"decision": "rejected",
                                                          "reason": "再审"})
    assert jobs.post_job(job_body())["status"] == "open"


def test_a_credit_code_is_registered_once_and_checked(rpc_as, service):
    rpc_as(employer_caller()).jobs.register_employer(company_body())
    with pytest.raises(Conflict) as taken:
        rpc_as(employer_caller()).jobs.register_employer(company_body())
    assert taken.value.code == "CREDIT_CODE_TAKEN"
    with pytest.raises(InvalidInput) as wrong:
        rpc_as(employer_caller()).jobs.register_employer(
            company_body(credit_code="91330424YLGF00015A"))
    assert "校验码" in wrong.value.details["credit_code"][0]


def test_only_an_employer_registers_a_company(rpc_as, service):
    with pytest.raises(Forbidden):
        rpc_as(worker()).jobs.register_employer(company_body())


# ---- postings and the search -----------------------------------------------------------

def test_a_fee_word_holds_a_posting_for_review_until_staff_approve(
        verified_employer, as_staff, rpc_as):
    held = verified_employer.post_job(job_body(
        title="外卖骑手(可配车)", description="公司配电动车,需交押金500元,离职退还。"))
    assert held["status"] == "pending_review" and held["fee_words"] == ["押金"]
    found = rpc_as(worker()).jobs.search_jobs({"q": "外卖骑手"})
    assert found["total"] == 0
    with pytest.raises(NotFound):  # to a worker it does not exist yet
        rpc_as(worker()).jobs.get_job(held["job_id"], {})
    pending = as_staff.list_jobs_for_review({})
    assert [job["job_id"] for job in pending["items"]] == [held["job_id"]]
    as_staff.decide_job(held["job_id"], {"decision": "approve"})
    assert rpc_as(worker()).jobs.search_jobs({"q": "wmqs"})["total"] == 1


def test_the_search_finds_by_words_and_initials_and_orders_by_distance(
        verified_employer, rpc_as):
    near = verified_employer.post_job(job_body())
    far = verified_employer.post_job(job_body(
        title="快递分拣员(秦山)", occupations=[], place={"address": "海盐县秦山街道秦山路398号",
                                    "district": "秦山街道",
                                    "position": {"lat": 30.4553, "lng": 120.9268,
                                                 "system": "gcj02"}}))
    verified_employer.post_job(job_body(title="超市收银员", skills=["cashier"], occupations=[],
                                        description="负责收银和理货,每小时24元,周结。",
                                        pay={"unit": "hour", "min_fen": 2400,
                                             "max_fen": 2400, "settlement": "weekly"}))
    search = rpc_as(worker()).jobs.search_jobs
    by_distance = search({"q": "快递", "sort": "distance", "lat": 30.4553, "lng": 120.9268,
                          "system": "gcj02"})
    assert [job["job_id"] for job in by_distance["items"]] == [far["job_id"], near["job_id"]]
    assert by_distance["items"][0]["distance_m"] < 50
    assert {job["job_id"] for job in search({"q": "kdy"})["items"]} == {near["job_id"]}
    hourly = search({"pay_unit": "hour", "min_pay_fen": 2000})
    assert [job["title"] for job in hourly["items"]] == ["超市收银员"]
    assert hourly["items"][0]["pay"]["text"] == "每小时 24 元,周结"


def test_a_filter_that_cannot_be_honoured_is_refused(service, rpc_as):
    search = rpc_as(worker()).jobs.search_jobs
    for query in ({"min_pay_fen": 500}, {"sort": "pay"}, {"sort": "distance"},
                  {"lat": 30.5}, {"radius_m": 1000}):
        with pytest.raises(InvalidInput):
            search(query)


def test_a_closed_posting_leaves_the_search_and_takes_no_application(
        verified_employer, applicant, rpc_as):
    job = verified_employer.post_job(job_body())
    _profile, jobs = applicant()
    verified_employer.close_job(job["job_id"])
    assert rpc_as(worker()).jobs.search_jobs({"q": "快递员"})["total"] == 0
    with pytest.raises(Conflict) as closed:
        jobs.apply_for_job(job["job_id"], {})
    assert closed.value.code == "JOB_CLOSED"


def test_the_sweep_closes_a_posting_at_its_closing_date(verified_employer, store, rpc_as):
    job = verified_employer.post_job(job_body(closes_at=at(hours=1)))
    events = store.close_overdue(utcnow() + timedelta(hours=2))
    assert [event["type"] for event in events] == ["job_closed"]
    assert store.get_posting(job["job_id"])["closed_reason"] == "closing_date"
    assert store.close_overdue(utcnow() + timedelta(hours=3)) == []


# ---- applications ----------------------------------------------------------------------

def test_a_worker_applies_once_and_the_employer_sees_the_phone_once_shortlisted(
        verified_employer, applicant, store):
    job = verified_employer.post_job(job_body())
    profile, jobs = applicant(name="林家浩")
    first = jobs.apply_for_job(job["job_id"], {"note": "有三年快递经验"})
    again = jobs.apply_for_job(job["job_id"], {"note": "再投一次"})
    assert (first["repeated"], again["repeated"]) == (False, True)
    assert again["application_id"] == first["application_id"] and again["note"] == "有三年快递经验"
    assert store.db.applications.count_documents({"job_id": job["job_id"]}) == 1
    seen = verified_employer.list_job_applications(job["job_id"], {})["items"][0]
    assert seen["phone"] == profile["phone"][:3] + "****" + profile["phone"][-4:]
    assert seen["name"] == "林家浩"
    moved = verified_employer.change_application_status(
        job["job_id"], first["application_id"], {"status": "shortlisted"})
    assert moved["phone"] == profile["phone"]
    mine = jobs.list_my_applications({})["items"][0]
    assert [entry["status"] for entry in mine["history"]] == ["submitted", "shortlisted"]
    assert store.db.outbox.count_documents({"type": "application_status_changed"}) == 1


def test_a_rejection_needs_a_reason_from_the_list(verified_employer, applicant):
    job = verified_employer.post_job(job_body())
    _profile, jobs = applicant()
    mine = jobs.apply_for_job(job["job_id"], {})
    move = verified_employer.change_application_status
    with pytest.raises(Conflict) as no_reason:
        move(job["job_id"], mine["application_id"], {"status": "rejected"})
    assert no_reason.value.code == "STATUS_CHANGE_REFUSED"
    with pytest.raises(Conflict):  # nobody is hired unspoken to
        move(job["job_id"], mine["application_id"], {"status": "hired"})
    rejected = move(job["job_id"], mine["application_id"],
                    {"status": "rejected", "reason": "schedule_mismatch"})
    assert rejected["history"][-1]["reason_label"] == "工作时间不合适"


def test_another_employer_cannot_touch_the_applications(verified_employer, applicant,
                                                        rpc_as, as_staff):
    job = verified_employer.post_job(job_body())
    other = rpc_as(employer_caller()).jobs
    company = other.register_employer(company_body(credit_code="91330424YLGF00023L"))
    as_staff.decide_employer(company["employer_id"], {"decision": "verified"})
    with pytest.raises(Forbidden) as refused:
        other.list_job_applications(job["job_id"], {})
    assert refused.value.code == "NOT_YOUR_JOB"


def test_two_hires_racing_for_the_last_place_cannot_both_succeed(
        employer, verified_employer, applicant, store, rpc_as):
    job = verified_employer.post_job(job_body(headcount=1))
    applications = []
    for _ in range(3):
        _profile, jobs = applicant()
        applications.append(jobs.apply_for_job(job["job_id"], {}))
    for application in applications:
        verified_employer.change_application_status(
            job["job_id"], application["application_id"], {"status": "shortlisted"})

    proxies = [rpc_as(employer).jobs for _ in applications]  # one each: calls at once
    outcomes = run_together([
        lambda jobs=jobs, a=a: jobs.change_application_status(
            job["job_id"], a["application_id"], {"status": "hired"})["status"]
        for jobs, a in zip(proxies, applications)])
    assert sorted(outcomes).count("hired") == 1, outcomes
    posting = store.get_posting(job["job_id"])
    assert (posting["hired"], posting["status"], posting["closed_reason"]) == \
        (1, "closed", "headcount")


def test_an_unanswered_application_becomes_no_reply_and_the_employer_is_listed(
        verified_employer, applicant, store, as_staff):
    job = verified_employer.post_job(job_body(headcount=5))
    for _ in range(3):
        _profile, jobs = applicant()
        jobs.apply_for_job(job["job_id"], {})
    events = store.lapse_overdue(utcnow() + timedelta(days=8))
    assert [e["data"]["status"] for e in events] == ["no_reply"] * 3
    assert store.lapse_overdue(utcnow() + timedelta(days=9)) == []
    (row,) = as_staff.list_lapsing_employers()["items"]
    assert (row["applications"], row["no_reply"], row["no_reply_share"]) == (3, 3, 1.0)


def test_a_take_down_tells_every_applicant_and_handles_the_reports(
        verified_employer, applicant, as_staff, rpc_as, store):
    job = verified_employer.post_job(job_body())
    profile, jobs = applicant()
    mine = jobs.apply_for_job(job["job_id"], {})
    report = rpc_as(worker()).jobs.report_job(job["job_id"], {"kind": "asks_money",
                                                              "detail": "电话里要交服装费"})
    assert [r["report_id"] for r in as_staff.list_job_reports({})["items"]] == \
        [report["report_id"]]
    as_staff.take_down_job(job["job_id"], {"reason": "向求职者收取服装费"})
    (told,) = jobs.list_my_applications({})["items"]
    assert told["application_id"] == mine["application_id"]
    assert told["status"] == "job_taken_down"
    assert as_staff.list_job_reports({})["total"] == 0
    taken_down = store.db.outbox.find_one({"type": "job_taken_down"})["envelope"]
    assert taken_down["data"]["worker_ids"] == [profile["id"]]


def test_a_worker_reports_a_posting_once_while_staff_look_at_it(verified_employer, rpc_as):
    job = verified_employer.post_job(job_body())
    me = rpc_as(worker()).jobs
    me.report_job(job["job_id"], {"kind": "fake"})
    with pytest.raises(Conflict) as again:
        me.report_job(job["job_id"], {"kind": "pay_differs"})
    assert again.value.code == "ALREADY_REPORTED"


def test_the_classes_a_worker_attended_are_shown_on_an_application_they_choose(
        verified_employer, applicant, publish, store):
    job = verified_employer.post_job(job_body())
    profile, jobs = applicant()
    publish("courses", "class_attended", {
        "class_id": "c-law", "title": "法律小讲堂", "worker_id": profile["id"],
        "category": "law", "hours": 1.5,
        "attended_at": datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)})
    wait_for(lambda: store.attended_by(profile["id"]), what="the attended class")
    mine = jobs.apply_for_job(job["job_id"], {"attach_skills": True})
    assert [v["text"] for v in mine["vouched"]] == ["盐工学堂「法律小讲堂」2026-11 结业"]
