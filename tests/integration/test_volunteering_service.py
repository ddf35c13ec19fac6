"""volunteering over real RabbitMQ and the embedded MongoDB: publishing
activities (staff, keepers at their stations), signing up with a capped
place and a FIFO waitlist that moves up, no overlapping shifts, late
cancellations, check-in and check-out with the organizer's or the
station's code, hours clipped to the shift, confirmed once, the closing
sweep, the roster, the hours pending across activities for the staff, and
4xx answers to bad input with nothing written."""
from datetime import datetime, timedelta

import pytest

from services.stations.service import StationsService
from services.volunteering.service import VolunteeringService
from shared import checkin_codes
from shared.caller import STATION_KEEPER, WORKER, Caller
from shared.clock import utcnow
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.broker import wait_for
from tests.support.callers import STAFF, worker
from tests.support.concurrency import run_together
from tests.support.times import at

SERVICE = VolunteeringService
KEEPER = Caller(id="keeper-1", roles=(WORKER, STATION_KEEPER), session_id="s")
CONTACT = {"name": "赵凯锋", "phone": "13800000002"}
VENUE = {"name": "武原街道绮园公园服务站", "address": "海盐县武原街道绮园公园东门",
         "district": "武原街道", "position": {"lat": 30.5236, "lng": 120.9421, "system": "wgs84"}}


def activity_body(**fields):
    body = {"title": "清凉驿站送水", "description": "为户外劳动者送清凉",
            "venue": VENUE, "signup_closes_at": at(hours=20), "late_cancel_hours": 24,
            "skills": ["logistics"],
            "shifts": [{"starts_at": at(hours=48), "ends_at": at(hours=50), "places": 2,
                        "waitlist_limit": 2}]}
    body.update(fields)
    return body


@pytest.fixture
def publish_activity(as_staff):
    def make(**fields):
        return as_staff.publish_activity(activity_body(**fields))
    return make


def sign_up(rpc_as, caller, activity, shift=0, contact=CONTACT, key=None):
    return rpc_as(caller).volunteering.sign_up(
        activity["activity_id"], activity["shifts"][shift]["shift_id"],
        {"contact": contact, "note": ""}, idempotency_key=key)


# ---- publishing -------------------------------------------------------------------------

def test_staff_publish_an_activity_and_workers_see_its_places(publish_activity, rpc_as,
                                                              store):
    made = publish_activity()
    seen = rpc_as(worker()).volunteering.get_activity(made["activity_id"])
    (shift,) = seen["shifts"]
    assert (shift["places"], shift["places_left"], shift["waiting"]) == (2, 2, 0)
    assert seen["venue"]["district"] == "武原街道" and seen["mine"] == []
    assert store.db.outbox.count_documents({"type": "activity_published"}) == 1


def test_workers_cannot_publish_and_keepers_only_at_their_station(rpc_as, publish, store):
    with pytest.raises(Forbidden):
        rpc_as(worker()).volunteering.publish_activity(activity_body())
    for station_id, keepers in (("st-mine", [KEEPER.id]), ("st-other", ["someone"])):
        publish("stations", "station_opened", {
            "station_id": station_id, "name": "驿站" + station_id, "kind": "red_themed",
            "district": "武原街道", "address": "海盐县武原街道", "keepers": keepers,
            "position": {"lat": 30.52, "lng": 120.94, "system": "wgs84"},
            "amenities": [], "at": utcnow()})
        wait_for(lambda: store.db.stations.find_one({"_id": station_id}), what=station_id)
    keeper = rpc_as(KEEPER).volunteering
    mine = keeper.publish_activity(activity_body(venue=None, station_id="st-mine"))
    assert mine["venue"]["name"] == "驿站st-mine" and mine["organizer_id"] == KEEPER.id
    with pytest.raises(Forbidden) as refused:
        keeper.publish_activity(activity_body(venue=None, station_id="st-other"))
    assert refused.value.code == "NOT_YOUR_STATION"


