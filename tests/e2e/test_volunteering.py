"""志愿先锋 through the gateway with every process running: a worker signs up
with the contact of their profile, the organizer confirms the hours, the
ledger turns them into "志愿服务 2.5 小时(…) +25" once however often they
are confirmed, the worker downloads a signed certificate and anyone checks
it without an account; staff see the hours waiting in every activity (a
worker may not); bad input gets a 4xx with a code and writes nothing."""
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.e2e.conftest import assert_error
from tests.support.broker import wait_for
from tests.support.times import at

RULES = [{"code": "volunteer_hours_confirmed", "label": "志愿服务", "points": 10,
          "unit": "hour"}]
VENUE = {"name": "海盐武原城市红色驿站", "address": "海盐县武原街道", "district": "武原街道"}


def activity_body(**fields):
    # A title none of the demo's activities has: the demo test shares this system.
    body = {"title": "骑手头盔发放", "description": "为骑手发放安全头盔", "venue": VENUE,
            "signup_closes_at": at(hours=20),
            "shifts": [{"starts_at": at(hours=48), "ends_at": at(hours=50), "places": 3}]}
    body.update(fields)
    return body


def shift_over(databases, activity):
    """The days pass: the shift ended an hour ago (only its times move)."""
    db = databases("volunteering")
    start = datetime.now(timezone.utc) - timedelta(hours=3.5)
    end = start + timedelta(hours=2.5)
    shift_id = activity["shifts"][0]["shift_id"]
    db.activities.update_one({"_id": activity["activity_id"], "shifts.shift_id": shift_id},
                             {"$set": {"shifts.$.starts_at": start, "shifts.$.ends_at": end,
                                       "first_starts_at": start, "last_ends_at": end}})
    db.places.update_many({"shift_id": shift_id}, {"$set": {"starts_at": start,
                                                            "ends_at": end}})


def statement_lines(api, worker):
    return [item["line"] for item in
            api.get("/api/v1/me/points/entries", headers=worker.headers).json()["items"]]


def test_hours_reach_the_statement_once_and_the_certificate_verifies(
        api, staff, new_worker, e2e_databases):
    current = api.get("/api/v1/points/rules", headers=staff).json()
    saved = api.put("/api/v1/points/rules", headers=staff,
                    json={"rules": RULES, "based_on_version": current["version"]})
    assert saved.status_code == 200, saved.text
    made = api.post("/api/v1/volunteer-activities", headers=staff, json=activity_body())
    assert made.status_code == 201, made.text
    activity = made.json()
    rider = new_worker(name="赵凯锋")
    shift_id = activity["shifts"][0]["shift_id"]
    signed = api.post("/api/v1/volunteer-activities/{}/shifts/{}/signups".format(
        activity["activity_id"], shift_id), headers=rider.headers, json={})
    assert signed.status_code == 201, signed.text
    assert signed.json()["contact_name"] == "赵凯锋"
    assert rider.body["phone"] not in signed.text  # masked to the worker's own answer too

    shift_over(e2e_databases, activity)
    base = "/api/v1/volunteer-activities/" + activity["activity_id"]
    signup_id = signed.json()["signup_id"]
    adjusted = api.put(base + "/signups/{}/hours".format(signup_id), headers=staff,
                       json={"hours": 2.5, "reason": "忘记签到,组织者确认全程在场"})
    assert adjusted.status_code == 200, adjusted.text
    line = "志愿服务 2.5 小时(骑手头盔发放) +25"
    wait_for(lambda: statement_lines(api, rider) == [line], what="the statement line")

    again = api.post(base + "/hours/confirmations", headers=staff,
                     json={"signup_ids": [signup_id]})
    assert again.json() == {"confirmed": [], "unchanged": [signup_id]}
    assert_error(api.put(base + "/signups/{}/hours".format(signup_id), headers=staff,
                         json={"hours": 3, "reason": "再次"}), 409, "HOURS_ALREADY_DECIDED")
    time.sleep(1.5)  # time for a second award, were one published
    assert statement_lines(api, rider) == [line]
    mine = api.get("/api/v1/me/volunteering", headers=rider.headers).json()
    assert mine["total_hours"] == 2.5

    pdf = api.get("/api/v1/me/volunteering/certificate.pdf", headers=rider.headers)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    number = pdf.headers["Content-Disposition"].rsplit("-", 3)[-3:]
    number = "-".join(number).removesuffix(".pdf")
    checked = api.get("/api/v1/certificates/{}/verification".format(number))  # no token
    assert checked.status_code == 200, checked.text
    assert checked.json()["genuine"] is True and checked.json()["total_hours"] == 2.5


