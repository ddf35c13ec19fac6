"""盐工学堂 over HTTP through the real gateway: staff create, edit and publish
classes; workers browse, book (seat, waitlist, refusals), replay with an
Idempotency-Key, cancel and confirm offers; members-only classes follow
identity's membership_approved event; and a rush of workers on a few seats."""
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
import requests

from shared.tokens import encode_access_token
from tests.conftest import TEST_JWT_SECRET
from tests.e2e.conftest import assert_error, bearer
from tests.support.broker import wait_for

CLASSES = "/api/v1/classes"
MY_BOOKINGS = "/api/v1/me/bookings"
COURSES_COLLECTIONS = ("classes", "seats", "places")
CHINA = timezone(timedelta(hours=8))


def utcnow():
    return datetime.now(timezone.utc)


def class_body(**overrides):
    """A valid create body: booking opened a minute ago, class in three days."""
    now = utcnow()
    starts = now + timedelta(days=3)
    body = {"title": "茶艺体验课", "category": "tea_art", "teacher": "沈老师",
            "description": "海盐茶文化与冲泡入门", "venue": {"address": "武原街道红驿驿站"},
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "seats": 2, "booking_opens_at": (now - timedelta(minutes=1)).isoformat()}
    body.update(overrides)
    return body


def class_path(class_id, tail=""):
    return "{}/{}{}".format(CLASSES, class_id, tail)


def book(api, worker, class_id, key=None):
    headers = dict(worker.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.post(class_path(class_id, "/bookings"), headers=headers)


def view(api, worker, class_id):
    response = api.get(class_path(class_id), headers=worker.headers)
    assert response.status_code == 200, response.text
    return response.json()


def listed_ids(api, headers, **params):
    response = api.get(CLASSES, params=dict(params, per_page=100), headers=headers)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] <= 100, "more classes than one page; the test would miss some"
    return [item["id"] for item in page["items"]]


def new_key():
    return uuid.uuid4().hex


@pytest.fixture(scope="module")
def courses_db(e2e_databases):
    return e2e_databases("courses")


@pytest.fixture(scope="module")
def staff(system, staff_account):
    """One staff login for the module (each login is an Argon2 check; the
    tests here are not about staff sessions)."""
    response = requests.post(system.url + "/api/v1/auth/login", timeout=30, json={
        "phone": staff_account["phone"], "password": staff_account["password"]})
    assert response.status_code == 200, response.text
    return bearer(response.json())


@pytest.fixture
def make_class(api, staff):
    """make_class(publish=True, **fields) -> the class as the gateway answered."""
    def make(publish=True, **overrides):
        created = api.post(CLASSES, json=class_body(**overrides), headers=staff)
        assert created.status_code == 201, created.text
        cls = created.json()
        if publish:
            published = api.post(class_path(cls["id"], "/publish"), headers=staff)
            assert published.status_code == 200, published.text
            cls = published.json()
            assert cls["status"] == "published"
        return cls
    return make


def counts(db):
    return {name: db[name].count_documents({}) for name in COURSES_COLLECTIONS}


# ---- staff: create, edit, publish; workers browse --------------------------

def test_staff_create_edit_publish_and_workers_browse(api, staff, new_worker, make_class):
    worker = new_worker()
    draft = make_class(publish=False, title="制香体验课", category="incense", seats=3)
    assert draft["status"] == "draft"
    assert (draft["seats"], draft["seats_left"], draft["waitlist_length"]) == (3, 3, 0)
    assert draft["waitlist_limit"] == 3  # default: as many as the seats
    assert draft["booking_closes_at"] is not None
    assert datetime.fromisoformat(draft["booking_closes_at"]) == \
        datetime.fromisoformat(draft["starts_at"])
    class_id = draft["id"]

    # A draft is staff's business only.
    assert_error(api.get(class_path(class_id), headers=worker.headers), 404, "CLASS_NOT_FOUND")
    assert class_id not in listed_ids(api, worker.headers)
    assert api.get(class_path(class_id), headers=staff).json()["status"] == "draft"
    assert_error(book(api, worker, class_id), 409, "CLASS_NOT_BOOKABLE")

    patched = api.patch(class_path(class_id), json={"title": "制香体验课(第二期)", "seats": 1},
                        headers=staff)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["title"], patched.json()["seats"], patched.json()["seats_left"]) == \
        ("制香体验课(第二期)", 1, 1)

    published = api.post(class_path(class_id, "/publish"), headers=staff)
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    assert_error(api.post(class_path(class_id, "/publish"), headers=staff),
                 409, "ALREADY_PUBLISHED")

    seen = view(api, worker, class_id)
    assert (seen["title"], seen["seats_left"], seen["waitlist_length"]) == \
        ("制香体验课(第二期)", 1, 0)
    assert seen["my_booking"] is None

    assert class_id in listed_ids(api, worker.headers, category="incense")
    assert class_id not in listed_ids(api, worker.headers, category="tea_art")
    assert class_id in listed_ids(api, worker.headers, has_seats="true")

    # Its only seat taken: no longer among classes with seats, still listed.
    assert book(api, worker, class_id).status_code == 201
    assert class_id not in listed_ids(api, worker.headers, has_seats="true")
    assert class_id in listed_ids(api, worker.headers, category="incense")
    assert_error(api.get(CLASSES, params={"category": "knitting"}, headers=worker.headers),
                 422, "VALIDATION_FAILED")