@pytest.mark.parametrize("fields, field", [
    ({"shifts": []}, "shifts"),
    ({"signup_closes_at": at(hours=60)}, "signup_closes_at"),
    ({"venue": None}, "station_id"),
    ({"shifts": [{"starts_at": at(hours=48), "ends_at": at(hours=47), "places": 2}]},
     "shifts"),
    ({"shifts": [{"starts_at": at(hours=48), "ends_at": at(hours=50), "places": 2},
                 {"starts_at": at(hours=49), "ends_at": at(hours=51), "places": 2}]},
     "shifts"),
])
def test_bad_activities_are_refused_and_nothing_is_written(as_staff, store, fields, field):
    with pytest.raises(InvalidInput) as refused:
        as_staff.publish_activity(activity_body(**fields))
    assert field in refused.value.details
    assert store.db.activities.count_documents({}) == 0
    assert store.db.places.count_documents({}) == 0


# ---- signing up ----------------------------------------------------------------------------

def test_places_are_capped_and_the_line_moves_up_first_come_first_served(
        publish_activity, rpc_as, store):
    made = publish_activity()
    workers = [worker() for _ in range(5)]
    answers = [sign_up(rpc_as, w, made) for w in workers[:4]]
    assert [a["status"] for a in answers] == ["signed_up", "signed_up", "waitlisted",
                                               "waitlisted"]
    assert [a["position"] for a in answers] == [None, None, 1, 2]
    assert answers[0]["phone_masked"] == "138****0002"
    with pytest.raises(Conflict) as full:
        sign_up(rpc_as, workers[4], made)
    assert full.value.code == "SHIFT_FULL"

    shift_id = made["shifts"][0]["shift_id"]
    cancelled = rpc_as(workers[0]).volunteering.cancel_signup(made["activity_id"], shift_id)
    assert cancelled["late"] is False
    third = rpc_as(workers[2]).volunteering.get_activity(made["activity_id"])["mine"]
    fourth = rpc_as(workers[3]).volunteering.get_activity(made["activity_id"])["mine"]
    assert third[0]["status"] == "signed_up"
    assert (fourth[0]["status"], fourth[0]["position"]) == ("waitlisted", 1)
    # The freed line place went to the back: a newcomer waits behind the fourth.
    newcomer = sign_up(rpc_as, workers[4], made)
    assert (newcomer["status"], newcomer["position"]) == ("waitlisted", 2)
    promoted = store.db.places.find_one({"holder": workers[2].id})
    assert promoted["promoted_at"] is not None


def test_a_worker_cannot_hold_two_overlapping_shifts(publish_activity, rpc_as):
    me = worker()
    first = publish_activity()
    overlapping = publish_activity(title="电动车安全检查", shifts=[
        {"starts_at": at(hours=49), "ends_at": at(hours=50), "places": 5}])
    later = publish_activity(title="防诈骗宣讲", shifts=[
        {"starts_at": at(hours=50), "ends_at": at(hours=52), "places": 5}])
    sign_up(rpc_as, me, first)
    with pytest.raises(Conflict) as clash:
        sign_up(rpc_as, me, overlapping)
    assert clash.value.code == "OVERLAPPING_SHIFT"
    with pytest.raises(Conflict) as again:
        sign_up(rpc_as, me, first)
    assert again.value.code == "ALREADY_SIGNED_UP"
    assert sign_up(rpc_as, me, later)["status"] == "signed_up"  # 50:00 is when first ends
    rpc_as(me).volunteering.cancel_signup(first["activity_id"],
                                          first["shifts"][0]["shift_id"])
    assert sign_up(rpc_as, me, overlapping)["status"] == "signed_up"


def test_two_taps_of_one_worker_on_overlapping_shifts_take_one(publish_activity, rpc_as,
                                                               store):
    me = worker()
    activities = [publish_activity(title="活动{}".format(n)) for n in range(4)]
    outcomes = run_together([lambda a=a: sign_up(rpc_as, me, a) for a in activities])
    taken = [o for o in outcomes if isinstance(o, dict)]
    assert len(taken) == 1 and sorted(o for o in outcomes if isinstance(o, str)) == \
        ["OVERLAPPING_SHIFT"] * 3
    assert store.db.places.count_documents({"holder": me.id}) == 1


