"""A worker's journey over HTTP through the real gateway: register, profile,
membership (approved and rejected), roles, sessions, and the request id that
follows one request through the gateway's and identity's logs."""
import json
import re
import time

import jwt

from tests.e2e.conftest import assert_error, bearer, request_id
from tests.support.broker import wait_for

MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")
MEMBER_NUMBER = re.compile(r"^HY\d{4}\d{6}$")


def masked(phone):
    return phone[:3] + "****" + phone[-4:]


def roles_in(tokens):
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    return set(claims["roles"])


def pending_application(api, staff, application_id):
    """The application as staff see it in the pending list (walks the pages)."""
    page = 1
    while True:
        response = api.get("/api/v1/membership/applications",
                           params={"status": "pending", "page": page, "per_page": 100},
                           headers=staff)
        assert response.status_code == 200, response.text
        listing = response.json()
        for item in listing["items"]:
            if item["id"] == application_id:
                return item, response.text
        if page * listing["per_page"] >= listing["total"]:
            return None, response.text
        page += 1


def test_register_profile_apply_and_get_approved(api, new_worker, staff, e2e_audit):
    worker = new_worker(name="赵凯锋", platform="饿了么")
    phone = worker.body["phone"]
    assert worker.profile["phone"] == phone
    assert worker.profile["roles"] == ["worker"]
    assert worker.profile["membership"]["status"] == "none"
    assert "password" not in json.dumps(worker.profile)

    me = api.get("/api/v1/me", headers=worker.headers)
    assert me.status_code == 200
    assert me.json()["phone"] == phone  # the owner sees the full number
    assert me.json()["id"] == worker.id

    patched = api.patch("/api/v1/me", json={"platform": "美团", "district": "秦山街道"},
                        headers=worker.headers)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["platform"], patched.json()["district"]) == ("美团", "秦山街道")
    me = api.get("/api/v1/me", headers=worker.headers).json()
    assert (me["platform"], me["district"], me["name"]) == ("美团", "秦山街道", "赵凯锋")

    applied = api.post("/api/v1/membership/applications",
                       json={"employer": "海盐美团配送站", "note": "想参加茶艺课"},
                       headers=worker.headers)
    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert application["status"] == "pending"
    assert api.get("/api/v1/me", headers=worker.headers).json()["membership"]["status"] == \
        "pending"

    listed, listing_text = pending_application(api, staff, application["id"])
    assert listed is not None, "staff do not see the pending application"
    assert listed["phone"] == masked(phone) and MASKED_PHONE.match(listed["phone"])
    assert phone not in listing_text  # no full phone anywhere in the staff listing
    assert (listed["name"], listed["platform"], listed["district"]) == ("赵凯锋", "美团", "秦山街道")
    assert listed["employer"] == "海盐美团配送站"

    approved = api.post("/api/v1/membership/applications/{}/approve".format(application["id"]),
                        headers=staff)
    assert approved.status_code == 200, approved.text
    member_number = approved.json()["member_number"]
    assert approved.json()["status"] == "approved"
    assert MEMBER_NUMBER.match(member_number)

    membership = api.get("/api/v1/me", headers=worker.headers).json()["membership"]
    assert membership["status"] == "member"
    assert membership["member_number"] == member_number

    assert pending_application(api, staff, application["id"])[0] is None
    again = api.post("/api/v1/membership/applications/{}/approve".format(application["id"]),
                     headers=staff)
    assert_error(again, 409, "APPLICATION_ALREADY_DECIDED")
    assert_error(api.post("/api/v1/membership/applications", json={}, headers=worker.headers),
                 409, "ALREADY_MEMBER")
    assert_each_event_applied_once(e2e_audit, worker.id)


JOURNEY_EVENTS = ("worker_registered", "profile_updated", "membership_approved")


def assert_each_event_applied_once(audit, worker_id):
    """The subscriber got every event of the journey, and applied each once."""
    wait_for(lambda: all(audit.count(event, worker_id) for event in JOURNEY_EVENTS),
             timeout=30, what="the journey's events at the subscriber")
    # The relay's timer re-publishes what it thinks is unsent; give a repeat
    # time to arrive before counting.
    time.sleep(3)
    for event in JOURNEY_EVENTS:
        assert audit.count(event, worker_id) == 1, event
    applied = list(audit.db.applied.find({"worker_id": worker_id}))
    assert sorted(a["type"] for a in applied) == sorted(JOURNEY_EVENTS)
    assert len({a["event_id"] for a in applied}) == len(JOURNEY_EVENTS)


def test_rejected_with_reason_then_apply_again(api, new_worker, staff):
    worker = new_worker()
    first = api.post("/api/v1/membership/applications", json={}, headers=worker.headers)
    assert first.status_code == 201, first.text
    assert_error(api.post("/api/v1/membership/applications", json={}, headers=worker.headers),
                 409, "APPLICATION_PENDING")

    rejected = api.post(
        "/api/v1/membership/applications/{}/reject".format(first.json()["id"]),
        json={"reason": "请补充从业证明"}, headers=staff)
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["member_number"] is None
    membership = api.get("/api/v1/me", headers=worker.headers).json()["membership"]
    assert (membership["status"], membership["reason"]) == ("rejected", "请补充从业证明")

    second = api.post("/api/v1/membership/applications", json={"note": "已补充"},
                      headers=worker.headers)
    assert second.status_code == 201, second.text
    assert second.json()["id"] != first.json()["id"]
    assert pending_application(api, staff, second.json()["id"])[0] is not None
    assert api.get("/api/v1/me", headers=worker.headers).json()["membership"]["status"] == \
        "pending"


