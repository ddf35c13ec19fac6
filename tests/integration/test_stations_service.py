"""stations over real RabbitMQ and the embedded MongoDB: the catalog (staff
and keepers), the nearest search and the route search over the instance's
copy of the catalog, live status, problem reports, check-ins with rotating
codes counted once every few hours, the demand report, and 4xx answers to
bad input with nothing written."""
from collections import Counter
from datetime import datetime, timedelta

import pytest

from services.stations import rules
from services.stations.service import StationsService
from shared import checkin_codes as codes
from shared.caller import STATION_KEEPER, WORKER, Caller
from shared.clock import utcnow
from shared.domain import CHINA_TZ
from shared.errors import (Conflict, Forbidden, InvalidInput, NotFound, TooManyAttempts,
                           Unauthenticated)
from tests.support.callers import worker

SERVICE = StationsService
SERVICE_CONFIG = {"CATALOG_REFRESH_SECONDS": 0}
WUYUAN = {"lat": 30.5262, "lng": 120.9433, "system": "gcj02"}  # 武原街道, as Amap shows it
KEEPER = Caller(id="keeper-1", roles=(WORKER, STATION_KEEPER), session_id="s")


def station_body(name, lat, lng, **fields):
    body = {"kind": "outdoor_worker", "name": name, "address": "海盐县武原街道" + name,
            "district": "武原街道", "position": {"lat": lat, "lng": lng, "system": "gcj02"},
            "amenities": ["drinking_water", "phone_charging"],
            "hours": {"open_24h": True, "opening_hours": None, "closed_dates": []}}
    body.update(fields)
    return body


@pytest.fixture
def open_station(as_staff):
    def make(name, lat=WUYUAN["lat"], lng=WUYUAN["lng"], **fields):
        return as_staff.create_station(station_body(name, lat, lng, **fields))
    return make


def outbox(store, event_type):
    return [e["envelope"] for e in store.db.outbox.find({"type": event_type})]


def nearest(proxy, **query):
    return proxy.stations.nearest_stations(dict({k: str(v) for k, v in WUYUAN.items()},
                                                **query))


def names(page):
    return [item["name"] for item in page["items"]]


# ---- the catalog --------------------------------------------------------------------

def test_staff_open_a_station_in_gcj02_and_it_answers_in_the_system_asked(
        open_station, rpc_as, store):
    made = open_station("海滨社区服务站", keepers=[KEEPER.id])
    assert made["position"]["system"] == "wgs84"  # staff's answers: WGS-84
    gcj = rpc_as(worker()).stations.get_station(made["id"], {"system": "gcj02"})
    assert (gcj["position"]["lat"], gcj["position"]["lng"]) == (WUYUAN["lat"], WUYUAN["lng"])
    assert gcj["status"]["state"] == "open" and gcj["keepers"] == [KEEPER.id]
    assert "secret" not in gcj and "baidumap://" in gcj["navigation"]["baidu"]["app"]
    (event,) = outbox(store, "station_opened")
    assert event["data"]["position"]["system"] == "wgs84"
    assert event["data"]["station_id"] == made["id"]
    assert event["data"]["keepers"] == [KEEPER.id]
    assert event["data"]["address"] == "海盐县武原街道海滨社区服务站"


def test_a_change_of_keepers_or_address_is_in_the_station_updated_event(
        open_station, as_staff, store):
    made = open_station("换人站", keepers=[KEEPER.id])
    as_staff.update_station(made["id"], {"keepers": ["keeper-2"], "address": "海盐县新址"})
    (event,) = outbox(store, "station_updated")
    assert (event["data"]["keepers"], event["data"]["address"]) == (["keeper-2"], "海盐县新址")