def test_many_workers_for_the_last_place_never_oversubscribe(publish_activity, rpc_as, store):
    made = publish_activity(shifts=[{"starts_at": at(hours=48), "ends_at": at(hours=50),
                                     "places": 3, "waitlist_limit": 2}])
    outcomes = run_together([lambda w=worker(): sign_up(rpc_as, w, made) for _ in range(12)])
    statuses = sorted(o["status"] if isinstance(o, dict) else o for o in outcomes)
    assert statuses.count("signed_up") == 3 and statuses.count("waitlisted") == 2
    assert all(s in ("signed_up", "waitlisted", "SHIFT_FULL", "BUSY") for s in statuses)
    shift_id = made["shifts"][0]["shift_id"]
    assert store.db.places.count_documents({"shift_id": shift_id, "holder": {"$ne": None}}) == 3
    positions = sorted(o["position"] for o in outcomes
                       if isinstance(o, dict) and o["status"] == "waitlisted")
    assert positions == [1, 2]


def test_a_retried_sign_up_with_its_key_gets_the_same_answer(publish_activity, rpc_as):
    made, me = publish_activity(), worker()
    first = sign_up(rpc_as, me, made, key="signup-key-0001")
    again = sign_up(rpc_as, me, made, key="signup-key-0001")
    assert again == first
    other = publish_activity(title="助老服务", shifts=[
        {"starts_at": at(hours=80), "ends_at": at(hours=81), "places": 2}])
    with pytest.raises(Conflict) as reused:
        sign_up(rpc_as, me, other, key="signup-key-0001")
    assert reused.value.code == "IDEMPOTENCY_KEY_REUSED"


def test_cancelling_inside_the_late_window_is_recorded_as_late(publish_activity, rpc_as,
                                                                as_staff):
    made, me = publish_activity(late_cancel_hours=72), worker()
    sign_up(rpc_as, me, made)
    answer = rpc_as(me).volunteering.cancel_signup(made["activity_id"],
                                                   made["shifts"][0]["shift_id"])
    assert answer["late"] is True
    roster = as_staff.get_roster(made["activity_id"], {})
    assert roster["totals"]["late_cancellations"] == 1
    assert roster["items"][0]["status"] == "cancelled_by_worker"
    assert roster["items"][0]["phone"] == CONTACT["phone"]  # the organizer calls it


def test_cancelling_an_activity_ends_every_sign_up_and_tells_them(publish_activity, rpc_as,
                                                                   as_staff, store):
    made = publish_activity()
    workers = [worker() for _ in range(3)]
    for w in workers:
        sign_up(rpc_as, w, made)
    as_staff.cancel_activity(made["activity_id"], {"reason": "台风预警"})
    (event,) = [doc["envelope"] for doc in store.db.outbox.find({"type": "activity_cancelled"})]
    assert event["data"]["worker_ids"] == sorted(w.id for w in workers)
    assert store.db.places.count_documents({"holder": {"$ne": None}}) == 0
    with pytest.raises(Conflict) as closed:
        sign_up(rpc_as, worker(), made)
    assert closed.value.code == "ACTIVITY_CANCELLED"


def test_places_cannot_shrink_below_those_held_and_added_places_move_the_line(
        publish_activity, rpc_as, as_staff):
    made = publish_activity()
    workers = [worker() for _ in range(3)]
    for w in workers:
        sign_up(rpc_as, w, made)
    shift = dict(made["shifts"][0])
    edit = {key: shift[key] for key in ("shift_id", "starts_at", "ends_at", "waitlist_limit")}
    with pytest.raises(Conflict) as in_use:
        as_staff.update_activity(made["activity_id"], {"shifts": [dict(edit, places=1)]})
    assert in_use.value.code == "PLACES_IN_USE"
    grown = as_staff.update_activity(made["activity_id"], {"shifts": [dict(edit, places=3)]})
    assert (grown["shifts"][0]["places_left"], grown["shifts"][0]["waiting"]) == (0, 0)


# ---- at the venue ---------------------------------------------------------------------------

@pytest.fixture
def soon(publish_activity):
    """An activity whose shift starts in 10 minutes: check-in is open."""
    return publish_activity(signup_closes_at=at(minutes=5), shifts=[
        {"starts_at": at(minutes=10), "ends_at": at(hours=2), "places": 5}])


def organizer_code(as_staff, activity):
    return as_staff.get_organizer_code(activity["activity_id"])["code"]


