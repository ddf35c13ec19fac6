"""stations' rules as pure functions: who manages a station, problem
reports that are confirmed and fade, the state now over the hours, when a
check-in counts, how a station is stored, and the demand report."""
from datetime import datetime, timedelta, timezone

import pytest
from marshmallow import ValidationError

from services.stations import demand, rules, schemas
from services.stations.hours import Status
from shared import coordinates, positions
from shared.caller import STATION_KEEPER, UNION_STAFF, WORKER, Caller
from shared.errors import Conflict, Forbidden, Unauthenticated

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)  # 12:00 in China
KEEPER = Caller(id="k1", roles=(WORKER, STATION_KEEPER), session_id="s")
STAFF = Caller(id="s1", roles=(WORKER, UNION_STAFF), session_id="s")
RIDER = Caller(id="w1", roles=(WORKER,), session_id="s")
OPEN_BY_HOURS = Status(state=schemas.OPEN, changes_at=None, reason="hours")


def station(**fields):
    base = {"_id": "st1", "name": "武原城市红色驿站", "kind": "red_themed", "district": "武原街道",
            "keepers": ["k1"], "status": schemas.ACTIVE, "reports": {},
            "live": {"status": schemas.NORMAL, "note": None, "at": NOW},
            "positions": {positions.WGS84: {"lat": 30.5236, "lng": 120.9421}}}
    return dict(base, **fields)


# ---- who manages a station ---------------------------------------------------------

def test_staff_manage_every_station_and_a_keeper_only_their_own():
    rules.check_manages(STAFF, station(keepers=[]))
    rules.check_manages(KEEPER, station())
    for caller, kept in ((KEEPER, station(keepers=["k2"])), (RIDER, station(keepers=["w1"]))):
        with pytest.raises(Forbidden) as raised:  # a rider listed without the role: no
            rules.check_manages(caller, kept)
        assert raised.value.code == "NOT_YOUR_STATION"
    with pytest.raises(Unauthenticated):
        rules.check_manages(Caller(), station())


def test_a_keeper_edits_their_station_but_not_who_keeps_it():
    rules.check_edit(KEEPER, station(), {"amenities": ["toilet"]})
    rules.check_edit(STAFF, station(), {"keepers": ["k2"]})
    with pytest.raises(Forbidden):
        rules.check_edit(KEEPER, station(), {"keepers": ["k1", "k9"]})


# ---- problem reports ---------------------------------------------------------------

def test_a_report_is_confirmed_by_others_and_fades_hours_after_the_last_of_them():
    report, confirmed = rules.reported(None, "w1", NOW)
    assert confirmed is False and rules.is_showing(report, NOW)
    later = NOW + timedelta(hours=2)
    same, confirmed = rules.reported(report, "w1", later)  # the same rider again: nothing
    assert (same, confirmed) == (report, True)
    report, confirmed = rules.reported(report, "w2", later)
    assert confirmed is True and report["reporters"] == ["w1", "w2"]
    assert report["first_at"] == NOW and report["last_at"] == later
    fades = later + timedelta(hours=rules.FADE_HOURS)
    assert rules.is_showing(report, fades - timedelta(seconds=1))
    assert not rules.is_showing(report, fades)
    again, confirmed = rules.reported(report, "w3", fades)  # faded: a new report
    assert confirmed is False and again == {"first_at": fades, "last_at": fades,
                                            "reporters": ["w3"]}


def test_the_showing_problems_say_their_age_oldest_first():
    old = {"first_at": NOW - timedelta(minutes=90), "last_at": NOW - timedelta(minutes=10),
           "reporters": ["w1", "w2"]}
    new = {"first_at": NOW - timedelta(minutes=5), "last_at": NOW - timedelta(minutes=5),
           "reporters": ["w3"]}
    faded = {"first_at": NOW - timedelta(hours=9), "last_at": NOW - timedelta(hours=4),
             "reporters": ["w4"]}
    shown = rules.showing_problems({"no_water": new, "charger_broken": old, "dirty": faded}, NOW)
    assert [(p["problem"], p["label"], p["age_minutes"], p["confirmations"]) for p in shown] == [
        ("charger_broken", "充电桩坏了", 90, 2), ("no_water", "没水了", 5, 1)]
    assert shown[0]["fades_at"] == NOW + timedelta(minutes=170)


