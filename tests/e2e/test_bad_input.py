"""Bad input over HTTP: each is answered with a 4xx and the one error body,
and nothing is written to any service's database."""
import base64
import json
import re
import uuid
import warnings
from datetime import datetime, timedelta, timezone

import jwt
import pytest

import services
from gateway.routes import ROUTES
from shared.caller import UNION_STAFF
from shared.tokens import ALGORITHM, ISSUER
from tests.conftest import TEST_JWT_SECRET, unique_phone
from tests.e2e.conftest import assert_error
from tests.support.employers import a_credit_code
from tests.support.times import at

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
# A write each service's staff routes can make, to show nothing_written sees it.
WRITES = {
    "courses": ("/api/v1/classes", {
        "title": "茶艺体验课", "category": "tea_art", "teacher": "沈老师",
        "venue": {"address": "武原街道红驿驿站"}, "starts_at": at(days=3),
        "ends_at": at(days=3, hours=2), "booking_opens_at": at(minutes=-1), "seats": 2}),
    "ledger": ("/api/v1/rewards", {"name": "红驿保温杯", "cost": 20, "stock": 5}),
    "learning": ("/api/v1/quiz-questions", {
        "kind": "single", "text": "海盐县总工会成立于哪一年?", "options": ["甲", "乙"],
        "answer": [0], "explanation": "解析", "topic": "工会知识"}),
    "stations": ("/api/v1/stations", {
        "kind": "union_post", "name": "通元镇工会服务点", "address": "海盐县通元镇",
        "district": "通元镇", "position": {"lat": 30.49, "lng": 120.80, "system": "gcj02"}}),
    "volunteering": ("/api/v1/volunteer-activities", {
        "title": "文明交通劝导", "description": "路口劝导", "signup_closes_at": at(days=2),
        "venue": {"name": "通元镇路口", "address": "海盐县通元镇", "district": "通元镇"},
        "shifts": [{"starts_at": at(days=3), "ends_at": at(days=3, hours=2), "places": 4}]}),
    # Made by an employer, the role jobs' first write needs.
    "jobs": ("/api/v1/employers", {
        "name": "海盐驿通物流有限公司", "credit_code": a_credit_code(),
        "contact": {"name": "沈建明", "phone": "13800000101"}, "address": "海盐县武原街道",
        "district": "武原街道", "position": {"lat": 30.52, "lng": 120.94, "system": "gcj02"}},
        "employer"),
    "feeds": ("/api/v1/departments", {
        "name": "县民政局", "contact": "社会救助科", "purpose": "困难职工帮扶",
        "event_types": ["jobs.job_closed"], "delivery": "amqp"}),
    "insight": ("/api/v1/insight/segments", {
        "name": "通元镇夜间骑手" + uuid.uuid4().hex[:6],
        "filters": {"district": "通元镇", "tags": ["night_rider"]}}),
}


def test_a_write_of_every_service_but_identity_is_here():
    """identity's writes (registration) are this module's own cases below."""
    assert set(WRITES) == set(services.names()) - {"identity"}


@pytest.mark.parametrize("service", sorted(WRITES))
def test_nothing_written_sees_a_write_to_any_service(api, staff, with_role, nothing_written,
                                                     service):
    path, body, *role = WRITES[service]  # staff's, unless it names another role
    headers = with_role(role[0]).headers if role else staff
    with pytest.raises(AssertionError, match=r"e2e_{}\.".format(service)):
        with nothing_written():
            created = api.post(path, json=body, headers=headers)
    assert created.status_code == 201, created.text


@pytest.fixture
def registration(make_registration):
    return make_registration()


def without(body, field):
    return {k: v for k, v in body.items() if k != field}


# ---- bodies ------------------------------------------------------------------