def test_check_in_and_out_with_the_organizers_code(soon, rpc_as, as_staff):
    me = worker()
    sign_up(rpc_as, me, soon)
    mine = rpc_as(me).volunteering
    shift_id = soon["shifts"][0]["shift_id"]
    with pytest.raises(Forbidden) as wrong:
        mine.check_in_shift(soon["activity_id"], shift_id, {"code": "000000"})
    assert wrong.value.code == "WRONG_CHECKIN_CODE"
    code = organizer_code(as_staff, soon)
    far = {"lat": 30.60, "lng": 120.94, "system": "wgs84", "accuracy_m": 20}
    with pytest.raises(Conflict) as too_far:
        mine.check_in_shift(soon["activity_id"], shift_id, {"code": code, "position": far})
    assert too_far.value.code == "TOO_FAR_FROM_VENUE"
    checked = mine.check_in_shift(soon["activity_id"], shift_id, {"code": code})
    assert checked["attendance"] == "checked_in"
    with pytest.raises(Conflict):
        mine.check_in_shift(soon["activity_id"], shift_id, {"code": code})
    out = mine.check_out_shift(soon["activity_id"], shift_id, {"code": code})
    # Both taps before the shift started: clipped to the shift, nothing served.
    assert (out["attendance"], out["hours"]) == ("checked_out", 0.0)


def test_check_in_opens_shortly_before_the_shift(publish_activity, rpc_as, as_staff):
    made, me = publish_activity(), worker()
    sign_up(rpc_as, me, made)
    with pytest.raises(Conflict) as early:
        rpc_as(me).volunteering.check_in_shift(made["activity_id"], made["shifts"][0]["shift_id"],
                                         {"code": organizer_code(as_staff, made)})
    assert early.value.code == "CHECKIN_NOT_OPEN"


def test_the_stations_code_is_checked_by_stations(run_service, rpc_as, publish_activity,
                                                   store):
    stations = run_service(StationsService, CATALOG_REFRESH_SECONDS=0)
    staff = rpc_as(STAFF)
    station = staff.stations.create_station({
        "kind": "red_themed", "name": "海盐武原城市红色驿站", "address": "海盐县武原街道",
        "district": "武原街道", "position": {"lat": 30.5236, "lng": 120.9421,
                                          "system": "wgs84"},
        "amenities": [], "theme": "红色", "story": "嘉里红驿",
        "hours": {"open_24h": True, "opening_hours": None, "closed_dates": []}})
    wait_for(lambda: store.db.stations.find_one({"_id": station["id"]}), what="the station")
    made = staff.volunteering.publish_activity(activity_body(
        venue=None, station_id=station["id"], signup_closes_at=at(minutes=5),
        shifts=[{"starts_at": at(minutes=10), "ends_at": at(hours=1), "places": 3}]))
    me = worker()
    sign_up(rpc_as, me, made)
    secret = stations.db.stations.find_one({"_id": station["id"]})["secret"]
    code, _until = checkin_codes.screen_code(secret, utcnow())
    mine = rpc_as(me).volunteering
    shift_id = made["shifts"][0]["shift_id"]
    with pytest.raises(Forbidden) as wrong:
        mine.check_in_shift(made["activity_id"], shift_id, {"code": "12345"})
    assert wrong.value.code == "WRONG_CHECKIN_CODE"
    assert mine.check_in_shift(made["activity_id"], shift_id, {"code": code})["attendance"] == \
        "checked_in"


# ---- hours ------------------------------------------------------------------------------------

def past_shift(store, activity, hours_ago=3, hours_long=2.5):
    """Move the activity's shift into the past, as the days would (the store
    verbs take ``now``; the shift's times are the only thing moved)."""
    start = utcnow() - timedelta(hours=hours_ago)
    end = start + timedelta(hours=hours_long)
    shift_id = activity["shifts"][0]["shift_id"]
    store.db.activities.update_one(
        {"_id": activity["activity_id"], "shifts.shift_id": shift_id},
        {"$set": {"shifts.$.starts_at": start, "shifts.$.ends_at": end,
                  "first_starts_at": start, "last_ends_at": end}})
    for name in ("places", "waitlist"):
        store.db[name].update_many({"shift_id": shift_id},
                                   {"$set": {"starts_at": start, "ends_at": end}})
    return start, end