# ---- the state now -----------------------------------------------------------------

def test_closed_by_staff_or_by_the_keeper_wins_over_the_hours():
    assert rules.status_now(station(), OPEN_BY_HOURS, NOW)["state"] == schemas.OPEN
    retired = rules.status_now(station(status=schemas.RETIRED), OPEN_BY_HOURS, NOW)
    assert (retired["state"], retired["reason"]) == (schemas.CLOSED, "retired")
    keeper = rules.status_now(station(live={"status": schemas.TEMPORARILY_CLOSED,
                                            "note": "停电检修", "at": NOW}), OPEN_BY_HOURS, NOW)
    assert (keeper["state"], keeper["reason"], keeper["live_note"]) == \
        (schemas.CLOSED, "keeper", "停电检修")
    assert not rules.is_open(keeper)


def test_full_is_shown_beside_the_state_and_unknown_hours_are_never_open():
    full = rules.status_now(station(live={"status": schemas.FULL, "note": None, "at": NOW}),
                            OPEN_BY_HOURS, NOW)
    assert (full["state"], full["full"]) == (schemas.OPEN, True) and rules.is_open(full)
    unknown = rules.status_now(station(), Status(schemas.HOURS_UNKNOWN, None, "unknown"), NOW)
    assert unknown["state"] == schemas.HOURS_UNKNOWN and not rules.is_open(unknown)
    soon = rules.status_now(station(), Status(schemas.CLOSING_SOON, NOW, "hours"), NOW)
    assert rules.is_open(soon)


# ---- check-ins ---------------------------------------------------------------------

def test_a_check_in_counts_once_every_few_hours():
    assert rules.counts(None, NOW)
    window = timedelta(hours=rules.CHECKIN_EVERY_HOURS)
    assert not rules.counts(NOW, NOW + window - timedelta(seconds=1))
    assert rules.counts(NOW, NOW + window)
    assert rules.next_counted_after(NOW) == NOW + window


def test_a_check_in_position_far_from_the_station_is_refused_with_the_distance():
    here = {"lat": 30.5236, "lng": 120.9421, "system": positions.WGS84, "accuracy_m": 20}
    rules.check_reach(station(), here)
    rules.check_reach(station(), dict(here, lat=30.5236 + 0.003, accuracy_m=300))  # ~333 m
    with pytest.raises(Conflict) as raised:
        rules.check_reach(station(), dict(here, lat=30.5236 + 0.003, accuracy_m=10))
    assert raised.value.code == "TOO_FAR_FROM_STATION"
    assert 320 < int(raised.value.details["distance_m"]) < 345


# ---- what is stored ----------------------------------------------------------------

def test_a_position_is_stored_in_every_system_the_entered_one_as_entered():
    placed = coordinates.in_every_system(
        {"lat": 30.521, "lng": 120.947, "system": positions.GCJ02})
    assert placed[positions.GCJ02] == {"lat": 30.521, "lng": 120.947}
    # Around Haiyan GCJ-02 lies ~280 m south and ~400 m east of WGS-84, and
    # BD-09 ~700 m north-east of GCJ-02 (its fixed 0.006/0.0065 degree shift).
    gcj, wgs, bd = (placed[s] for s in (positions.GCJ02, positions.WGS84, positions.BD09))
    assert -0.004 < gcj["lat"] - wgs["lat"] < -0.002 and 0.003 < gcj["lng"] - wgs["lng"] < 0.006
    assert 0.005 < bd["lat"] - gcj["lat"] < 0.007 and 0.0055 < bd["lng"] - gcj["lng"] < 0.0075