def test_adding_seats_offers_them_to_the_waitlist(api, staff, new_worker, make_class):
    first, second = new_worker(), new_worker()
    cls = make_class(seats=1, waitlist_limit=2)
    assert book(api, first, cls["id"]).status_code == 201
    assert book(api, second, cls["id"]).status_code == 202

    patched = api.patch(class_path(cls["id"]), json={"seats": 2}, headers=staff)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["seats"], patched.json()["waitlist_length"]) == (2, 0)
    assert view(api, second, cls["id"])["my_booking"]["status"] == "offered"

    shrink = api.patch(class_path(cls["id"]), json={"seats": 1}, headers=staff)
    assert_error(shrink, 409, "SEATS_IN_USE")


# ---- booking ---------------------------------------------------------------

def test_book_waitlist_full_cancel_offer_confirm(api, new_worker, make_class):
    first, second, third = new_worker(), new_worker(), new_worker()
    cls = make_class(seats=1, waitlist_limit=1)
    class_id = cls["id"]

    booked = book(api, first, class_id)
    assert booked.status_code == 201, booked.text
    assert booked.json()["status"] == "booked" and booked.json()["class_id"] == class_id
    assert booked.json()["position"] is None
    assert_error(book(api, first, class_id), 409, "ALREADY_BOOKED")

    waitlisted = book(api, second, class_id)
    assert waitlisted.status_code == 202, waitlisted.text
    assert (waitlisted.json()["status"], waitlisted.json()["position"]) == ("waitlisted", 1)
    assert_error(book(api, second, class_id), 409, "ALREADY_WAITLISTED")
    assert_error(book(api, third, class_id), 409, "CLASS_FULL")

    seen = view(api, second, class_id)
    assert (seen["seats_left"], seen["waitlist_length"]) == (0, 1)
    assert seen["my_booking"]["status"] == "waitlisted"
    assert seen["my_booking"]["position"] == 1
    assert view(api, first, class_id)["my_booking"]["status"] == "booked"
    assert view(api, third, class_id)["my_booking"] is None

    mine = api.get(MY_BOOKINGS, headers=first.headers)
    assert mine.status_code == 200, mine.text
    assert [(b["class_id"], b["status"]) for b in mine.json()["items"]] == [(class_id, "booked")]

    # The booked worker cancels: the seat goes to the first in line as an offer.
    cancelled = api.delete(class_path(class_id, "/bookings/me"), headers=first.headers)
    assert cancelled.status_code == 204, cancelled.text
    assert view(api, first, class_id)["my_booking"] is None
    assert api.get(MY_BOOKINGS, headers=first.headers).json()["items"] == []
    assert_error(api.delete(class_path(class_id, "/bookings/me"), headers=first.headers),
                 404, "BOOKING_NOT_FOUND")
    assert_error(api.post(class_path(class_id, "/bookings/me/confirm"), headers=first.headers),
                 409, "NO_OFFER")

    seen = view(api, second, class_id)
    assert seen["my_booking"]["status"] == "offered"
    assert datetime.fromisoformat(seen["my_booking"]["offer_expires_at"]) > utcnow()
    assert (seen["seats_left"], seen["waitlist_length"]) == (0, 0)
    offers = api.get(MY_BOOKINGS, headers=second.headers).json()["items"]
    assert [(b["class_id"], b["status"]) for b in offers] == [(class_id, "offered")]

    confirmed = api.post(class_path(class_id, "/bookings/me/confirm"), headers=second.headers)
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["status"], confirmed.json()["class_id"]) == ("booked", class_id)
    assert view(api, second, class_id)["my_booking"]["status"] == "booked"
    assert [(b["class_id"], b["status"]) for b in
            api.get(MY_BOOKINGS, headers=second.headers).json()["items"]] == \
        [(class_id, "booked")]
    assert_error(api.post(class_path(class_id, "/bookings/me/confirm"), headers=second.headers),
                 409, "NO_OFFER")

    # The line is empty again, so the third worker now gets a place in it.
    late = book(api, third, class_id)
    assert late.status_code == 202, late.text
    assert late.json()["position"] == 1


