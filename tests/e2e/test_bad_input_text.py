"""Text that is not text, or that hides or reorders itself, over HTTP: 422 and
the one error body on every service, never a 500, and nothing stored.

A lone surrogate ("\\ud800") is valid JSON; before shared/schemas.Text the
service loaded it and pymongo failed to encode it (500)."""
import json

import pytest

from tests.e2e.conftest import assert_error

LONE_SURROGATE = "\ud800"
NUL = "\x00"
RIGHT_TO_LEFT_OVERRIDE = "\u202e"
ZERO_WIDTH_SPACE = "\u200b"
BAD_IN_A_NAME = [LONE_SURROGATE, NUL, RIGHT_TO_LEFT_OVERRIDE, ZERO_WIDTH_SPACE]
IDS = ["lone-surrogate", "nul", "right-to-left-override", "zero-width-space"]


def send(api, method, path, document, headers=None):
    """``document`` as JSON escaped to ASCII, as a client sends a lone surrogate."""
    return api.request(method, path, data=json.dumps(document),
                       headers=dict(headers or {}, **{"Content-Type": "application/json"}))


def refused(response, field):
    body = assert_error(response, 422, "VALIDATION_FAILED")
    assert field in body["details"], body


@pytest.mark.parametrize("character", BAD_IN_A_NAME, ids=IDS)
def test_my_name_with_it_is_refused_and_not_stored(api, new_worker, character):
    worker = new_worker(name="赵凯锋")
    refused(send(api, "PATCH", "/api/v1/me", {"name": "赵" + character + "锋"}, worker.headers),
            "name")
    assert api.get("/api/v1/me", headers=worker.headers).json()["name"] == "赵凯锋"


@pytest.mark.parametrize("character", BAD_IN_A_NAME, ids=IDS)
def test_registering_with_it_is_refused(api, make_registration, character):
    registration = make_registration(name="赵" + character + "锋")
    refused(send(api, "POST", "/api/v1/auth/register", registration), "name")
    assert_error(api.post("/api/v1/auth/login", json={
        "phone": registration["phone"], "password": registration["password"]}),
        401, "INVALID_CREDENTIALS")


@pytest.mark.parametrize("character", BAD_IN_A_NAME, ids=IDS)
def test_a_reward_named_with_it_is_refused(api, staff, character):
    reward = {"name": "保温杯" + character, "cost": 10, "stock": 1}
    refused(send(api, "POST", "/api/v1/rewards", reward, staff), "name")
    names = [item["name"] for item in api.get("/api/v1/rewards", headers=staff).json()["items"]]
    assert reward["name"] not in names


@pytest.mark.parametrize("character", BAD_IN_A_NAME, ids=IDS)
def test_a_lesson_titled_with_it_is_refused(api, staff, character):
    lesson = {"column": "spark_class", "title": "红船精神" + character, "body": "## 红船",
              "estimated_minutes": 5}
    refused(send(api, "POST", "/api/v1/lessons", lesson, staff), "title")


@pytest.mark.parametrize("character", [LONE_SURROGATE, NUL], ids=IDS[:2])
def test_a_multi_line_body_refuses_it_but_keeps_line_breaks(api, staff, character):
    lesson = {"column": "spark_class", "title": "红船精神", "estimated_minutes": 5}
    refused(send(api, "POST", "/api/v1/lessons", dict(lesson, body="## 红船" + character),
                 staff), "body")
    created = api.post("/api/v1/lessons", json=dict(lesson, body="## 红船\n\n\t1921年"),
                       headers=staff)
    assert created.status_code == 201, created.text
    assert created.json()["body"] == "## 红船\n\n\t1921年"


def test_a_query_string_with_a_control_character_is_refused(api, staff):
    refused(api.get("/api/v1/quiz-questions?topic=%E5%85%9A%00", headers=staff), "topic")
    refused(api.get("/api/v1/points/export?worker_id=%1B", headers=staff), "worker_id")


@pytest.mark.parametrize("path, parameter", [
    ("/api/v1/lessons/{}", "lesson_id"),
    ("/api/v1/classes/{}", "class_id"),
    ("/api/v1/points/accounts/{}", "worker_id"),
])
@pytest.mark.parametrize("character", ["%00", "%E2%80%AE", "%E2%80%8B"],
                         ids=["nul", "right-to-left-override", "zero-width-space"])
def test_a_path_parameter_with_it_is_refused_before_any_service(api, staff, path,
                                                               parameter, character):
    refused(api.get(path.format("abc" + character), headers=staff), parameter)


def test_an_unknown_role_is_refused_by_the_gateway_as_identity_would(api, staff, new_worker):
    worker = new_worker()
    refused(api.put("/api/v1/workers/{}/roles/admin".format(worker.id), headers=staff), "role")