# (case id, how to build the request body from a valid registration, code, field)
BAD_REGISTRATIONS = [
    ("malformed-json", lambda b: {"data": json.dumps(b)[:-3]}, 400, "MALFORMED_JSON", None),
    ("trailing-garbage", lambda b: {"data": json.dumps(b) + "x"}, 400, "MALFORMED_JSON", None),
    ("not-utf8", lambda b: {"data": b"\xff\xfe{\x00"}, 400, "MALFORMED_JSON", None),
    ("too-deeply-nested", lambda b: {"data": "[" * 50000}, 400, "MALFORMED_JSON", None),
    ("array", lambda b: {"json": [b]}, 400, "MALFORMED_JSON", None),
    ("string", lambda b: {"json": "phone=13900000000"}, 400, "MALFORMED_JSON", None),
    ("number", lambda b: {"json": 42}, 400, "MALFORMED_JSON", None),
    ("null", lambda b: {"data": "null"}, 400, "MALFORMED_JSON", None),
    ("phone-as-number", lambda b: {"json": dict(b, phone=int(b["phone"]))},
     422, "VALIDATION_FAILED", "phone"),
    ("password-as-list", lambda b: {"json": dict(b, password=[b["password"]])},
     422, "VALIDATION_FAILED", "password"),
    ("name-as-object", lambda b: {"json": dict(b, name={"first": "凯锋"})},
     422, "VALIDATION_FAILED", "name"),
    ("name-null", lambda b: {"json": dict(b, name=None)}, 422, "VALIDATION_FAILED", "name"),
    ("missing-phone", lambda b: {"json": without(b, "phone")}, 422, "VALIDATION_FAILED", "phone"),
    ("missing-password", lambda b: {"json": without(b, "password")},
     422, "VALIDATION_FAILED", "password"),
    ("empty-body", lambda b: {"data": ""}, 422, "VALIDATION_FAILED", "phone"),
    ("unknown-field-roles", lambda b: {"json": dict(b, roles=["union_staff"])},
     422, "VALIDATION_FAILED", "roles"),
    ("unknown-field-id", lambda b: {"json": dict(b, _id="x")}, 422, "VALIDATION_FAILED", "_id"),
    ("bad-phone", lambda b: {"json": dict(b, phone="12345")}, 422, "VALIDATION_FAILED", "phone"),
    ("weak-password", lambda b: {"json": dict(b, password="password")},
     422, "VALIDATION_FAILED", "password"),
    ("unknown-district", lambda b: {"json": dict(b, district="北京")},
     422, "VALIDATION_FAILED", "district"),
    ("blank-name", lambda b: {"json": dict(b, name="   ")}, 422, "VALIDATION_FAILED", "name"),
    ("operator-in-phone", lambda b: {"json": dict(b, phone={"$gt": ""})},
     422, "VALIDATION_FAILED", "phone"),
    ("operator-in-name", lambda b: {"json": dict(b, name={"$ne": None})},
     422, "VALIDATION_FAILED", "name"),
    ("duplicate-key-operator-wins", lambda b: {"data": json.dumps(b)[:-1] +
                                               ', "phone": {"$gt": ""}}'},
     422, "VALIDATION_FAILED", "phone"),
]


@pytest.mark.parametrize("build, status, code, field",
                         [case[1:] for case in BAD_REGISTRATIONS],
                         ids=[case[0] for case in BAD_REGISTRATIONS])
def test_bad_registration_is_refused_and_nothing_is_stored(
        api, registration, nothing_written, build, status, code, field):
    with nothing_written():
        response = api.post(REGISTER, headers={"Content-Type": "application/json"},
                            **build(registration))
        body = assert_error(response, status, code)
    if field:
        assert field in body["details"], body
    # The valid phone in the body was not taken by the refused request.
    assert_error(api.post(LOGIN, json={"phone": registration["phone"],
                                       "password": registration["password"]}),
                 401, "INVALID_CREDENTIALS")


BAD_LOGINS = [
    ("operator-in-phone", {"phone": {"$gt": ""}, "password": "Hongyi2026"}, "phone"),
    ("operator-in-password", {"phone": None, "password": {"$ne": ""}}, "password"),
    ("regex-in-phone", {"phone": {"$regex": "^139"}, "password": "Hongyi2026"}, "phone"),
    ("where-in-phone", {"phone": {"$where": "1"}, "password": "Hongyi2026"}, "phone"),
    ("unknown-field", {"phone": None, "password": "Hongyi2026", "role": "union_staff"}, "role"),
    ("phone-as-list", {"phone": [None], "password": "Hongyi2026"}, "phone"),
    ("missing-password", {"phone": None}, "password"),
]


@pytest.mark.parametrize("template, field", [c[1:] for c in BAD_LOGINS],
                         ids=[c[0] for c in BAD_LOGINS])
def test_bad_login_is_refused_without_touching_the_account(
        api, new_worker, nothing_written, template, field):
    worker = new_worker()
    body = json.loads(json.dumps(template).replace("null", json.dumps(worker.body["phone"])))
    with nothing_written():  # no session, no failure counted
        body = assert_error(api.post(LOGIN, json=body), 422, "VALIDATION_FAILED")
    assert field in body["details"], body


