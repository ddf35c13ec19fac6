"""精准画像 through the gateway with every process running: a worker's own
picture and tags, the opt-out of personalised pushes, a staff push reaching
a worker's inbox (not the opted-out one's) and read there, staff's named
view with a reason the worker then sees, and a worker refused every staff
route with 403; bad input gets a 4xx with a code and writes nothing."""
import re
import uuid

import pytest

from gateway.routes.insight import ROUTES
from tests.e2e.conftest import assert_error
from tests.support.broker import wait_for

STAFF_ROUTES = [route for route in ROUTES if route.roles]


def platform_of_the_test():
    return "平台" + uuid.uuid4().hex[:8]


def my_insight(api, worker):
    response = api.get("/api/v1/me/insight", headers=worker.headers)
    assert response.status_code == 200, response.text
    return response.json()


def known(api, worker):
    """The worker's picture once insight has their registration."""
    return wait_for(lambda: my_insight(api, worker)["district"] and my_insight(api, worker),
                    what="the worker's picture")


def inbox(api, worker):
    response = api.get("/api/v1/me/notifications", headers=worker.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_worker_sees_their_own_picture_and_turns_pushes_off(api, new_worker):
    rider = new_worker(platform=platform_of_the_test())
    mine = known(api, rider)
    assert mine["district"] == rider.body["district"]
    assert mine["platform"] == rider.body["platform"] and mine["name"] is None
    assert mine["personalised_pushes"] is True and mine["looked_at"] == []
    (never,) = [tag for tag in mine["tags"] if tag["tag"] == "never_attended"]
    assert never["conditions"][0]["actual"] == 0
    assert rider.body["phone"] not in str(mine)

    off = api.put("/api/v1/me/insight/preferences", headers=rider.headers,
                  json={"personalised_pushes": False})
    assert off.status_code == 200, off.text
    assert my_insight(api, rider)["personalised_pushes"] is False
    assert_error(api.put("/api/v1/me/insight/preferences", headers=rider.headers,
                         json={"personalised_pushes": "no"}), 422, "VALIDATION_FAILED")


def test_a_staff_push_reaches_the_inbox_of_those_who_did_not_opt_out(api, staff, new_worker):
    platform = platform_of_the_test()
    reached, opted_out = new_worker(platform=platform), new_worker(platform=platform)
    for worker in (reached, opted_out):
        known(api, worker)
    api.put("/api/v1/me/insight/preferences", headers=opted_out.headers,
            json={"personalised_pushes": False})
    preview = api.post("/api/v1/insight/segments/preview", headers=staff,
                       json={"platform": platform})
    assert preview.json() == {"size": 2}, preview.text

    body = {"filters": {"platform": platform}, "kind": "notice", "title": "法律援助服务上线",
            "body": "工会法律援助,免费咨询", "link": "/help/legal-aid"}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    made = api.post("/api/v1/insight/pushes", headers=dict(staff, **key), json=body)
    assert made.status_code == 202, made.text
    again = api.post("/api/v1/insight/pushes", headers=dict(staff, **key), json=body)
    assert again.json()["push_id"] == made.json()["push_id"]
    received = wait_for(lambda: inbox(api, reached)["items"], what="the notification")
    (item,) = received
    assert (item["title"], item["link"]) == ("法律援助服务上线", "/help/legal-aid")
    assert inbox(api, reached)["unread"] == 1 and inbox(api, opted_out)["items"] == []

    read = "/api/v1/me/notifications/{}/read".format(item["notification_id"])
    assert_error(api.post(read, headers=opted_out.headers), 404, "NOTIFICATION_NOT_FOUND")
    assert api.post(read, headers=reached.headers).status_code == 200
    assert api.post(read, headers=reached.headers).status_code == 200
    assert inbox(api, reached)["unread"] == 0
    push = api.get("/api/v1/insight/pushes/" + made.json()["push_id"], headers=staff).json()
    assert (push["status"], push["audience"], push["reach"], push["reads"]) == ("sent", 1, 1, 1)


def test_staff_look_at_a_named_worker_only_with_a_reason_the_worker_sees(
        api, staff, staff_account, new_worker, nothing_written):
    rider = new_worker(platform=platform_of_the_test())
    known(api, rider)
    path = "/api/v1/insight/workers/" + rider.id
    with nothing_written():
        assert_error(api.get(path, headers=staff), 422, "VALIDATION_FAILED")
        assert_error(api.get(path, headers=staff, params={"reason": "看看"}), 422,
                     "VALIDATION_FAILED")
    seen = api.get(path, headers=staff, params={"reason": "核实困难职工帮扶申请"})
    assert seen.status_code == 200, seen.text
    assert seen.json()["name"] == rider.body["name"]
    (looked,) = my_insight(api, rider)["looked_at"]
    assert (looked["staff_id"], looked["reason"]) == (staff_account["id"], "核实困难职工帮扶申请")


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=lambda r: "{} {}".format(r.method, r.path))
def test_a_worker_calling_a_staff_route_gets_403(api, new_worker, nothing_written, route):
    rider = new_worker()
    path = re.sub(r"<(\w+)>", lambda m: "night_rider" if m[1] == "tag" else "x1", route.path)
    with nothing_written():
        response = api.request(route.method, path, headers=dict(
            rider.headers, **{"Idempotency-Key": "worker-key-01"}), json={}, params={
                "reason": "看看这个人的画像"})
        assert_error(response, 403, "FORBIDDEN")


@pytest.mark.parametrize("body, headers", [
    ({"filters": {}, "kind": "notice", "title": "t", "body": "b", "link": "http://x.cn/a"},
     {"Idempotency-Key": "bad-input-01"}),
    ({"filters": {}, "kind": "class", "title": "t", "body": "b"},
     {"Idempotency-Key": "bad-input-02"}),
    ({"filters": {}, "kind": "notice", "title": "t", "body": "b"}, {}),
    ({"filters": {"tags": ["Not A Tag"]}, "kind": "notice", "title": "t", "body": "b"},
     {"Idempotency-Key": "bad-input-03"}),
])
def test_bad_pushes_are_refused_and_nothing_is_written(api, staff, nothing_written, body,
                                                       headers):
    with nothing_written():
        response = api.post("/api/v1/insight/pushes", headers=dict(staff, **headers), json=body)
        assert_error(response, 422, "VALIDATION_FAILED")


def test_a_rule_on_an_unknown_fact_is_refused_in_chinese(api, staff, nothing_written):
    with nothing_written():
        refused = assert_error(api.put("/api/v1/insight/tag-rules/tall_riders", headers=staff,
                                       json={"label": "高个子", "conditions": [
                                           {"fact": "height", "op": "gte", "value": 180}]}),
                               422, "VALIDATION_FAILED")
    assert "未知的事实" in str(refused["details"])
