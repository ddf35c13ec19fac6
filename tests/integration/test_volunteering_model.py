"""Signing up, cancelling, the line moving up, no overlapping shifts and the
cap, against a simple model (Hypothesis, stateful).

The real ``VolunteeringStore`` on the embedded MongoDB, driven the way the
service's entrypoints drive it (a sign-up that lands in the line, and every
cancellation, is followed by ``promote``). Three shifts in three activities:
``a`` 10:00-12:00, ``b`` 11:00-13:00 (overlaps a), ``c`` 12:00-14:00
(overlaps b, touches a). The model: each shift's holders of a place and its
line in joining order. After every step the database must agree: the
places, the line and its positions 1..n, no place free while someone waits,
and each worker's commitments exactly the shifts they hold.
"""
import uuid
from datetime import datetime, timedelta, timezone

from hypothesis import settings, strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule, run_state_machine_as_test)

from services.volunteering.signups import PLACES
from services.volunteering.storage import VolunteeringStore
from shared.errors import DomainError
from shared.mongo import connect

WORKERS = ["w{}".format(n) for n in range(5)]
SHIFTS = {"a": (10, 12), "b": (11, 13), "c": (12, 14)}
RUNS = settings(max_examples=12, stateful_step_count=20, deadline=None, database=None)


def overlap(one, other):
    return SHIFTS[one][0] < SHIFTS[other][1] and SHIFTS[other][0] < SHIFTS[one][1]


class VolunteeringModel(RuleBasedStateMachine):
    def __init__(self, client):
        super().__init__()
        self.client = client
        self.db_name = "m{}_volunteering".format(uuid.uuid4().hex[:10])
        self.db = client[self.db_name]
        VolunteeringStore.prepare(self.db)
        self.store = VolunteeringStore(self.db)

    def teardown(self):
        self.client.drop_database(self.db_name)

    @initialize(places=st.lists(st.integers(1, 3), min_size=3, max_size=3),
                lines=st.lists(st.integers(0, 2), min_size=3, max_size=3))
    def publish(self, places, lines):
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        day = (self.now + timedelta(days=3)).replace(hour=0, minute=0, second=0)
        self.activities, self.shifts = {}, {}
        self.cap = dict(zip(SHIFTS, places))
        self.line_cap = dict(zip(SHIFTS, lines))
        for name, (start, end) in SHIFTS.items():
            activity, _events = self.store.publish({
                "title": "志愿活动" + name, "description": "", "station_id": None,
                "venue": {"name": "驿站", "address": "武原", "district": "武原街道",
                          "position": None},
                "skills": [], "signup_closes_at": day, "late_cancel_hours": 24,
                "shifts": [{"starts_at": day + timedelta(hours=start),
                            "ends_at": day + timedelta(hours=end), "places": self.cap[name],
                            "waitlist_limit": self.line_cap[name]}]}, "staff-1", "S" * 32,
                self.now)
            self.activities[name] = activity
            self.shifts[name] = activity["shifts"][0]
        self.seated = {name: set() for name in SHIFTS}
        self.line = {name: [] for name in SHIFTS}

    def holds(self, worker, name):
        return worker in self.seated[name] or worker in self.line[name]

    def expected_sign_up(self, worker, name):
        if self.holds(worker, name):
            return "ALREADY_SIGNED_UP"
        if any(self.holds(worker, other) and overlap(name, other)
               for other in SHIFTS if other != name):
            return "OVERLAPPING_SHIFT"
        if len(self.seated[name]) < self.cap[name]:
            return "signed_up"
        if len(self.line[name]) < self.line_cap[name]:
            return "waitlisted"
        return "SHIFT_FULL"

    @rule(worker=st.sampled_from(WORKERS), name=st.sampled_from(sorted(SHIFTS)))
    def sign_up(self, worker, name):
        expected = self.expected_sign_up(worker, name)
        try:
            pool, _slot, _events = self.store.sign_up(
                self.activities[name], self.shifts[name], worker, None,
                {"name": "志愿者", "phone": "13800000002"}, "", self.now)
            got = "signed_up" if pool == PLACES else "waitlisted"
            if pool != PLACES:
                self.store.promote(self.shifts[name]["shift_id"], self.now)
        except DomainError as error:
            got = error.code
        assert got == expected, (worker, name)
        if got == "signed_up":
            self.seated[name].add(worker)
        elif got == "waitlisted":
            self.line[name].append(worker)

    @precondition(lambda self: any(self.seated.values()) or any(self.line.values()))
    @rule(data=st.data())
    def cancel(self, data):
        held = sorted((worker, name) for name in SHIFTS
                      for worker in self.seated[name] | set(self.line[name]))
        worker, name = data.draw(st.sampled_from(held))
        ((pool, slot),) = self.store.held(worker, shift_id=self.shifts[name]["shift_id"])
        self.store.cancel(pool, slot, False, self.now)
        self.store.promote(self.shifts[name]["shift_id"], self.now)
        if worker in self.seated[name]:
            self.seated[name].remove(worker)
            if self.line[name]:
                self.seated[name].add(self.line[name].pop(0))
        else:
            self.line[name].remove(worker)

    @invariant()
    def agrees(self):
        if not hasattr(self, "shifts"):
            return
        for name, shift in self.shifts.items():
            shift_id = shift["shift_id"]
            seated = {s["holder"] for s in self.db.places.find(
                {"shift_id": shift_id, "holder": {"$type": "string"}})}
            assert seated == self.seated[name]
            waiting = sorted(self.db.waitlist.find({"shift_id": shift_id,
                                                    "holder": {"$type": "string"}}),
                             key=self.store.position)
            assert [s["holder"] for s in waiting] == self.line[name]
            assert [self.store.position(s) for s in waiting] == \
                list(range(1, len(waiting) + 1))
            counts = self.store.shift_counts(shift_id)
            assert counts["places_left"] == self.cap[name] - len(seated)
            if self.line[name]:  # a free place goes to the line at once
                assert counts["places_left"] == 0
        for worker in WORKERS:
            doc = self.db.commitments.find_one({"_id": worker}) or {"shifts": []}
            committed = sorted(entry["shift_id"] for entry in doc["shifts"])
            assert committed == sorted(self.shifts[name]["shift_id"] for name in SHIFTS
                                       if self.holds(worker, name))


def test_signing_up_follows_the_model(mongo_uri):
    client = connect(mongo_uri)
    try:
        run_state_machine_as_test(lambda: VolunteeringModel(client), settings=RUNS)
    finally:
        client.close()
