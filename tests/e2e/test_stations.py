"""主题驿站 through the gateway with every process running: a rider finds the
nearest open station and its navigation links, checks in with the code the
keeper's screen shows and sees the points on the statement once (and no
more than the daily cap), a keeper manages only their own station, and bad
input gets a 4xx with a code and writes nothing.

The e2e system is shared by the whole session, so each test puts its
stations in a spot of its own, far from the others' (and from the demo's)."""
import random
import uuid

import pytest

from tests.e2e.conftest import assert_error
from tests.support.broker import wait_for

RULES = [{"code": "station_visited", "label": "驿站", "points": 2, "daily_cap": 4}]


def a_spot_of_its_own():
    """A point in China (GCJ-02 applies) no other test uses."""
    rng = random.Random(uuid.uuid4().int)
    return round(rng.uniform(25, 40), 4), round(rng.uniform(105, 118), 4)


def station_body(name, lat, lng, **fields):
    body = {"kind": "outdoor_worker", "name": name, "address": "海盐县" + name,
            "district": "武原街道", "position": {"lat": lat, "lng": lng, "system": "gcj02"},
            "amenities": ["drinking_water"], "hours": {"open_24h": True}}
    body.update(fields)
    return body


@pytest.fixture
def open_station(api, staff):
    def make(name, lat, lng, **fields):
        made = api.post("/api/v1/stations", headers=staff,
                        json=station_body(name + uuid.uuid4().hex[:4], lat, lng, **fields))
        assert made.status_code == 201, made.text
        return made.json()
    return make


@pytest.fixture
def keeper(with_role):
    return with_role("station_keeper")


def test_a_rider_finds_the_nearest_open_station_and_taps_to_navigate(
        api, new_worker, open_station):
    lat, lng = a_spot_of_its_own()
    near = open_station("近站", lat + 0.002, lng)
    open_station("远站", lat + 0.004, lng)
    open_station("未知营业时间站", lat + 0.001, lng, hours=None)
    rider = new_worker()
    found = api.get("/api/v1/stations/nearest", headers=rider.headers, params={
        "lat": lat, "lng": lng, "system": "gcj02", "open_now": "true", "per_page": 2})
    assert found.status_code == 200, found.text
    page = found.json()
    assert [item["id"] for item in page["items"]][0] == near["id"]
    assert all(item["status"]["state"] == "open" for item in page["items"])
    assert 200 <= page["items"][0]["distance_m"] <= 245
    one = api.get("/api/v1/stations/" + near["id"], headers=rider.headers,
                  params={"system": "bd09"}).json()
    assert one["position"]["system"] == "bd09"
    links = one["navigation"]
    assert links["amap"]["app"].startswith("amapuri://") and links["web"].startswith("https://")
    assert "{:.6f},{:.6f}".format(one["position"]["lat"], one["position"]["lng"]) in \
        links["baidu"]["app"]  # Baidu gets BD-09, latitude first


def test_a_check_in_earns_the_statement_line_once_and_no_more_than_the_cap(
        api, staff, keeper, new_worker, open_station, e2e_databases):
    current = api.get("/api/v1/points/rules", headers=staff).json()
    saved = api.put("/api/v1/points/rules", headers=staff,
                    json={"rules": RULES, "based_on_version": current["version"]})
    assert saved.status_code == 200, saved.text
    lat, lng = a_spot_of_its_own()
    stations = [open_station("打卡站{}".format(n), lat + 0.001 * n, lng,
                             keepers=[keeper.id]) for n in range(3)]
    rider = new_worker()

    def check_in(station):
        shown = api.get("/api/v1/stations/{}/check-in-codes".format(station["id"]),
                        headers=keeper.headers)
        assert shown.status_code == 200, shown.text
        return api.post("/api/v1/stations/{}/check-ins".format(station["id"]),
                        headers=rider.headers, json={"code": shown.json()["screen"]["code"]})
    first = check_in(stations[0])
    assert first.status_code == 201, first.text
    again = check_in(stations[0])
    assert (again.status_code, again.json()["counted"]) == (200, False)
    for station in stations[1:]:
        assert check_in(station).status_code == 201

    def station_lines():
        items = api.get("/api/v1/me/points/entries", headers=rider.headers).json()["items"]
        return [item for item in items if item["reason_code"] == "station_visited"]
    visits = [e["_id"] for e in e2e_databases("stations").outbox.find(
        {"type": "station_visited", "envelope.data.worker_id": rider.id})]
    assert len(visits) == 3  # the repeat inside the window emitted nothing
    processed = e2e_databases("ledger").processed_events
    wait_for(lambda: all(processed.find_one({"_id": {"$regex": ":{}$".format(visit)}})
                         for visit in visits), what="the ledger taking the three visits")
    lines = station_lines()
    assert sorted(line["amount"] for line in lines) == [2, 2]  # the third: over the cap of 4
    assert len({line["line"] for line in lines}) == 2 and {line["line"] for line in lines} <= {
        "驿站「{}」打卡 +2".format(s["name"]) for s in stations}


def test_a_keeper_sets_their_station_full_but_cannot_touch_another(
        api, keeper, open_station, nothing_written):
    lat, lng = a_spot_of_its_own()
    mine = open_station("我的站", lat, lng, keepers=[keeper.id])
    theirs = open_station("别人的站", lat + 0.01, lng)
    full = api.put("/api/v1/stations/{}/live-status".format(mine["id"]),
                   headers=keeper.headers, json={"status": "full", "note": "人满了"})
    assert full.status_code == 200 and full.json()["status"]["full"] is True
    with nothing_written():
        assert_error(api.patch("/api/v1/stations/" + theirs["id"], headers=keeper.headers,
                               json={"amenities": ["toilet"]}), 403, "NOT_YOUR_STATION")
        assert_error(api.put("/api/v1/stations/{}/live-status".format(theirs["id"]),
                             headers=keeper.headers, json={"status": "full"}),
                     403, "NOT_YOUR_STATION")


def test_bad_input_is_a_4xx_with_a_code_and_writes_nothing(
        api, new_worker, open_station, nothing_written):
    lat, lng = a_spot_of_its_own()
    station = open_station("校验站", lat, lng)
    rider = new_worker()
    nearest = "/api/v1/stations/nearest"
    route = [{"lat": lat, "lng": lng + 0.0001 * n} for n in range(501)]
    with nothing_written():
        for params in ({"lat": 91, "lng": lng}, {"lat": lat, "lng": -181},
                       {"lat": lat, "lng": lng, "system": "utm"},
                       {"lat": lat, "lng": lng, "amenities": "spa"}, {"lng": lng}):
            assert_error(api.get(nearest, headers=rider.headers, params=params),
                         422, "VALIDATION_FAILED")
        assert_error(api.post("/api/v1/stations/along-route", headers=rider.headers,
                              json={"route": route}), 422, "VALIDATION_FAILED")
        assert_error(api.post("/api/v1/stations/nope/check-ins", headers=rider.headers,
                              json={"code": "000000"}), 404, "STATION_NOT_FOUND")
        assert_error(api.post("/api/v1/stations", headers=rider.headers,
                              json=station_body("越权站", lat, lng)), 403, "FORBIDDEN")
    # A wrong code writes one thing: it counts towards the pause on guessing.
    assert_error(api.post("/api/v1/stations/{}/check-ins".format(station["id"]),
                          headers=rider.headers, json={"code": "000000"}),
                 403, "WRONG_CHECKIN_CODE")