PENDING = "/api/v1/volunteer-hours/pending"


def pending_item(api, staff, signup_id):
    """The sign-up in the staff's queue of pending hours, page by page (the
    demo test shares this system), and the last page's answer."""
    for page in range(1, 50):
        answer = api.get(PENDING, headers=staff, params={"page": page, "per_page": 100})
        assert answer.status_code == 200, answer.text
        found = [item for item in answer.json()["items"] if item["signup_id"] == signup_id]
        if found or len(answer.json()["items"]) < 100:
            return (found or [None])[0], answer
    raise AssertionError("too many pending hours")


def test_staff_see_hours_waiting_after_a_check_out_and_workers_may_not(
        api, staff, new_worker):
    made = api.post("/api/v1/volunteer-activities", headers=staff, json=activity_body(
        title="骑手头盔发放(现场)", signup_closes_at=at(minutes=5),
        shifts=[{"starts_at": at(minutes=10), "ends_at": at(hours=2), "places": 3}]))
    assert made.status_code == 201, made.text
    activity = made.json()
    rider = new_worker(name="钱卫东")
    shift = "/api/v1/volunteer-activities/{}/shifts/{}".format(
        activity["activity_id"], activity["shifts"][0]["shift_id"])
    signed = api.post(shift + "/signups", headers=rider.headers, json={})
    assert signed.status_code == 201, signed.text
    signup_id = signed.json()["signup_id"]
    assert pending_item(api, staff, signup_id)[0] is None  # not before a check-out
    code = api.get("/api/v1/volunteer-activities/{}/check-in-code".format(
        activity["activity_id"]), headers=staff).json()["code"]
    for tap in ("/check-in", "/check-out"):
        answer = api.post(shift + tap, headers=rider.headers, json={"code": code})
        assert answer.status_code == 200, answer.text

    item, answer = pending_item(api, staff, signup_id)
    assert item is not None, answer.text
    assert (item["activity_id"], item["activity_title"]) == \
        (activity["activity_id"], "骑手头盔发放(现场)")
    assert (item["contact_name"], item["hours"], item["flag"]) == ("钱卫东", 0.0, None)
    assert item["checked_in_at"] and item["checked_out_at"]
    assert item["starts_at"] and item["ends_at"]
    assert {"page", "per_page", "total"} <= set(answer.json())
    assert rider.body["phone"] not in answer.text
    assert_error(api.get(PENDING, headers=rider.headers), 403, "FORBIDDEN")


@pytest.mark.parametrize("method, path, body, status, code", [
    ("POST", "/api/v1/volunteer-activities", {"title": ""}, 422, "VALIDATION_FAILED"),
    ("GET", "/api/v1/volunteer-activities/nope", None, 404, "ACTIVITY_NOT_FOUND"),
    ("POST", "/api/v1/volunteer-activities/nope/shifts/x/signups", {}, 404,
     "ACTIVITY_NOT_FOUND"),
    ("POST", "/api/v1/volunteer-activities/nope/hours/confirmations", {"signup_ids": []},
     422, "VALIDATION_FAILED"),
    ("GET", PENDING + "?per_page=0", None, 422, "VALIDATION_FAILED"),
    ("GET", PENDING + "?page=-1", None, 422, "VALIDATION_FAILED"),
    ("GET", PENDING + "?status=pending", None, 422, "VALIDATION_FAILED"),
])
def test_bad_input_is_refused_with_a_code_and_nothing_written(
        api, staff, method, path, body, status, code, nothing_written):
    with nothing_written():
        response = api.request(method, path, headers=staff, json=body)
    assert_error(response, status, code)


def test_anyone_asking_about_an_unknown_certificate_is_told_it_is_not_genuine(api):
    assert_error(api.get("/api/v1/certificates/HYZY-2026-999999/verification"), 404,
                 "CERTIFICATE_NOT_FOUND")
