"""stations' entrypoints with their dependencies replaced (no broker, no DB):
staff-only entrypoints refuse workers before the store is asked, the clock
is taken once and handed on, and the store's events are published."""
from datetime import datetime, timezone

import pytest
from nameko.testing.services import worker_factory

from services.stations.service import StationsService
from shared.caller import UNION_STAFF, WORKER, Caller
from shared.errors import Forbidden, InvalidInput

RIDER = Caller(id="w1", roles=(WORKER,), session_id="s1")
STAFF = Caller(id="s1", roles=(WORKER, UNION_STAFF), session_id="s2")
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)
BODY = {"kind": "union_post", "name": "通元镇工会服务点", "address": "海盐县通元镇",
        "district": "通元镇", "position": {"lat": 30.49, "lng": 120.80, "system": "gcj02"}}


@pytest.fixture(autouse=True)
def clock_at_now(monkeypatch):
    monkeypatch.setattr("services.stations.service.utcnow", lambda: NOW)


def service(caller=RIDER):
    return worker_factory(StationsService, caller=caller)


@pytest.mark.parametrize("call", [
    lambda svc: svc.create_station(BODY),
    lambda svc: svc.close_station("st1"),
    lambda svc: svc.reopen_station("st1"),
    lambda svc: svc.get_demand({}),
])
def test_staff_entrypoints_refuse_a_worker_before_the_store_is_asked(call):
    svc = service()
    with pytest.raises(Forbidden):
        call(svc)
    assert svc.store.method_calls == []


def test_opening_a_station_stores_it_in_every_system_at_now_and_publishes_its_event():
    svc = service(STAFF)
    stored = {}

    def create(fields, secret, now):
        stored.update(fields, secret=secret, now=now)
        station = dict(fields, _id="st1", status="active", reports={}, keepers=[],
                       live={"status": "normal", "note": None, "at": now},
                       created_at=now, updated_at=now)
        return station, ["the event"]
    svc.store.create.side_effect = create
    answer = svc.create_station(BODY)
    assert stored["now"] == NOW and len(stored["secret"]) >= 16
    assert set(stored["positions"]) == {"wgs84", "gcj02", "bd09"}
    svc.relay.publish.assert_called_once_with(["the event"])
    svc.catalog.refresh.assert_called_once_with(force=True)
    assert answer["id"] == "st1" and answer["position"]["system"] == "wgs84"


def test_a_problem_outside_the_vocabulary_is_refused_before_the_store_is_asked():
    svc = service(STAFF)
    with pytest.raises(InvalidInput):
        svc.clear_problem("st1", "reports.no_water")
    svc.store.clear_problem.assert_not_called()