def test_booking_not_open_names_the_opening_time(api, new_worker, make_class):
    worker = new_worker()
    opens = (utcnow() + timedelta(hours=2)).replace(microsecond=0)
    cls = make_class(booking_opens_at=opens.isoformat())
    body = assert_error(book(api, worker, cls["id"]), 409, "BOOKING_NOT_OPEN")
    local = datetime.fromisoformat(body["details"]["booking_opens_at"])
    assert local.utcoffset() == timedelta(hours=8)
    assert local == opens
    assert local.astimezone(CHINA).strftime("%H:%M") in body["message"]
    assert view(api, worker, cls["id"])["seats_left"] == cls["seats"]


def test_booking_closed(api, new_worker, make_class):
    worker = new_worker()
    now = utcnow()
    cls = make_class(booking_opens_at=(now - timedelta(hours=2)).isoformat(),
                     booking_closes_at=(now - timedelta(hours=1)).isoformat())
    assert_error(book(api, worker, cls["id"]), 409, "BOOKING_CLOSED")
    assert view(api, worker, cls["id"])["seats_left"] == cls["seats"]


def test_members_only_until_membership_is_approved(api, staff, new_worker, make_class):
    worker = new_worker()
    cls = make_class(members_only=True, title="法律小讲堂", category="law")
    assert cls["members_only"] is True
    assert_error(book(api, worker, cls["id"]), 403, "MEMBERS_ONLY")
    assert view(api, worker, cls["id"])["seats_left"] == cls["seats"]

    applied = api.post("/api/v1/membership/applications", json={"employer": "海盐美团配送站"},
                       headers=worker.headers)
    assert applied.status_code == 201, applied.text
    approved = api.post("/api/v1/membership/applications/{}/approve".format(
        applied.json()["id"]), headers=staff)
    assert approved.status_code == 200, approved.text

    # courses learns of it from identity's membership_approved event.
    def booked():
        response = book(api, worker, cls["id"])
        if response.status_code == 403 and response.json()["error"] == "MEMBERS_ONLY":
            return None
        return response
    response = wait_for(booked, timeout=20, interval=0.3,
                        what="courses to learn of the approved membership")
    assert response.status_code == 201, response.text
    assert view(api, worker, cls["id"])["my_booking"]["status"] == "booked"


# ---- Idempotency-Key -------------------------------------------------------

def test_same_idempotency_key_same_answer_one_seat(api, new_worker, make_class):
    worker = new_worker()
    cls = make_class(seats=3)
    key = new_key()
    first = book(api, worker, cls["id"], key)
    again = book(api, worker, cls["id"], key)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert first.json() == again.json()
    assert view(api, worker, cls["id"])["seats_left"] == 2

    # Without the key, a repeat is a second booking attempt, refused.
    assert_error(book(api, worker, cls["id"]), 409, "ALREADY_BOOKED")
    # The same key on another class is a different request.
    other = make_class()
    assert_error(book(api, worker, other["id"], key), 422, "IDEMPOTENCY_KEY_REUSED")
    assert view(api, worker, other["id"])["seats_left"] == other["seats"]


def test_idempotent_waitlist_and_a_refused_key(api, new_worker, make_class):
    holder, waiting = new_worker(), new_worker()
    cls = make_class(seats=1, waitlist_limit=2)
    assert book(api, holder, cls["id"]).status_code == 201
    key = new_key()
    first = book(api, waiting, cls["id"], key)
    again = book(api, waiting, cls["id"], key)
    assert first.status_code == again.status_code == 202, (first.text, again.text)
    assert first.json() == again.json()
    assert view(api, waiting, cls["id"])["waitlist_length"] == 1

    # A refusal took nothing, so its key is free: the same tap later, on a
    # class that has room, books; a key cannot take in two classes.
    now = utcnow()
    closed = make_class(booking_opens_at=(now - timedelta(hours=2)).isoformat(),
                        booking_closes_at=(now - timedelta(hours=1)).isoformat())
    refusal_key = new_key()
    assert_error(book(api, waiting, closed["id"], refusal_key), 409, "BOOKING_CLOSED")
    assert_error(book(api, waiting, closed["id"], refusal_key), 409, "BOOKING_CLOSED")
    roomy = make_class(seats=2)
    assert book(api, waiting, roomy["id"], refusal_key).status_code == 201
    assert_error(book(api, waiting, cls["id"], refusal_key), 422, "IDEMPOTENCY_KEY_REUSED")


