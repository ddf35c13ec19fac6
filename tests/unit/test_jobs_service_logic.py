"""jobs' entrypoints with their dependencies replaced (no broker, no DB):
role-bound entrypoints refuse others before the store is asked, a posting
goes to the store with its terms and fee words at the time taken once, an
unchanged status change writes nothing, and the store's events are
published."""
from datetime import datetime, timedelta, timezone

import pytest
from nameko.testing.services import worker_factory

from services.jobs.config import JobsSettings
from services.jobs.service import JobsService
from shared.caller import EMPLOYER, UNION_STAFF, WORKER, Caller
from shared.errors import Conflict, Forbidden

RIDER = Caller(id="w1", roles=(WORKER,), session_id="s1")
BOSS = Caller(id="e1", roles=(WORKER, EMPLOYER), session_id="s2")
STAFF = Caller(id="s1", roles=(WORKER, UNION_STAFF), session_id="s3")
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)
COMPANY = {"_id": "c1", "name": "海盐驿通物流有限公司", "status": "verified"}
PLACE = {"address": "海盐县武原街道新桥北路150号", "district": "武原街道",
         "position": {"lat": 30.5262, "lng": 120.9433, "system": "gcj02"}}


def job_body(**fields):
    body = {"title": "快递员", "description": "负责城区派送,每件1.2元,月结,提供电动车充电。",
            "skills": ["ebike"], "occupations": ["courier"], "place": PLACE,
            "shift": "full_time", "headcount": 2,
            "closes_at": (NOW + timedelta(days=30)).isoformat(),
            "pay": {"unit": "piece", "min_fen": 120, "max_fen": 150, "settlement": "monthly"},
            "no_fee_pledge": True}
    body.update(fields)
    return body


@pytest.fixture(autouse=True)
def clock_at_now(monkeypatch):
    monkeypatch.setattr("services.jobs.service.utcnow", lambda: NOW)


def service(caller=RIDER):
    return worker_factory(JobsService, caller=caller,
                          settings=JobsSettings(reply_days=7))


@pytest.mark.parametrize("call", [
    lambda svc: svc.list_employers({}),
    lambda svc: svc.decide_employer("c1", {"decision": "verified"}),
    lambda svc: svc.list_lapsing_employers(),
    lambda svc: svc.list_jobs_for_review({}),
    lambda svc: svc.decide_job("j1", {"decision": "approve"}),
    lambda svc: svc.take_down_job("j1", {"reason": "虚假"}),
    lambda svc: svc.list_job_reports({}),
    lambda svc: svc.dismiss_job_report("r1"),
])
def test_staff_entrypoints_refuse_an_employer_before_the_store_is_asked(call):
    svc = service(BOSS)
    with pytest.raises(Forbidden):
        call(svc)
    assert svc.store.method_calls == []


@pytest.mark.parametrize("call", [
    lambda svc: svc.register_employer({}),
    lambda svc: svc.post_job(job_body()),
    lambda svc: svc.close_job("j1"),
    lambda svc: svc.list_job_applications("j1", {}),
    lambda svc: svc.change_application_status("j1", "a1", {"status": "viewed"}),
])
def test_employer_entrypoints_refuse_a_worker_before_the_store_is_asked(call):
    svc = service(RIDER)
    with pytest.raises(Forbidden):
        call(svc)
    assert svc.store.get_posting.call_count == svc.store.employer_of.call_count == 0


def test_a_posting_is_stored_with_its_terms_and_fee_words_at_now():
    svc = service(BOSS)
    svc.store.employer_of.return_value = COMPANY
    stored = {}

    def post(fields, employer, terms, fee_words, now):
        stored.update(terms=terms, fee_words=fee_words, now=now)
        posting = dict(fields, _id="j1", employer_id="c1", employer_name=employer["name"],
                       hired=0, status="pending_review", fee_words=fee_words,
                       posted_at=now, closed_reason=None,
                       place=dict(PLACE, positions={"wgs84": {"lat": 30.52, "lng": 120.94}}))
        return posting, ["the event"]
    svc.store.post_job.side_effect = post
    answer = svc.post_job(job_body(description="配电动车,需交押金500元,离职退还,每单7元。"))
    assert stored["now"] == NOW and stored["fee_words"] == ["押金"]
    assert {"快递员", "kdy", "电动车", "物流", "武原"} <= set(stored["terms"])
    svc.relay.publish.assert_called_once_with(["the event"])
    svc.catalog.refresh.assert_called_once_with(force=True)
    assert answer["job_id"] == "j1" and answer["pay"]["text"] == "每件 1.2–1.5 元,月结"


def test_an_unverified_employer_is_refused_before_anything_is_written():
    svc = service(BOSS)
    svc.store.employer_of.return_value = dict(COMPANY, status="pending")
    with pytest.raises(Forbidden) as refused:
        svc.post_job(job_body())
    assert refused.value.code == "EMPLOYER_NOT_VERIFIED"
    svc.store.post_job.assert_not_called()


def test_a_repeated_status_change_writes_nothing():
    svc = service(BOSS)
    svc.store.get_posting.return_value = {"_id": "j1", "employer_id": "c1"}
    svc.store.employer_if_any.return_value = COMPANY
    svc.store.get_application.return_value = {
        "_id": "a1", "job_id": "j1", "status": "viewed", "phone": "13800000002",
        "history": [], "worker_id": "w1"}
    answer = svc.change_application_status("j1", "a1", {"status": "viewed"})
    assert answer["status"] == "viewed" and answer["phone"] == "138****0002"
    svc.store.move_application.assert_not_called()
    svc.relay.publish.assert_not_called()


def test_another_companys_posting_is_refused():
    svc = service(BOSS)
    svc.store.get_posting.return_value = {"_id": "j1", "employer_id": "someone-else"}
    svc.store.employer_if_any.return_value = COMPANY
    with pytest.raises(Forbidden) as refused:
        svc.close_job("j1")
    assert refused.value.code == "NOT_YOUR_JOB"
    svc.store.close_job.assert_not_called()


def test_a_closed_posting_takes_no_application_and_identity_is_not_asked():
    svc = service(RIDER)
    svc.store.get_posting.return_value = {"_id": "j1", "status": "closed", "hired": 0,
                                          "headcount": 2, "closes_at": NOW + timedelta(days=1)}
    with pytest.raises(Conflict) as refused:
        svc.apply_for_job("j1", {})
    assert refused.value.code == "JOB_CLOSED"
    svc.calls.call.assert_not_called()
    svc.store.apply.assert_not_called()