def test_closure_dates_are_stored_as_china_dates_once_each_in_order():
    loaded = schemas.Hours().load({"opening_hours": "Mo-Su 08:00-20:00",
                                   "closed_dates": ["2027-02-10", "2027-01-28", "2027-02-10"]})
    assert rules.stored({"hours": loaded})["hours"]["closed_dates"] == \
        ["2027-01-28", "2027-02-10"]


def test_a_red_themed_station_tells_a_story_and_others_do_not():
    base = {"kind": "outdoor_worker", "name": "沈荡镇户外劳动者服务站", "address": "沈荡镇",
            "district": "沈荡镇", "position": {"lat": 30.59, "lng": 120.84, "system": "gcj02"}}
    schemas.StationCreateRequest().load(base)
    for wrong in (dict(base, kind="red_themed"), dict(base, theme="红色摇篮", story="故事")):
        with pytest.raises(ValidationError):
            schemas.StationCreateRequest().load(wrong)
    with pytest.raises(ValidationError) as raised:
        schemas.StationCreateRequest().load(dict(base, hours={"opening_hours": "Mo-Fr 25:00"}))
    assert "opening_hours" in raised.value.messages["hours"]


def test_amenities_in_a_query_are_a_comma_separated_list_of_known_codes():
    loaded = schemas.NearestQuery().load({"lat": "30.5", "lng": "120.9",
                                          "amenities": "toilet,drinking_water,toilet"})
    assert loaded["amenities"] == ["drinking_water", "toilet"]
    with pytest.raises(ValidationError) as raised:
        schemas.NearestQuery().load({"lat": "30.5", "lng": "120.9", "amenities": "toilet,spa"})
    assert "spa" in str(raised.value.messages["amenities"])
    for bad in ({"lat": "91", "lng": "120"}, {"lat": "30", "lng": "181"},
                {"lat": "30", "lng": "120", "system": "utm"}, {"lat": "nan", "lng": "120"}):
        with pytest.raises(ValidationError):
            schemas.NearestQuery().load(bad)


# ---- demand ------------------------------------------------------------------------

def test_the_demand_report_counts_visits_by_hour_and_weekday_busiest_first():
    quiet, busy = station(_id="a", name="甲站"), station(_id="b", name="乙站")
    counts = {"b": {(12, 1): 3, (18, 1): 1, (12, 7): 2}}
    report = demand.report([quiet, busy], counts, 7, NOW.date(), NOW)
    assert [row["station_id"] for row in report["stations"]] == ["b", "a"]
    row = report["stations"][0]
    assert (row["visits"], row["by_hour"][12], row["by_hour"][18]) == (6, 5, 1)
    assert (row["by_weekday"][0], row["by_weekday"][6]) == (4, 2)
    assert report["stations"][1]["visits"] == 0 and sum(report["by_hour"]) == 6
    assert report["by_weekday"] == [4, 0, 0, 0, 0, 0, 2]


def test_hours_that_are_never_open_are_refused():
    with pytest.raises(ValidationError) as raised:
        schemas.Hours().load({"opening_hours": "Mo-Su off"})
    assert raised.value.messages["opening_hours"] == ["营业时间中没有任何开放时段"]



def test_a_route_leg_longer_than_a_road_leg_or_a_non_boolean_flag_is_refused():
    near = [{"lat": 30.50 + 0.1 * n, "lng": 120.90} for n in range(3)]
    schemas.AlongRouteRequest().load({"route": near, "open_now": True})
    for bad in ({"route": near + [{"lat": 30.95, "lng": 120.90}]},  # a 0.25 degree leg
                {"route": near, "open_now": 1}):
        with pytest.raises(ValidationError):
            schemas.AlongRouteRequest().load(bad)