MALFORMED_KEYS = ["short", "x" * 65, "has space-123", "a/b/c/d/e", "key.with.dots"]


def test_malformed_idempotency_key(api, new_worker, make_class):
    worker = new_worker()
    cls = make_class()
    for key in MALFORMED_KEYS:
        body = assert_error(book(api, worker, cls["id"], key), 422, "VALIDATION_FAILED")
        assert "idempotency_key" in body["details"], (key, body)
    seen = view(api, worker, cls["id"])
    assert (seen["seats_left"], seen["my_booking"]) == (cls["seats"], None)


# ---- who may do what, unknown classes ----------------------------------------

def test_worker_cannot_use_staff_routes(api, new_worker, make_class, courses_db):
    worker = new_worker()
    cls = make_class(publish=False)
    before = counts(courses_db)
    assert_error(api.post(CLASSES, json=class_body(), headers=worker.headers), 403, "FORBIDDEN")
    assert_error(api.patch(class_path(cls["id"]), json={"seats": 50}, headers=worker.headers),
                 403, "FORBIDDEN")
    assert_error(api.post(class_path(cls["id"], "/publish"), headers=worker.headers),
                 403, "FORBIDDEN")
    assert counts(courses_db) == before
    stored = courses_db.classes.find_one({"_id": cls["id"]})
    assert (stored["status"], stored["seats"]) == ("draft", cls["seats"])
    assert_error(api.get(CLASSES), 401, "AUTH_REQUIRED")
    assert_error(api.post(class_path(cls["id"], "/bookings")), 401, "AUTH_REQUIRED")


def test_unknown_class(api, staff, new_worker):
    worker = new_worker()
    missing = uuid.uuid4().hex
    assert_error(api.get(class_path(missing), headers=worker.headers), 404, "CLASS_NOT_FOUND")
    assert_error(book(api, worker, missing), 404, "CLASS_NOT_FOUND")
    assert_error(book(api, worker, missing, new_key()), 404, "CLASS_NOT_FOUND")
    assert_error(api.patch(class_path(missing), json={"title": "无"}, headers=staff),
                 404, "CLASS_NOT_FOUND")
    assert_error(api.post(class_path(missing, "/publish"), headers=staff),
                 404, "CLASS_NOT_FOUND")


# ---- bad bodies: 422 and nothing written -------------------------------------

def later(body, field, delta):
    return datetime.fromisoformat(body[field]) + delta


BAD_CREATES = [
    ("ends-before-starts", lambda b: dict(b, ends_at=later(b, "starts_at", -timedelta(
        hours=1)).isoformat()), "ends_at"),
    ("ends-at-start", lambda b: dict(b, ends_at=b["starts_at"]), "ends_at"),
    ("opens-after-start", lambda b: dict(b, booking_opens_at=later(b, "starts_at", timedelta(
        hours=1)).isoformat()), "booking_opens_at"),
    ("closes-after-start", lambda b: dict(b, booking_closes_at=later(b, "starts_at", timedelta(
        minutes=1)).isoformat()), "booking_closes_at"),
    ("seats-zero", lambda b: dict(b, seats=0), "seats"),
    ("seats-negative", lambda b: dict(b, seats=-5), "seats"),
    ("seats-too-many", lambda b: dict(b, seats=1001), "seats"),
    ("seats-string", lambda b: dict(b, seats="5"), "seats"),
    ("seats-float", lambda b: dict(b, seats=5.5), "seats"),
    ("waitlist-negative", lambda b: dict(b, waitlist_limit=-1), "waitlist_limit"),
    ("unknown-field", lambda b: dict(b, price_fen=100), "price_fen"),
    ("title-number", lambda b: dict(b, title=123), "title"),
    ("title-empty", lambda b: dict(b, title=""), "title"),
    ("title-missing", lambda b: {k: v for k, v in b.items() if k != "title"}, "title"),
    ("category-unknown", lambda b: dict(b, category="knitting"), "category"),
    ("members-only-list", lambda b: dict(b, members_only=[True]), "members_only"),
    ("starts-naive", lambda b: dict(b, starts_at="2030-05-01T10:00:00"), "starts_at"),
    ("starts-not-a-date", lambda b: dict(b, starts_at="next tuesday"), "starts_at"),
    ("venue-empty", lambda b: dict(b, venue={}), "venue"),
    ("venue-string", lambda b: dict(b, venue="红驿驿站"), "venue"),
    ("cover-not-url", lambda b: dict(b, cover_url="javascript:alert(1)"), "cover_url"),
]