def attended(store, activity, caller, checked_in, checked_out):
    place = store.my_place(activity["shifts"][0]["shift_id"], caller.id)
    place, _ = store.check_in(place, checked_in)
    if checked_out is not None:
        store.check_out(place, checked_out)


def test_hours_are_clipped_confirmed_once_and_reach_the_statement_once(
        publish_activity, rpc_as, as_staff, store):
    made = publish_activity()
    early, late = worker(), worker()
    for w in (early, late):
        sign_up(rpc_as, w, made)
    start, end = past_shift(store, made)
    attended(store, made, early, start - timedelta(minutes=20), end + timedelta(hours=2))
    attended(store, made, late, start + timedelta(hours=1), end - timedelta(minutes=3))
    roster = as_staff.get_roster(made["activity_id"], {})
    served = {item["worker_id"]: item["hours"]["served"] for item in roster["items"]}
    assert served == {early.id: 2.5, late.id: 1.4}
    first = as_staff.confirm_hours(made["activity_id"], {})
    assert sorted(first["confirmed"]) == sorted(i["signup_id"] for i in roster["items"])
    again = as_staff.confirm_hours(made["activity_id"], {"signup_ids": first["confirmed"]})
    assert again["confirmed"] == [] and sorted(again["unchanged"]) == sorted(first["confirmed"])
    mine = rpc_as(early).volunteering.get_my_volunteering()
    assert mine["total_hours"] == 2.5 and mine["past"][0]["hours"]["state"] == "confirmed"


def test_adjusting_and_declining_take_a_reason_and_happen_once(publish_activity, rpc_as,
                                                               as_staff, store):
    made = publish_activity()
    came, absent = worker(), worker()
    for w in (came, absent):
        sign_up(rpc_as, w, made)
    past_shift(store, made)
    signups = {i["worker_id"]: i["signup_id"]
               for i in as_staff.get_roster(made["activity_id"], {})["items"]}
    with pytest.raises(InvalidInput):
        as_staff.adjust_hours(made["activity_id"], signups[came.id], {"hours": 2})
    adjusted = as_staff.adjust_hours(made["activity_id"], signups[came.id],
                                     {"hours": 2, "reason": "忘记签到,组织者确认在场"})
    assert adjusted["hours"]["credited"] == 2.0 and adjusted["hours"]["state"] == "confirmed"
    with pytest.raises(Conflict) as decided:
        as_staff.decline_hours(made["activity_id"], signups[came.id], {"reason": "重复"})
    assert decided.value.code == "HOURS_ALREADY_DECIDED"
    declined = as_staff.decline_hours(made["activity_id"], signups[absent.id],
                                      {"reason": "未到场"})
    assert declined["hours"]["state"] == "declined"


def test_the_sweep_checks_out_the_forgetful_flagged_and_marks_no_shows(
        publish_activity, rpc_as, as_staff, store):
    made = publish_activity()
    forgot, absent = worker(), worker()
    for w in (forgot, absent):
        sign_up(rpc_as, w, made)
    start, end = past_shift(store, made, hours_ago=4, hours_long=2)
    attended(store, made, forgot, start + timedelta(minutes=30), None)
    store.close_ended_shifts(utcnow())
    items = {i["worker_id"]: i for i in as_staff.get_roster(made["activity_id"], {})["items"]}
    assert items[forgot.id]["flag"] == "no_checkout"
    assert items[forgot.id]["hours"]["served"] == 1.5  # to the shift's end, no longer
    assert items[absent.id]["attendance"] == "no_show"
    # A bulk confirmation leaves the flagged record for a look.
    assert as_staff.confirm_hours(made["activity_id"], {})["confirmed"] == []
    totals = as_staff.get_roster(made["activity_id"], {})["totals"]
    assert (totals["no_shows"], totals["attended"]) == (1, 1)


