"""Backfilling a service from the event archive through the gateway, with
every process running: staff backfill insight since an hour ago and see it
finish; a worker may not; bad requests get a 422 with a code and write
nothing."""
from datetime import timedelta

import pytest

from shared.clock import utcnow
from tests.e2e.conftest import assert_error
from tests.support.broker import wait_for

BACKFILLS = "/api/v1/backfills"


def an_hour_ago():
    return (utcnow() - timedelta(hours=1)).isoformat()


def test_staff_backfill_insight_and_it_finishes(api, staff, new_worker, e2e_databases):
    worker = new_worker()
    registration = wait_for(lambda: e2e_databases("feeds").archive.find_one(
        {"type_name": "identity.worker_registered", "envelope.data.worker_id": worker.id}),
        what="the worker's registration archived")
    asked = api.post(BACKFILLS, json={"service": "insight", "since": an_hour_ago()},
                     headers=staff)
    assert asked.status_code == 202, asked.text
    backfill = asked.json()
    assert backfill["service"] == "insight" and backfill["status"] in ("queued", "running", "done")
    assert "identity.worker_registered" in backfill["event_types"] and backfill["total"] >= 1
    done = wait_for(lambda: (lambda b: b if b["status"] == "done" else None)(
        api.get("{}/{}".format(BACKFILLS, backfill["id"]), headers=staff).json()),
        timeout=30, what="the backfill done")
    assert done["sent"] >= done["total"] >= 1 and done["finished_at"]
    listed = api.get(BACKFILLS, headers=staff)
    assert listed.status_code == 200
    assert backfill["id"] in [item["id"] for item in listed.json()["items"]]
    # insight had the registration already (live) and got it again: applied
    # once, the repeat dropped by its inbox, not dead-lettered.
    insight = e2e_databases("insight")
    wait_for(lambda: insight.profiles.find_one({"_id": worker.id}), what="the worker's picture")
    key = "handle_worker_registered:" + registration["_id"]
    assert insight.processed_events.count_documents({"_id": key}) == 1
    assert insight.dead_letters.count_documents({"_id": key}) == 0


def test_a_worker_may_not_backfill(api, new_worker):
    worker = new_worker()
    assert_error(api.post(BACKFILLS, json={"service": "insight", "since": an_hour_ago()},
                          headers=worker.headers), 403, "FORBIDDEN")
    assert_error(api.get(BACKFILLS, headers=worker.headers), 403, "FORBIDDEN")
    assert_error(api.get(BACKFILLS + "/abc", headers=worker.headers), 403, "FORBIDDEN")
    assert_error(api.post(BACKFILLS, json={"service": "insight", "since": an_hour_ago()}),
                 401, "AUTH_REQUIRED")


@pytest.mark.parametrize("body,code", [
    ({"service": "nosuch"}, "SERVICE_UNKNOWN"),
    ({"service": "identity"}, "SERVICE_HANDLES_NO_EVENTS"),
    ({"service": "insight", "until": "2000-01-01T00:00:00+08:00"}, "VALIDATION_FAILED"),
    ({"service": "insight", "since": "2000-01-01T00:00:00+08:00"}, "BACKFILL_BEFORE_ARCHIVE"),
])
def test_bad_backfills_are_refused_and_write_nothing(api, staff, nothing_written, body, code):
    body = dict({"since": an_hour_ago()}, **body)
    with nothing_written():
        assert_error(api.post(BACKFILLS, json=body, headers=staff), 422, code)


def test_an_unknown_backfill_is_404(api, staff):
    assert_error(api.get(BACKFILLS + "/nosuch", headers=staff), 404, "BACKFILL_NOT_FOUND")