@pytest.mark.parametrize("make_bad, field", [case[1:] for case in BAD_CREATES],
                         ids=[case[0] for case in BAD_CREATES])
def test_bad_create_bodies(api, staff, courses_db, make_bad, field):
    before = counts(courses_db)
    response = api.post(CLASSES, json=make_bad(class_body()), headers=staff)
    body = assert_error(response, 422, "VALIDATION_FAILED")
    assert field in body["details"], body
    assert counts(courses_db) == before


def test_bad_patches(api, staff, make_class, courses_db):
    cls = make_class(publish=False)
    before = counts(courses_db)
    for patch, field in [({}, "_schema"), ({"seats": 0}, "seats"),
                         ({"status": "published"}, "status"), ({"title": 5}, "title")]:
        body = assert_error(api.patch(class_path(cls["id"]), json=patch, headers=staff),
                            422, "VALIDATION_FAILED")
        assert field in body["details"], (patch, body)
    assert counts(courses_db) == before
    stored = courses_db.classes.find_one({"_id": cls["id"]})
    assert (stored["status"], stored["seats"], stored["title"]) == \
        ("draft", cls["seats"], cls["title"])


def test_patch_times_out_of_order_with_the_stored_ones(api, staff, make_class, courses_db):
    """A PATCH whose times are each valid but clash with the class's current
    ones (ends before the stored start) is refused with a 422, not a 500."""
    cls = make_class(publish=False)
    before = counts(courses_db)
    early_end = datetime.fromisoformat(cls["starts_at"]) - timedelta(hours=1)
    response = api.patch(class_path(cls["id"]), json={"ends_at": early_end.isoformat()},
                         headers=staff)
    assert response.status_code == 422, (response.status_code, response.text)
    assert response.json()["error"] == "VALIDATION_FAILED"
    assert "ends_at" in response.json()["details"]
    assert counts(courses_db) == before
    assert courses_db.classes.find_one({"_id": cls["id"]})["ends_at"] == \
        datetime.fromisoformat(cls["ends_at"])


def test_refusals_without_details_have_no_details_field(api, new_worker, make_class):
    worker = new_worker()
    cls = make_class(seats=1, waitlist_limit=0)
    assert book(api, worker, cls["id"]).status_code == 201
    body = assert_error(book(api, worker, cls["id"]), 409, "ALREADY_BOOKED")
    assert "details" not in body, body


# ---- the gateway's own refusals (gateway/class_facts.py) ----------------------

def test_a_place_left_in_line_can_be_taken(api, new_worker, make_class, courses_db):
    holder, waiting, late = new_worker(), new_worker(), new_worker()
    cls = make_class(seats=1, waitlist_limit=1)
    assert book(api, holder, cls["id"]).status_code == 201
    assert book(api, waiting, cls["id"]).status_code == 202  # now full: class_full
    assert_error(book(api, late, cls["id"]), 409, "CLASS_FULL")

    left = api.delete(class_path(cls["id"], "/bookings/me"), headers=waiting.headers)
    assert left.status_code == 204, left.text
    assert view(api, late, cls["id"])["waitlist_length"] == 0
    assert courses_db.places.count_documents({"class_id": cls["id"], "state": "free"}) == 1

    def answered():
        response = book(api, late, cls["id"])
        return response if response.status_code != 409 else None
    response = wait_for(answered, timeout=5, interval=0.3, what="the free place to be bookable")
    assert (response.status_code, response.json()["position"]) == (202, 1)


def test_malformed_key_is_refused_before_opening_too(api, new_worker, make_class):
    worker = new_worker()
    cls = make_class(booking_opens_at=(utcnow() + timedelta(hours=1)).isoformat())
    time.sleep(1)  # class_published reaches the gateways' fact queues in milliseconds
    body = assert_error(book(api, worker, cls["id"], "short"), 422, "VALIDATION_FAILED")
    assert "idempotency_key" in body["details"]