def test_staff_grant_and_revoke_employer_role_reach_the_token(api, new_worker, staff):
    worker = new_worker()
    url = "/api/v1/workers/{}/roles/employer".format(worker.id)

    granted = api.put(url, headers=staff)
    assert granted.status_code == 200, granted.text
    assert set(granted.json()["roles"]) == {"worker", "employer"}
    assert granted.json()["phone"] == masked(worker.body["phone"])  # staff see it masked
    assert "employer" not in roles_in(worker.tokens)  # a token says what was true then

    refreshed = api.post("/api/v1/auth/refresh",
                         json={"refresh_token": worker.tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    assert roles_in(refreshed.json()) == {"worker", "employer"}
    view = api.get("/api/v1/workers/{}".format(worker.id), headers=staff).json()
    assert "employer" in view["roles"]

    revoked = api.delete(url, headers=staff)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["roles"] == ["worker"]
    again = api.post("/api/v1/auth/refresh",
                     json={"refresh_token": refreshed.json()["refresh_token"]})
    assert again.status_code == 200, again.text
    assert roles_in(again.json()) == {"worker"}


def test_staff_cannot_grant_staff_or_change_own_roles(api, new_worker, staff, staff_account):
    worker = new_worker()
    assert_error(api.put("/api/v1/workers/{}/roles/union_staff".format(worker.id),
                         headers=staff), 422, "VALIDATION_FAILED")
    assert_error(api.delete("/api/v1/workers/{}/roles/employer".format(staff_account["id"]),
                            headers=staff), 403, "CANNOT_CHANGE_OWN_ROLES")
    assert_error(api.put("/api/v1/workers/{}/roles/employer".format("0" * 32),
                         headers=staff), 404, "WORKER_NOT_FOUND")
    view = api.get("/api/v1/workers/{}".format(worker.id), headers=staff).json()
    assert view["roles"] == ["worker"]


def test_staff_find_worker_by_phone_sees_it_masked(api, new_worker, staff):
    worker = new_worker()
    found = api.get("/api/v1/workers", params={"phone": worker.body["phone"]}, headers=staff)
    assert found.status_code == 200, found.text
    assert found.json()["id"] == worker.id
    assert found.json()["phone"] == masked(worker.body["phone"])
    assert worker.body["phone"] not in found.text


def test_refresh_rotates_and_the_old_token_is_refused(api, new_worker):
    worker = new_worker()
    old = worker.tokens["refresh_token"]
    rotated = api.post("/api/v1/auth/refresh", json={"refresh_token": old})
    assert rotated.status_code == 200, rotated.text
    pair = rotated.json()
    assert pair["refresh_token"] != old and pair["token_type"] == "Bearer"
    assert api.get("/api/v1/me", headers=bearer(pair)).status_code == 200

    assert_error(api.post("/api/v1/auth/refresh", json={"refresh_token": old}),
                 401, "REFRESH_TOKEN_REUSED")
    # Reuse means theft: the whole session is gone, the new pair with it.
    assert_error(api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}),
                 401, "INVALID_REFRESH_TOKEN")
    assert_error(api.get("/api/v1/me", headers=bearer(pair)), 401, "SESSION_REVOKED")


def test_logout_ends_access_and_refresh(api, new_worker, log_in):
    worker = new_worker()
    other = log_in(worker.body["phone"], worker.body["password"])  # a second device
    assert api.get("/api/v1/me", headers=worker.headers).status_code == 200

    out = api.post("/api/v1/auth/logout", json={"refresh_token": worker.tokens["refresh_token"]})
    assert out.status_code == 204 and out.content == b""

    assert_error(api.get("/api/v1/me", headers=worker.headers), 401, "SESSION_REVOKED")
    assert_error(api.post("/api/v1/auth/refresh",
                          json={"refresh_token": worker.tokens["refresh_token"]}),
                 401, "INVALID_REFRESH_TOKEN")
    # Only that session ended.
    assert api.get("/api/v1/me", headers=bearer(other)).status_code == 200


def test_every_answer_has_a_request_id(api, new_worker):
    seen = set()
    for response in (api.get("/api/v1/ping"), api.get("/health"), api.get("/api/v1/nowhere"),
                     api.post("/api/v1/auth/login", data="{")):
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])
        seen.add(response.headers["X-Request-Id"])
    assert len(seen) == 4

    for unusable in ("short", "has spaces in it", "x" * 65, "bad/slash/id"):
        response = api.get("/api/v1/ping", headers={"X-Request-Id": unusable})
        assert response.headers["X-Request-Id"] != unusable
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])


def log_records(path, wanted):
    records = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if wanted in line and line.startswith("{"):
            record = json.loads(line)
            if record.get("request_id") == wanted:
                records.append(record)
    return records


def test_client_request_id_is_echoed_and_followed_into_both_logs(api, system, new_worker):
    worker = new_worker()
    rid = request_id()
    response = api.get("/api/v1/me", headers=dict(worker.headers, **{"X-Request-Id": rid}))
    assert response.status_code == 200
    assert response.headers["X-Request-Id"] == rid

    gateway_log = system.log_dir / "gateway.log"
    identity_log = system.log_dir / "identity-0.log"
    deadline = time.monotonic() + 5  # log lines may land just after the answer
    while time.monotonic() < deadline:
        in_gateway = log_records(gateway_log, rid)
        in_identity = log_records(identity_log, rid)
        if in_gateway and in_identity:
            break
        time.sleep(0.1)
    assert any("/api/v1/me" in r["message"] for r in in_gateway), in_gateway
    assert any("get_own_profile" in r["message"] for r in in_identity), in_identity