def test_only_staff_open_close_and_reopen_and_workers_never_find_a_closed_one(
        open_station, rpc_as, as_staff):
    rider = rpc_as(worker())
    with pytest.raises(Forbidden):
        rider.stations.create_station(station_body("某站", 30.5, 120.9))
    made = open_station("城东服务站")
    assert names(nearest(rider)) == ["城东服务站"]
    as_staff.close_station(made["id"])
    with pytest.raises(Conflict) as raised:
        as_staff.close_station(made["id"])
    assert raised.value.code == "STATION_ALREADY_CLOSED"
    assert names(nearest(rider)) == []
    with pytest.raises(NotFound):
        rider.stations.get_station(made["id"], {})
    with pytest.raises(Forbidden):
        rider.stations.list_stations({"status": "closed"})
    assert as_staff.reopen_station(made["id"])["station_status"] == "active"
    assert names(nearest(rider)) == ["城东服务站"]


def test_a_keeper_manages_only_the_stations_they_keep(open_station, rpc_as, as_staff, store):
    mine, theirs = open_station("我的站", keepers=[KEEPER.id]), open_station("别人的站")
    keeper = rpc_as(KEEPER).stations
    edited = keeper.update_station(mine["id"], {"amenities": ["toilet", "microwave"]})
    assert edited["amenities"] == ["toilet", "microwave"]
    for refused in (lambda: keeper.update_station(theirs["id"], {"amenities": ["toilet"]}),
                    lambda: keeper.set_live_status(theirs["id"], {"status": "full"}),
                    lambda: keeper.get_checkin_codes(theirs["id"])):
        with pytest.raises(Forbidden) as raised:
            refused()
        assert raised.value.code == "NOT_YOUR_STATION"
    with pytest.raises(Forbidden):
        keeper.update_station(mine["id"], {"keepers": []})
    assert store.get(mine["id"])["keepers"] == [KEEPER.id]
    assert [s["name"] for s in keeper.list_stations({"mine": "true"})["items"]] == ["我的站"]


def test_an_edit_that_breaks_the_theme_rule_is_refused_and_nothing_written(
        open_station, as_staff, store):
    made = open_station("红色驿站", kind="red_themed", theme="红色摇篮", story="## 故事")
    with pytest.raises(InvalidInput):
        as_staff.update_station(made["id"], {"kind": "outdoor_worker"})
    assert store.get(made["id"])["kind"] == "red_themed"
    assert len(outbox(store, "station_updated")) == 0


def test_each_catalog_change_takes_the_next_number_which_copies_fetch_by(
        open_station, as_staff, store):
    first = open_station("一号站")
    seq = store.catalog_seq()
    as_staff.close_station(first["id"])
    second = open_station("二号站")
    changed = store.changed_since(seq)
    assert [(station["_id"], station["seq"], station["status"]) for station in changed] == \
        [(first["id"], seq + 1, "closed"), (second["id"], seq + 2, "active")]
    assert store.catalog_seq() == seq + 2
    assert all("secret" not in station for station in changed)


# ---- finding one --------------------------------------------------------------------

def test_the_nearest_come_first_with_filters_and_pages(open_station, rpc_as):
    for n in range(5):  # about 110 m apart, going north
        open_station("第{}站".format(n), lat=WUYUAN["lat"] + 0.001 * n,
                     amenities=["drinking_water"] + (["microwave"] if n % 2 else []))
    rider = rpc_as(worker())
    first = nearest(rider, per_page=2)
    assert names(first) == ["第0站", "第1站"] and first["has_more"] is True
    assert first["system"] == "gcj02" and first["items"][0]["position"]["system"] == "gcj02"
    assert [item["distance_m"] for item in first["items"]][1] in range(105, 118)
    last = nearest(rider, per_page=2, page=3)
    assert names(last) == ["第4站"] and last["has_more"] is False
    assert names(nearest(rider, amenities="microwave")) == ["第1站", "第3站"]
    assert names(nearest(rider, radius_m=250)) == ["第0站", "第1站", "第2站"]
    # The same place in WGS-84, as a phone reports it, finds the same order.
    wgs = rider.stations.get_station(first["items"][0]["id"], {"system": "wgs84"})["position"]
    assert names(nearest(rider, lat=wgs["lat"], lng=wgs["lng"], system="wgs84")) == \
        ["第{}站".format(n) for n in range(5)]


