"""The gateway refuses taps that cannot succeed without asking courses: the
refusal is the service's own answer, and the service never sees the request
(its log, which records every call with the request id, does not have it)."""
from datetime import datetime, timedelta, timezone

from tests.e2e.conftest import assert_error, request_id
from tests.support.broker import wait_for


def at(**delta):
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat()


def logged(system, name, rid):
    path = system.log_dir / "{}.log".format(name)
    return path.exists() and rid in path.read_text(errors="replace")


def test_not_open_and_full_are_answered_by_the_gateway(api, system, staff, new_worker):
    created = api.post("/api/v1/classes", headers=staff, json={
        "title": "职工制香研学公益培训班", "category": "incense",
        "venue": {"address": "海盐县秦山街道 红色驿站"},
        "starts_at": at(days=3), "ends_at": at(days=3, hours=2),
        "booking_opens_at": at(seconds=4), "seats": 1, "waitlist_limit": 0})
    assert created.status_code == 201, created.text
    class_id = created.json()["id"]
    assert api.post("/api/v1/classes/{}/publish".format(class_id), headers=staff).ok
    first, second, third = new_worker(), new_worker(), new_worker()
    path = "/api/v1/classes/{}/bookings".format(class_id)

    # Before opening: once class_published has reached the gateway, it answers.
    def refused_by_gateway():
        rid = request_id()
        answer = api.post(path, headers=dict(first.headers, **{"X-Request-Id": rid}))
        assert_error(answer, 409, "BOOKING_NOT_OPEN")
        return rid if wait_for(lambda: logged(system, "gateway", rid),
                               what="the gateway's log line") and \
            not logged(system, "courses-0", rid) else None
    rid = wait_for(refused_by_gateway, timeout=4, what="a refusal the service never saw")
    assert not logged(system, "courses-0", rid)

    # Open: one seat, no waitlist.
    keyed = dict(first.headers, **{"Idempotency-Key": "shortcut-key-0001"})
    booked = wait_for(lambda: (lambda r: r if r.status_code == 201 else None)(
        api.post(path, headers=keyed)), timeout=10, what="booking to open")
    assert booked.json()["status"] == "booked"
    # Full once class_full reaches the gateway; the holder still gets the truth.
    def full_from_gateway():
        rid = request_id()
        answer = api.post(path, headers=dict(second.headers, **{"X-Request-Id": rid}))
        assert_error(answer, 409, "CLASS_FULL")
        wait_for(lambda: logged(system, "gateway", rid), what="the gateway's log line")
        return rid if not logged(system, "courses-0", rid) else None
    wait_for(full_from_gateway, timeout=10, what="a full refusal the service never saw")
    # The holder: tapping again is answered by the gateway, from class_full's
    # list of holders; the retry of their keyed booking replays it (service).
    rid = request_id()
    again = api.post(path, headers=dict(first.headers, **{"X-Request-Id": rid}))
    assert_error(again, 409, "ALREADY_BOOKED")
    wait_for(lambda: logged(system, "gateway", rid), what="the gateway's log line")
    assert not logged(system, "courses-0", rid)
    replayed = api.post(path, headers=keyed)
    assert replayed.status_code == 201 and replayed.json() == booked.json()

    # A seat freed: the next tap reaches the service again and gets it.
    assert api.delete(path + "/me", headers=first.headers).status_code == 204
    rebooked = wait_for(lambda: (lambda r: r if r.status_code == 201 else None)(
        api.post(path, headers=third.headers)), timeout=10, what="the freed seat")
    assert rebooked.json()["status"] == "booked"