def test_staff_list_the_hours_pending_in_every_activity_oldest_shift_first(
        publish_activity, rpc_as, as_staff, store):
    older = publish_activity(title="助老服务", shifts=[
        {"starts_at": at(hours=48), "ends_at": at(hours=50), "places": 3}])
    newer = publish_activity(shifts=[
        {"starts_at": at(hours=60), "ends_at": at(hours=62), "places": 3}])
    came, forgot, pending, confirmed, declined = (worker() for _ in range(5))
    signups = {w: sign_up(rpc_as, w, older)["signup_id"] for w in (came, forgot)}
    signups.update({w: sign_up(rpc_as, w, newer)["signup_id"]
                    for w in (pending, confirmed, declined)})
    as_staff.update_activity(newer["activity_id"], {"title": "清凉驿站送水(第二场)"})
    start, end = past_shift(store, older, hours_ago=6, hours_long=2)
    attended(store, older, came, start, end)
    attended(store, older, forgot, start + timedelta(minutes=30), None)
    start, end = past_shift(store, newer, hours_ago=3, hours_long=2)
    for w in (pending, confirmed, declined):
        attended(store, newer, w, start, end)
    store.close_ended_shifts(utcnow())  # the forgotten check-out: flagged, still pending
    as_staff.confirm_hours(newer["activity_id"], {"signup_ids": [signups[confirmed]]})
    as_staff.decline_hours(newer["activity_id"], signups[declined], {"reason": "未到场"})

    first = as_staff.list_pending_hours({"per_page": 2})
    assert (first["page"], first["per_page"], first["total"]) == (1, 2, 3)
    assert {item["signup_id"] for item in first["items"]} == {signups[came], signups[forgot]}
    shown = {item["signup_id"]: item for item in first["items"]}
    assert (shown[signups[came]]["hours"], shown[signups[came]]["flag"]) == (2.0, None)
    assert (shown[signups[forgot]]["hours"], shown[signups[forgot]]["flag"]) == \
        (1.5, "no_checkout")
    second = as_staff.list_pending_hours({"page": 2, "per_page": 2})
    (last,) = second["items"]
    assert second["total"] == 3 and last["signup_id"] == signups[pending]
    assert (last["activity_id"], last["activity_title"]) == \
        (newer["activity_id"], "清凉驿站送水(第二场)")  # the title now, not at sign-up
    assert [datetime.fromisoformat(last[key]) for key in ("starts_at", "ends_at")] == \
        [start, end]
    assert last["contact_name"] == CONTACT["name"] and "phone" not in last
    assert last["checked_in_at"] is not None and last["checked_out_at"] is not None
    assert as_staff.list_pending_hours({"page": 3, "per_page": 2})["items"] == []

    with pytest.raises(Forbidden):
        rpc_as(worker()).volunteering.list_pending_hours({})
    with pytest.raises(InvalidInput) as bad:
        as_staff.list_pending_hours({"per_page": 0})
    assert "per_page" in bad.value.details


def test_the_roster_exports_as_csv_with_a_bom(publish_activity, rpc_as, as_staff):
    made = publish_activity()
    sign_up(rpc_as, worker(), made)
    export = as_staff.export_roster_csv(made["activity_id"], {})
    assert export["content"].startswith("\ufeff班次,姓名,手机号")
    assert CONTACT["phone"] in export["content"] and export["filename"].endswith(".csv")


def test_only_the_organizer_sees_the_roster(publish_activity, rpc_as):
    made = publish_activity()
    with pytest.raises(Forbidden):
        rpc_as(worker()).volunteering.get_roster(made["activity_id"], {})
    with pytest.raises(NotFound):
        rpc_as(STAFF).volunteering.get_roster("no-such-activity", {})


# ---- certificates -------------------------------------------------------------------------------