def test_open_now_leaves_out_closed_and_unknown_hours(open_station, rpc_as, as_staff):
    open_station("全天站", lat=WUYUAN["lat"] + 0.002)
    open_station("不详站", hours=None)
    shut = open_station("临时关闭站", lat=WUYUAN["lat"] + 0.001)
    as_staff.set_live_status(shut["id"], {"status": "temporarily_closed", "note": "停水"})
    rider = rpc_as(worker())
    everything = {item["name"]: item["status"] for item in nearest(rider)["items"]}
    assert everything["不详站"]["state"] == "hours_unknown"
    assert (everything["临时关闭站"]["state"], everything["临时关闭站"]["reason"]) == \
        ("closed", "keeper")
    assert names(nearest(rider, open_now="true")) == ["全天站"]


def test_stations_along_a_route_in_the_order_it_passes_them(open_station, rpc_as):
    # A road going east from 武原; stations beside it and one far off it.
    open_station("东头站", lat=30.5262 + 0.001, lng=120.9633)
    open_station("西头站", lat=30.5262 - 0.001, lng=120.9483)
    open_station("远处站", lat=30.5462, lng=120.9550)
    route = [{"lat": 30.5262, "lng": 120.9433 + 0.005 * n} for n in range(6)]
    passed = rpc_as(worker()).stations.stations_along_route(
        {"route": route, "system": "gcj02", "within_m": 300})
    assert names(passed) == ["西头站", "东头站"]
    assert passed["items"][0]["along_route_m"] < passed["items"][1]["along_route_m"]
    assert all(100 <= item["off_route_m"] <= 125 for item in passed["items"])
    with pytest.raises(InvalidInput):
        rpc_as(worker()).stations.stations_along_route({"route": route * 100})


# ---- live status and reports ---------------------------------------------------------

def test_a_report_shows_is_confirmed_by_others_and_the_keeper_clears_it(
        open_station, rpc_as, store):
    made = open_station("报修站", keepers=[KEEPER.id])
    first = rpc_as(worker()).stations.report_problem(made["id"], {"problem": "no_water"})
    assert (first["confirmed"], first["problem"]["confirmations"]) == (False, 1)
    second = rpc_as(worker()).stations.report_problem(made["id"], {"problem": "no_water"})
    assert (second["confirmed"], second["problem"]["confirmations"]) == (True, 2)
    shown = rpc_as(worker()).stations.get_station(made["id"], {})["status"]["problems"]
    assert [(p["problem"], p["label"], p["confirmations"]) for p in shown] == \
        [("no_water", "没水了", 2)]
    assert len(outbox(store, "station_problem_reported")) == 2
    with pytest.raises(InvalidInput):
        rpc_as(KEEPER).stations.clear_problem(made["id"], "reports.x")
    rpc_as(KEEPER).stations.clear_problem(made["id"], "no_water")
    assert nearest(rpc_as(worker()))["items"][0]["status"]["problems"] == []
    with pytest.raises(NotFound):
        rpc_as(KEEPER).stations.clear_problem(made["id"], "no_water")


# ---- check-ins -----------------------------------------------------------------------

def test_a_check_in_with_the_shown_code_counts_once_every_few_hours(
        open_station, rpc_as, store):
    made = open_station("打卡站", keepers=[KEEPER.id])
    shown = rpc_as(KEEPER).stations.get_checkin_codes(made["id"])
    me = worker()
    rider = rpc_as(me).stations
    counted = rider.check_in(made["id"], {"code": shown["screen"]["code"]})
    assert counted["counted"] is True and counted["station_name"] == "打卡站"
    again = rider.check_in(made["id"], {"code": shown["poster"]["code"]})
    assert again["counted"] is False and again["visited_at"] == counted["visited_at"]
    (event,) = outbox(store, "station_visited")
    assert (event["data"]["worker_id"], event["data"]["station_id"]) == (me.id, made["id"])