# ---- the rush ----------------------------------------------------------------

RUSH_WORKERS = 60
RUSH_SEATS = RUSH_WAITLIST = 5
# Identity hashes each password (Argon2) in a small thread pool: more callers
# at once only queue there and run into the RPC timeout.
REGISTER_THREADS = 3


def register(base_url, registration):
    with requests.Session() as session:
        registered = session.post(base_url + "/api/v1/auth/register", json=registration,
                                  timeout=30)
        assert registered.status_code == 201, registered.text
        return registered.json()


def access_token_of(profile):
    """An access token as identity issues one at login (shared/tokens.py),
    signed with the system's secret: logging 60 workers in would cost another
    60 Argon2 checks for nothing this test is about."""
    now = utcnow()
    return bearer({"access_token": encode_access_token(
        {"sub": profile["id"], "roles": profile["roles"], "sid": uuid.uuid4().hex,
         "jti": uuid.uuid4().hex, "iat": now, "exp": now + timedelta(minutes=10)},
        TEST_JWT_SECRET)})


def test_rush_on_a_few_seats(system, make_registration, make_class, courses_db):
    bodies = [make_registration(name="骑手{}".format(n)) for n in range(RUSH_WORKERS)]
    with ThreadPoolExecutor(max_workers=REGISTER_THREADS) as pool:
        profiles = list(pool.map(lambda body: register(system.url, body), bodies))
    workers = [(profile["id"], access_token_of(profile)) for profile in profiles]
    cls = make_class(title="茶艺 26 席(抢)", seats=RUSH_SEATS, waitlist_limit=RUSH_WAITLIST)
    url = system.url + class_path(cls["id"], "/bookings")

    start = threading.Barrier(RUSH_WORKERS, timeout=30)
    local = threading.local()

    def tap(worker):
        worker_id, headers = worker
        if not hasattr(local, "session"):
            local.session = requests.Session()
        start.wait()
        while True:
            response = local.session.post(url, headers=headers, timeout=30)
            body = response.json()
            if (response.status_code, body.get("error")) != (503, "BOOKING_BUSY"):
                return worker_id, response.status_code, body
            # Beyond the gateway's few taps in flight (gateway/admission.py):
            # retried after Retry-After, spread out, as the app does.
            time.sleep(float(response.headers["Retry-After"]) * random.uniform(0.2, 1))

    with ThreadPoolExecutor(max_workers=RUSH_WORKERS) as pool:
        answers = list(pool.map(tap, workers))

    statuses = sorted(status for _, status, _ in answers)
    assert not [a for a in answers if a[1] >= 500], answers
    booked = {worker_id for worker_id, status, _ in answers if status == 201}
    waiting = {worker_id for worker_id, status, _ in answers if status == 202}
    full = [body for _, status, body in answers if status == 409]
    assert (len(booked), len(waiting), len(full)) == \
        (RUSH_SEATS, RUSH_WAITLIST, RUSH_WORKERS - RUSH_SEATS - RUSH_WAITLIST), statuses
    assert all(body["error"] == "CLASS_FULL" for body in full), full
    assert all(body["status"] == "booked" for _, s, body in answers if s == 201)
    assert all(body["status"] == "waitlisted" and 1 <= body["position"] <= RUSH_WAITLIST
               for _, s, body in answers if s == 202)

    seats = list(courses_db.seats.find({"class_id": cls["id"]}))
    held = [seat["holder"] for seat in seats if seat["state"] == "booked"]
    assert len(seats) == RUSH_SEATS
    assert len(held) == len(set(held)) == RUSH_SEATS
    assert set(held) == booked
    places = list(courses_db.places.find({"class_id": cls["id"], "state": "waiting"}))
    assert {place["holder"] for place in places} == waiting
    assert not booked & waiting

    # Settled, the line reads 1..5, each worker once.
    tokens = dict(workers)
    positions = []
    with requests.Session() as session:
        for worker_id in waiting:
            seen = session.get(system.url + class_path(cls["id"]), headers=tokens[worker_id],
                               timeout=15).json()
            assert (seen["seats_left"], seen["waitlist_length"]) == (0, RUSH_WAITLIST)
            positions.append(seen["my_booking"]["position"])
    assert sorted(positions) == list(range(1, RUSH_WAITLIST + 1))