def test_a_certificate_is_genuine_after_a_restart_and_a_changed_record_is_not(
        run_service, identity, logged_in, rpc_as, as_staff, service, store, anonymous):
    profile, _tokens, me = logged_in(name="林家浩")
    made = as_staff.publish_activity(activity_body())
    # No contact given: the sign-up takes the name and phone of my profile.
    answer = rpc_as(me).volunteering.sign_up(made["activity_id"],
                                             made["shifts"][0]["shift_id"], {})
    assert answer["contact_name"] == "林家浩"
    assert answer["phone_masked"] == profile["phone"][:3] + "****" + profile["phone"][-4:]
    start, end = past_shift(store, made)
    attended(store, made, me, start, end)
    as_staff.confirm_hours(made["activity_id"], {})
    download = rpc_as(me).volunteering.download_certificate()
    number = download["filename"].removeprefix("志愿服务记录证明-").removesuffix(".pdf")
    assert rpc_as(me).volunteering.download_certificate()["filename"] == download["filename"]

    service.stop()
    run_service(VolunteeringService)  # the same key, from the configuration
    verified = anonymous.volunteering.verify_certificate(number)
    assert verified["genuine"] is True and verified["total_hours"] == 2.5
    assert verified["volunteer_name"] == "林家浩"

    store.db.certificates.update_one({"_id": number},
                                     {"$set": {"content.activities.0.hours": 8.0}})
    assert anonymous.volunteering.verify_certificate(number)["genuine"] is False
    with pytest.raises(NotFound) as unknown:
        anonymous.volunteering.verify_certificate("HYZY-2026-999999")
    assert unknown.value.code == "CERTIFICATE_NOT_FOUND"


def test_no_certificate_without_confirmed_hours(publish_activity, rpc_as):
    with pytest.raises(Conflict) as refused:
        rpc_as(worker()).volunteering.download_certificate()
    assert refused.value.code == "NO_CONFIRMED_HOURS"


def test_attendance_is_recorded_after_the_shift_for_a_known_worker(
        publish_activity, as_staff, store, publish):
    made = publish_activity()
    base = (made["activity_id"], made["shifts"][0]["shift_id"])
    me = worker()
    publish("identity", "worker_registered", {
        "worker_id": me.id, "name": "濮岳良", "phone_masked": "138****0004",
        "occupation": "courier", "platform": "中通快递", "district": "沈荡镇",
        "roles": ["worker"], "registered_at": utcnow()})
    wait_for(lambda: store.db.workers.find_one({"_id": me.id}), what="the worker's facts")
    record = {"worker_id": me.id, "contact": {"name": "濮岳良", "phone": "13800000004"},
              "checked_in_at": at(hours=-3), "checked_out_at": at(hours=-1),
              "reason": "纸质签到表补录"}
    with pytest.raises(Conflict) as early:
        as_staff.record_shift_attendance(*base, record)
    assert early.value.code == "SHIFT_NOT_OVER"
    start, _end = past_shift(store, made, hours_ago=3, hours_long=2.5)
    record.update(checked_in_at=(start + timedelta(minutes=10)).isoformat(),
                  checked_out_at=(start + timedelta(hours=2, minutes=10)).isoformat())
    with pytest.raises(NotFound) as unknown:
        as_staff.record_shift_attendance(*base, dict(record, worker_id="nobody"))
    assert unknown.value.code == "WORKER_NOT_FOUND"
    entry = as_staff.record_shift_attendance(*base, record)
    assert entry["hours"]["served"] == 2.0 and entry["recorded_reason"] == "纸质签到表补录"
    with pytest.raises(Conflict) as twice:
        as_staff.record_shift_attendance(*base, record)
    assert twice.value.code == "ALREADY_SIGNED_UP"
    assert as_staff.confirm_hours(made["activity_id"], {})["confirmed"] == [entry["signup_id"]]


def test_an_edit_names_a_shift_by_id_and_changes_only_what_it_gives(publish_activity,
                                                                     as_staff):
    made = publish_activity()
    shift_id = made["shifts"][0]["shift_id"]
    grown = as_staff.update_activity(made["activity_id"],
                                     {"shifts": [{"shift_id": shift_id, "places": 4}]})
    (shift,) = grown["shifts"]
    assert (shift["places"], shift["waitlist_limit"], shift["starts_at"]) == \
        (4, 2, made["shifts"][0]["starts_at"])
    with pytest.raises(InvalidInput) as incomplete:
        as_staff.update_activity(made["activity_id"], {"shifts": [{"places": 4}]})
    assert "shifts" in incomplete.value.details
    with pytest.raises(InvalidInput) as reversed_times:
        as_staff.update_activity(made["activity_id"], {"shifts": [
            {"shift_id": shift_id, "ends_at": made["shifts"][0]["starts_at"]}]})
    assert "ends_at" in reversed_times.value.details
    with pytest.raises(NotFound):
        as_staff.update_activity(made["activity_id"], {"shifts": [{"shift_id": "nope"}]})