# gunicorn drains at most 64 KiB of a body the app did not read and otherwise
# closes the connection, even after answering "keep-alive"; so an oversize
# request goes on a connection of its own, not one the next request reuses.
OVERSIZE_HEADERS = {"Content-Type": "application/json", "Connection": "close"}


def test_body_over_64_kib_is_refused(api, registration, nothing_written):
    padded = json.dumps(dict(registration, note="x" * (64 * 1024)))
    with nothing_written():
        assert_error(api.post(REGISTER, data=padded, headers=OVERSIZE_HEADERS),
                     413, "BODY_TOO_LARGE")
        # Chunked, so no Content-Length to check up front: refused all the same.
        chunks = (padded[i:i + 8192].encode() for i in range(0, len(padded), 8192))
        assert_error(api.post(REGISTER, data=chunks, headers=OVERSIZE_HEADERS),
                     413, "BODY_TOO_LARGE")


def padded_to(document, size):
    """``document`` as JSON of exactly ``size`` bytes (whitespace before the last brace)."""
    text = json.dumps(document, ensure_ascii=False).encode()
    return text[:-1] + b" " * (size - len(text)) + b"}"


def test_body_at_the_limit_is_read_and_one_byte_more_is_not(api, registration,
                                                            nothing_written):
    limit = 64 * 1024
    with nothing_written():
        at_limit = api.post(REGISTER, data=padded_to(dict(registration, phone="12345"), limit),
                            headers={"Content-Type": "application/json"})
        # Parsed and validated, not refused for its size.
        assert "phone" in assert_error(at_limit, 422, "VALIDATION_FAILED")["details"]
        over = api.post(REGISTER, data=padded_to(registration, limit + 1),
                        headers=OVERSIZE_HEADERS)
        assert_error(over, 413, "BODY_TOO_LARGE")


@pytest.mark.parametrize("method, path, payload, field", [
    ("PATCH", "/api/v1/me", {"phone": "13900000000"}, "phone"),
    ("PATCH", "/api/v1/me", {"roles": ["union_staff"]}, "roles"),
    ("PATCH", "/api/v1/me", {"membership": {"status": "member"}}, "membership"),
    ("PATCH", "/api/v1/me", {}, "_schema"),
    ("PATCH", "/api/v1/me", {"name": {"$set": "x"}}, "name"),
    ("POST", "/api/v1/membership/applications", {"status": "approved"}, "status"),
    ("POST", "/api/v1/membership/applications", {"member_number": "HY2026000001"},
     "member_number"),
    ("POST", "/api/v1/membership/applications", {"note": "长" * 201}, "note"),
])
def test_bad_body_from_a_signed_in_worker(api, new_worker, nothing_written,
                                          method, path, payload, field):
    worker = new_worker()
    with nothing_written():
        body = assert_error(api.request(method, path, json=payload, headers=worker.headers),
                            422, "VALIDATION_FAILED")
    assert field in body["details"], body


def test_rejection_needs_a_reason(api, new_worker, staff, nothing_written):
    worker = new_worker()
    application = api.post("/api/v1/membership/applications", json={},
                           headers=worker.headers).json()
    url = "/api/v1/membership/applications/{}/reject".format(application["id"])
    with nothing_written():
        for payload in ({}, {"reason": ""}, {"reason": {"$ne": ""}}):
            body = assert_error(api.post(url, json=payload, headers=staff),
                                422, "VALIDATION_FAILED")
            assert "reason" in body["details"]
    assert api.get("/api/v1/me", headers=worker.headers).json()["membership"]["status"] == \
        "pending"


# ---- query strings ---------------------------------------------------------

@pytest.mark.parametrize("path, query, field", [
    ("/api/v1/workers", "phone[$gt]=", "phone[$gt]"),
    ("/api/v1/workers", "phone[$ne]=x&phone=13900000000", "phone[$ne]"),
    ("/api/v1/workers", "phone=13900000000&phone=13900000001", "phone"),
    ("/api/v1/workers", "", "phone"),
    ("/api/v1/workers", "phone=%7B%22%24gt%22%3A%22%22%7D", "phone"),  # {"$gt":""}
    ("/api/v1/membership/applications", "status[$ne]=pending", "status[$ne]"),
    ("/api/v1/membership/applications", "status=everything", "status"),
    ("/api/v1/membership/applications", "page=abc", "page"),
    ("/api/v1/membership/applications", "per_page=100000", "per_page"),
])
def test_bad_query_string_is_refused(api, staff, nothing_written, path, query, field):
    with nothing_written():
        body = assert_error(api.get(path + "?" + query, headers=staff),
                            422, "VALIDATION_FAILED")
    assert field in body["details"], body


