"""courses' booking rules against a simple model (Hypothesis, stateful).

The real ``CoursesStore`` and ``booking.book`` on the embedded MongoDB, driven
by random sequences of bookings (with and without Idempotency-Keys), cancels,
confirmations, clock jumps across offer expiries, expiry runs and seat or
waitlist changes. No broker: the nameko service only wraps these calls.

The model: the class's seats and waitlist limit, who is booked, who holds an
offer (until when), the waitlist in the order people joined it, and the key
each holder took their seat or place with (a key replays what it took; a
refused tap took nothing, so its key is answered afresh). After every step the database must agree
with it: booked + offered <= seats, one seat or place per worker, a seat
document per seat, waitlist positions 1..n in joining order, and no seat left
free while someone waits, and a claim under the per-worker cap for each held
seat and nothing else.
"""
import uuid
from datetime import datetime, timedelta, timezone

from hypothesis import settings, strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule, run_state_machine_as_test)

from services.courses import booking, rules
from services.courses.config import CoursesSettings
from services.courses.storage import CoursesStore
from shared.errors import DomainError
from shared.mongo import connect

WORKERS = ["w{}".format(n) for n in range(6)]
KEYS = st.one_of(st.none(), st.sampled_from(["tap-key-0001", "tap-key-0002", "tap-key-0003"]))
# Taps share a millisecond (the precision MongoDB keeps), as in a rush: the
# waitlist must still keep their order of arrival (the places' n, slots.py).
TICK = timedelta(0)
# Each worker can hold at most one seat in the one class: the cap never bites.
COURSES_SETTINGS = CoursesSettings(max_upcoming_bookings=3, offer_minutes=30)
# Staff edit a class now and then, not at every step (it would crowd out taps).
MAX_EDITS = 4
RUNS = settings(max_examples=60, stateful_step_count=25, deadline=None,
                database=None)  # no .hypothesis/ directory in the work tree


def attempt(call):
    """(result, None) or (None, the domain error's code)."""
    try:
        return call(), None
    except DomainError as error:
        return None, error.code