def test_a_wrong_code_or_a_far_position_is_refused_and_guessing_is_paused(
        open_station, rpc_as, store):
    made = open_station("防刷站")
    rider = rpc_as(worker()).stations
    secret = store.get(made["id"])["secret"]
    yesterday = codes.poster_code(secret, (utcnow() + timedelta(hours=8)).date()
                                  - timedelta(days=1))
    with pytest.raises(Forbidden) as raised:
        rider.check_in(made["id"], {"code": yesterday})
    assert raised.value.code == "WRONG_CHECKIN_CODE"
    far = {"lat": WUYUAN["lat"] + 0.01, "lng": WUYUAN["lng"], "system": "gcj02",
           "accuracy_m": 30}
    code = codes.screen_code(secret, utcnow())[0]
    with pytest.raises(Conflict) as raised:
        rider.check_in(made["id"], {"code": code, "position": far})
    assert raised.value.code == "TOO_FAR_FROM_STATION"
    for _ in range(rules.WRONG_CODE_LIMIT - 1):
        with pytest.raises(Forbidden):
            rider.check_in(made["id"], {"code": "000000"})
    with pytest.raises(TooManyAttempts):  # even the right code, for a while
        rider.check_in(made["id"], {"code": code})
    assert outbox(store, "station_visited") == []


def test_another_service_verifies_a_code_as_check_in_would_and_no_visit_is_recorded(
        open_station, rpc_as, as_staff, store):
    made = open_station("核验站")
    me = worker()
    rider = rpc_as(me).stations
    code = codes.screen_code(store.get(made["id"])["secret"], utcnow())[0]
    assert rider.verify_checkin_code(made["id"], {"code": code}) == {
        "station_id": made["id"], "station_name": "核验站", "accepted": True}
    assert outbox(store, "station_visited") == [] and store.db.visits.count_documents({}) == 0
    with pytest.raises(InvalidInput):
        rider.verify_checkin_code(made["id"], {"code": ""})
    with pytest.raises(NotFound) as raised:
        rider.verify_checkin_code("no-such-station", {"code": code})
    assert raised.value.code == "STATION_NOT_FOUND"
    with pytest.raises(Unauthenticated):
        rpc_as(None).stations.verify_checkin_code(made["id"], {"code": code})
    for _ in range(rules.WRONG_CODE_LIMIT):
        with pytest.raises(Forbidden) as raised:
            rider.verify_checkin_code(made["id"], {"code": "000000"})
        assert raised.value.code == "WRONG_CHECKIN_CODE"
    with pytest.raises(TooManyAttempts):  # the same pause as check_in's
        rider.check_in(made["id"], {"code": code})
    as_staff.close_station(made["id"])
    with pytest.raises(Conflict) as raised:
        rpc_as(worker()).stations.verify_checkin_code(made["id"], {"code": code})
    assert raised.value.code == "STATION_CLOSED"


# ---- demand ----------------------------------------------------------------------------

def test_staff_see_visits_by_hour_and_weekday_and_the_problems_showing(
        open_station, rpc_as, as_staff, store):
    made, quiet = open_station("繁忙站"), open_station("冷清站", lat=30.53)
    code = codes.screen_code(store.get(made["id"])["secret"], utcnow())[0]
    visits = [rpc_as(worker()).stations.check_in(made["id"], {"code": code})
              for _ in range(3)]
    rpc_as(worker()).stations.report_problem(quiet["id"], {"problem": "charger_broken"})
    report = as_staff.get_demand({"days": "7"})
    busy, calm = report["stations"]
    assert (busy["name"], busy["visits"], calm["visits"]) == ("繁忙站", 3, 0)
    hours = Counter(datetime.fromisoformat(v["visited_at"]).astimezone(CHINA_TZ).hour
                    for v in visits)
    assert {h: busy["by_hour"][h] for h in hours} == hours and sum(busy["by_weekday"]) == 3
    assert [p["problem"] for p in calm["open_problems"]] == ["charger_broken"]
    with pytest.raises(Forbidden):
        rpc_as(worker()).stations.get_demand({})