# ---- tokens ----------------------------------------------------------------

def claims_of(worker, **changes):
    now = datetime.now(timezone.utc)
    real = jwt.decode(worker.tokens["access_token"], options={"verify_signature": False})
    claims = {"sub": real["sub"], "roles": real["roles"], "sid": real["sid"],
              "jti": uuid.uuid4().hex, "iat": now, "exp": now + timedelta(minutes=5),
              "iss": ISSUER}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def mint(worker, secret=TEST_JWT_SECRET, algorithm=ALGORITHM, **changes):
    with warnings.catch_warnings():  # HS512 with the test key: short on purpose
        warnings.simplefilter("ignore")
        return jwt.encode(claims_of(worker, **changes), secret, algorithm=algorithm)


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned(worker, **changes):
    claims = claims_of(worker, **changes)
    for key in ("iat", "exp"):
        claims[key] = int(claims[key].timestamp())
    return "{}.{}.".format(b64({"alg": "none", "typ": "JWT"}), b64(claims))


def tampered(worker, **changes):
    """The worker's real token with its payload edited and its signature kept."""
    header, payload, signature = worker.tokens["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return "{}.{}.{}".format(header, b64(claims), signature)


def past(**delta):
    return datetime.now(timezone.utc) - timedelta(**delta)


TOKEN_CASES = [
    ("no-header", lambda w: {}, "AUTH_REQUIRED"),
    ("basic-scheme", lambda w: {"Authorization": "Basic dXNlcjpwYXNz"}, "INVALID_TOKEN"),
    ("bearer-without-token", lambda w: {"Authorization": "Bearer"}, "INVALID_TOKEN"),
    ("token-without-scheme", lambda w: {"Authorization": w.tokens["access_token"]},
     "INVALID_TOKEN"),
    ("garbage", lambda w: {"Authorization": "Bearer abc.def.ghi"}, "INVALID_TOKEN"),
    ("refresh-token-as-access", lambda w: {"Authorization": "Bearer " + w.tokens["refresh_token"]},
     "INVALID_TOKEN"),
    ("expired", lambda w: {"Authorization": "Bearer " + mint(
        w, iat=past(minutes=20), exp=past(minutes=5))}, "TOKEN_EXPIRED"),
    ("other-key", lambda w: {"Authorization": "Bearer " + mint(
        w, secret="another-secret-" + "y" * 32)}, "INVALID_TOKEN"),
    ("other-algorithm", lambda w: {"Authorization": "Bearer " + mint(
        w, algorithm="HS512")}, "INVALID_TOKEN"),
    ("alg-none", lambda w: {"Authorization": "Bearer " + unsigned(w)}, "INVALID_TOKEN"),
    ("tampered-sub", lambda w: {"Authorization": "Bearer " + tampered(w, sub="0" * 32)},
     "INVALID_TOKEN"),
    ("tampered-exp", lambda w: {"Authorization": "Bearer " + tampered(
        w, exp=int(datetime.now(timezone.utc).timestamp()) + 86400)}, "INVALID_TOKEN"),
    ("wrong-issuer", lambda w: {"Authorization": "Bearer " + mint(w, iss="someone-else")},
     "INVALID_TOKEN"),
    ("no-session-claim", lambda w: {"Authorization": "Bearer " + mint(w, sid=None)},
     "INVALID_TOKEN"),
    ("no-expiry", lambda w: {"Authorization": "Bearer " + mint(w, exp=None)}, "INVALID_TOKEN"),
    ("unknown-session", lambda w: {"Authorization": "Bearer " + mint(w, sid=uuid.uuid4().hex)},
     "SESSION_REVOKED"),
]


@pytest.mark.parametrize("headers_for, code", [c[1:] for c in TOKEN_CASES],
                         ids=[c[0] for c in TOKEN_CASES])
def test_unusable_token_is_refused(api, new_worker, nothing_written, headers_for, code):
    worker = new_worker()
    headers = headers_for(worker)
    with nothing_written():
        body = assert_error(api.patch("/api/v1/me", json={"name": "改名"}, headers=headers),
                            401, code)
        assert_error(api.get("/api/v1/me", headers=headers), 401, code)
    assert body["error"] == code
    assert api.get("/api/v1/me", headers=worker.headers).json()["name"] == worker.body["name"]


def test_gateway_refusals_ask_for_a_bearer_token(api):
    response = api.get("/api/v1/me")
    assert_error(response, 401, "AUTH_REQUIRED")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_token_still_valid_in_time_is_refused_after_logout(api, new_worker, nothing_written):
    worker = new_worker()
    out = api.post("/api/v1/auth/logout", json={"refresh_token": worker.tokens["refresh_token"]})
    assert out.status_code == 204
    with nothing_written():
        assert_error(api.patch("/api/v1/me", json={"name": "改名"}, headers=worker.headers),
                     401, "SESSION_REVOKED")
        assert_error(api.post("/api/v1/membership/applications", json={},
                              headers=worker.headers), 401, "SESSION_REVOKED")


@pytest.mark.parametrize("forge", [
    lambda w: tampered(w, roles=["worker", "union_staff"]),
    lambda w: unsigned(w, roles=["worker", "union_staff"]),
    lambda w: mint(w, secret="another-secret-" + "y" * 32, roles=["worker", "union_staff"]),
], ids=["tampered", "alg-none", "other-key"])
def test_forged_staff_role_gets_nothing(api, new_worker, nothing_written, forge):
    worker = new_worker()
    headers = {"Authorization": "Bearer " + forge(worker)}
    with nothing_written():
        assert_error(api.put("/api/v1/workers/{}/roles/employer".format(worker.id),
                             headers=headers), 401, "INVALID_TOKEN")
        assert_error(api.get("/api/v1/membership/applications", headers=headers),
                     401, "INVALID_TOKEN")


# ---- roles, conflicts, routes ------------------------------------------------

# Every staff route, read from the route table so a new one cannot be missed.
STAFF_ROUTES = [(route.method, route.path) for route in ROUTES if UNION_STAFF in route.roles]


def test_the_staff_routes_are_found():
    assert len(STAFF_ROUTES) >= 20
    assert ("POST", "/api/v1/points/adjustments") in STAFF_ROUTES


@pytest.mark.parametrize("method, path", STAFF_ROUTES)
def test_worker_calling_a_staff_route_is_forbidden(api, new_worker, nothing_written,
                                                   method, path):
    worker = new_worker()
    application = api.post("/api/v1/membership/applications", json={},
                           headers=worker.headers).json()
    # Any id will do: the gateway refuses before a service is asked.
    url = re.sub(r"<[a-z_]+>", application["id"], path)
    with nothing_written():
        assert_error(api.request(method, url, json={"reason": "自己审核"},
                                 headers=worker.headers), 403, "FORBIDDEN")
    me = api.get("/api/v1/me", headers=worker.headers).json()
    assert me["roles"] == ["worker"] and me["membership"]["status"] == "pending"


def test_duplicate_phone_is_a_conflict(api, new_worker, make_registration, nothing_written):
    worker = new_worker(name="赵凯锋")
    with nothing_written():
        assert_error(api.post(REGISTER, json=make_registration(
            phone=worker.body["phone"], name="冒名者", password="Other2026x")),
            409, "PHONE_TAKEN")
    assert api.get("/api/v1/me", headers=worker.headers).json()["name"] == "赵凯锋"
    assert_error(api.post(LOGIN, json={"phone": worker.body["phone"],
                                       "password": "Other2026x"}),
                 401, "INVALID_CREDENTIALS")


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/nowhere"),
    ("GET", "/api/v2/me"),
    ("POST", "/api/v1/auth/register/extra"),
    ("GET", "/"),
])
def test_unknown_route_is_a_json_404(api, method, path):
    assert_error(api.request(method, path), 404, "NOT_FOUND")


@pytest.mark.parametrize("method, path, allowed", [
    ("GET", "/api/v1/auth/login", "POST"),
    ("PUT", "/api/v1/auth/register", "POST"),
    ("DELETE", "/api/v1/me", "PATCH"),
    ("POST", "/api/v1/workers/{}".format("0" * 32), "GET"),
    ("GET", "/api/v1/workers/{}/roles/employer".format("0" * 32), "PUT"),
    ("POST", "/openapi.json", "GET"),
])
def test_wrong_method_is_a_json_405(api, unique_method_body, method, path, allowed):
    response = api.request(method, path, **unique_method_body)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert allowed in response.headers["Allow"].replace(" ", "").split(",")


@pytest.fixture
def unique_method_body():
    # A valid body, so only the method can be what is wrong.
    return {"json": {"phone": unique_phone(), "password": "Hongyi2026"}}