class CoursesModel(RuleBasedStateMachine):
    def __init__(self, client):
        super().__init__()
        self.client = client
        self.db_name = "m{}_courses".format(uuid.uuid4().hex[:10])
        self.db = self.client[self.db_name]
        CoursesStore.prepare(self.db)
        self.store = CoursesStore(self.db)

    def teardown(self):
        self.client.drop_database(self.db_name)

    # ---- the model -------------------------------------------------------

    @initialize(seats=st.integers(1, 4), waitlist_limit=st.integers(0, 4),
                offer_minutes=st.sampled_from([5, 30]))
    def create_class(self, seats, waitlist_limit, offer_minutes):
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        self.starts_at = self.now + timedelta(days=3)
        cls = self.store.create_class(rules.new_class({
            "title": "职工茶艺公益培训班", "category": "tea_art", "description": "",
            "teacher": "沈老师", "venue": {"address": "海盐县武原街道 嘉里红驿"},
            "starts_at": self.starts_at, "ends_at": self.starts_at + timedelta(hours=2),
            "booking_opens_at": self.now - timedelta(minutes=1), "members_only": False,
            "seats": seats, "waitlist_limit": waitlist_limit,
            "offer_minutes": offer_minutes}, "staff-1", offer_minutes, self.now))
        self.store.publish_class(cls["_id"], self.now)
        self.class_id = cls["_id"]
        self.seats, self.waitlist_limit, self.offer_minutes = seats, waitlist_limit, offer_minutes
        self.booked = set()
        self.offered = {}     # worker -> offer_expires_at
        self.waitlist = []    # first in line first
        self.keys = {}        # worker -> key of what they hold now (or None)
        self.edits = 0

    def free_seats(self):
        return self.seats - len(self.booked) - len(self.offered)

    def pass_on(self):
        """A seat came free: offered to the first in line. Returns who got it."""
        if not self.waitlist:
            return None
        first = self.waitlist.pop(0)
        self.offered[first] = self.now + timedelta(minutes=self.offer_minutes)
        return first

    def release(self, worker):
        self.booked.discard(worker)
        self.offered.pop(worker, None)
        self.keys.pop(worker, None)
        return self.pass_on()

    def expected_answer(self, worker):
        """What the worker holds, as book's answer: (status, position, expires)."""
        if worker in self.booked:
            return "booked", None, None
        if worker in self.offered:
            return "offered", None, self.offered[worker]
        return "waitlisted", self.waitlist.index(worker) + 1, None

    def expected_book(self, worker, key):
        """(status, position, expires, replayed) or (None, code); updates the model."""
        holds = worker in self.booked or worker in self.offered or worker in self.waitlist
        if key and holds and self.keys.get(worker) == key:
            return self.expected_answer(worker) + (True,), None
        if worker in self.booked or worker in self.offered:
            code = "ALREADY_BOOKED"
        elif worker in self.waitlist:
            code = "ALREADY_WAITLISTED"
        elif self.free_seats() > 0:
            self.booked.add(worker)
            self.keys[worker] = key
            return ("booked", None, None, False), None
        elif len(self.waitlist) < self.waitlist_limit:
            self.waitlist.append(worker)
            self.keys[worker] = key
            return ("waitlisted", len(self.waitlist), None, False), None
        else:
            code = "CLASS_FULL"
        return None, code

    # ---- rules -----------------------------------------------------------

    def someone(self, data, among):
        """Mostly a worker the step is about, sometimes anyone (to be refused)."""
        return data.draw(st.sampled_from(sorted(among)) | st.sampled_from(WORKERS)
                         if among else st.sampled_from(WORKERS))

    @rule(taps=st.lists(st.tuples(st.sampled_from(WORKERS), KEYS), min_size=1, max_size=4))
    def book(self, taps):
        """A few taps on "book", each at its own instant."""
        for worker, key in taps:
            self.book_once(worker, key)
            self.now += TICK

    def book_once(self, worker, key):
        cls = self.store.get_class(self.class_id)
        real, code = attempt(lambda: booking.book(
            self.store, COURSES_SETTINGS, cls, worker, key, self.now))
        expected, expected_code = self.expected_book(worker, key)
        assert code == expected_code, (worker, key, real, code, expected_code)
        if expected is not None:
            answer, events = real
            status, position, expires, replayed = expected
            got = (answer["status"], answer["position"], answer["offer_expires_at"])
            assert got == (status, position, expires), (worker, key, got, expected)
            announced = {"booked": ["seat_booked"], "waitlisted": ["waitlist_joined"]}
            assert [e["type"] for e in events] == ([] if replayed else announced[status])

    @precondition(lambda self: self.booked or self.offered or self.waitlist)
    @rule(data=st.data())
    def cancel(self, data):
        seat_holders = self.booked | set(self.offered)
        # While people wait, mostly a seat holder: their seat is offered on.
        worker = self.someone(data, seat_holders if self.waitlist and seat_holders
                              else seat_holders | set(self.waitlist))
        real, code = attempt(lambda: self.store.leave(self.class_id, worker, self.now))
        if worker in self.waitlist:
            self.waitlist.remove(worker)
            self.keys.pop(worker, None)
            expected_events, expected_code = [("waitlist_left", worker)], None
        elif worker in self.booked or worker in self.offered:
            offered_to = self.release(worker)
            expected_events = [("seat_released", worker)] + (
                [("waitlist_offered", offered_to)] if offered_to else [])
            expected_code = None
        else:
            expected_events, expected_code = None, "BOOKING_NOT_FOUND"
        assert code == expected_code, (worker, code, expected_code)
        if real is not None:
            events = real
            assert [(e["type"], e["data"]["worker_id"]) for e in events] == expected_events

    @precondition(lambda self: self.offered)
    @rule(data=st.data())
    def confirm(self, data):
        self.confirm_as(self.someone(data, self.offered))

    def confirm_as(self, worker):
        real, code = attempt(lambda: self.store.confirm_offer(self.class_id, worker, self.now))
        if worker in self.offered and self.offered[worker] > self.now:
            del self.offered[worker]
            self.booked.add(worker)
            assert code is None, (worker, code)
            seat, events = real
            assert (seat["holder"], seat["state"]) == (worker, "booked")
            assert [e["type"] for e in events] == ["seat_booked"]
        else:
            assert code == "NO_OFFER", (worker, code)

    @precondition(lambda self: self.offered)  # before that, only order matters
    @rule(minutes=st.integers(1, 40), then_expire=st.booleans())
    def time_passes(self, minutes, then_expire):
        """Minutes pass; the service's timer may or may not have run since."""
        self.now += timedelta(minutes=minutes)
        assert self.now < self.starts_at  # update_class and leave refuse after the start
        if then_expire:
            self.expire_offers()

    def next_deadline(self):
        """(expires, worker) of the next offer to run out, if any is ahead."""
        return min(((expires, worker) for worker, expires in self.offered.items()
                    if expires >= self.now), default=None)

    @precondition(lambda self: self.next_deadline())
    @rule(ms=st.sampled_from([-1, 0, 1]), then=st.sampled_from(["expire", "confirm"]))
    def jump_to_an_offer_expiry(self, ms, then):
        """Land a millisecond before, on, or after an offer's deadline, where
        the timer passes it on or its holder tries to confirm."""
        expires, worker = self.next_deadline()
        self.now = max(self.now, expires + timedelta(milliseconds=ms))
        if then == "expire":
            self.expire_offers()
        else:
            self.confirm_as(worker)

    def expire_offers(self):
        events = self.store.expire_offers(self.now)
        expired = sorted(w for w, expires in self.offered.items() if expires <= self.now)
        offered_to = [offered for offered in (self.release(w) for w in expired) if offered]
        released = sorted(e["data"]["worker_id"] for e in events if e["type"] == "seat_released")
        assert released == expired
        assert [e["data"]["worker_id"] for e in events
                if e["type"] == "waitlist_offered"] == offered_to  # first in line first

    @precondition(lambda self: self.edits < MAX_EDITS)
    @rule(field=st.sampled_from(["seats", "waitlist_limit"]),
          change=st.sampled_from([-3, -2, -1, 1, 2, 3]))
    def staff_edits_the_class(self, field, change):
        self.edits += 1
        value = max(1 if field == "seats" else 0,  # the schema's minimums
                    getattr(self, field) + change)
        real, code = attempt(lambda: self.store.update_class(
            self.class_id, {field: value}, self.now))
        in_use = (len(self.booked) + len(self.offered) if field == "seats"
                  else len(self.waitlist))
        if value < in_use:  # held seats and places cannot go
            assert code == "SEATS_IN_USE", (field, value, code)
            return
        assert code is None, (field, value, code)
        setattr(self, field, value)
        offered_to = []  # added seats go to the line at once, first come first
        while self.free_seats() > 0 and self.waitlist:
            offered_to.append(self.pass_on())
        _, events = real
        assert [e["data"]["worker_id"] for e in events
                if e["type"] == "waitlist_offered"] == offered_to

    # ---- what the database must say after every step ----------------------

    @invariant()
    def database_agrees_with_model(self):
        cls = self.store.get_class(self.class_id)
        seats = list(self.db.seats.find({"class_id": self.class_id}))
        places = list(self.db.places.find({"class_id": self.class_id}))
        assert cls["seats"] == self.seats >= 1
        assert cls["waitlist_limit"] == self.waitlist_limit >= 0
        assert len(seats) == cls["seats"] and len(places) == cls["waitlist_limit"]
        for slot in seats + places:  # free means free, held means held
            assert (slot["state"] == "free") == (slot["holder"] is None), slot
            if slot["state"] == "free":
                assert slot["key"] is None and slot["since"] is None, slot
        assert {s["state"] for s in seats} <= {"free", "booked", "offered"}
        assert {p["state"] for p in places} <= {"free", "waiting"}

        held = [s for s in seats if s["holder"]]
        waiting = [p for p in places if p["holder"]]
        holders = [slot["holder"] for slot in held + waiting]
        assert len(holders) == len(set(holders)), holders  # one seat or place each
        assert len(held) <= cls["seats"]

        assert {s["holder"] for s in held if s["state"] == "booked"} == self.booked
        assert {s["holder"]: s["offer_expires_at"] for s in held
                if s["state"] == "offered"} == self.offered
        line = sorted((self.store.position(p), p["holder"]) for p in waiting)
        assert [n for n, _ in line] == list(range(1, len(waiting) + 1)), line
        assert [holder for _, holder in line] == self.waitlist, line
        assert {slot["holder"]: slot["key"] for slot in held + waiting} == self.keys
        # Each held seat, and nothing else, has its claim under the cap
        # (claims.py): taken with it, given back or moved on with it.
        claims = [(doc["_id"], claim["token"], claim["class_id"])
                  for doc in self.db.claims.find() for claim in doc["claims"]]
        assert sorted(claims) == sorted((s["holder"], s["claim"], self.class_id)
                                        for s in held), claims

        if self.waitlist:  # a free seat goes to the line at once
            assert self.store.seats_left(self.class_id) == 0
        assert self.store.seats_left(self.class_id) == self.free_seats()
        assert self.store.waitlist_length(self.class_id) == len(self.waitlist)


def test_booking_follows_the_model(mongo_uri):
    client = connect(mongo_uri)
    try:
        run_state_machine_as_test(lambda: CoursesModel(client), settings=RUNS)
    finally:
        client.close()
