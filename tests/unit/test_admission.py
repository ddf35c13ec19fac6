"""The gateway's admission to a class rush (gateway/admission.py): a few
booking calls per class in flight, any other tap answered 503 at once."""
import threading
from concurrent.futures import ThreadPoolExecutor

from gateway.admission import Admission
from gateway.app import create_app
from gateway.class_facts import BookingShortcut, ClassFacts
from gateway.errors import service_unavailable
from tests.conftest import TEST_JWT_SECRET
from tests.unit.test_class_facts import token_for

BOOKED = {"class_id": "c1", "status": "booked", "position": None,
          "offer_expires_at": None, "at": "2026-12-07T09:00:00+00:00"}


class HeldPool:
    """A courses that answers a booking only when the test lets it go."""

    def __init__(self):
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()
        self.calls = []

    def call(self, service, method, context, kwargs=None, changes=False):
        self.calls.append(kwargs["class_id"])
        self.entered.release()
        assert self.release.wait(10)
        if kwargs["class_id"] == "broken":
            raise service_unavailable()
        return dict(BOOKED, class_id=kwargs["class_id"])


def gateway(pool, limit):
    shortcut = BookingShortcut(ClassFacts(), Admission(limit))
    return create_app(pool=pool, shortcuts={("courses", "book_seat"): shortcut}).test_client()


def tap(client, class_id, worker_id="w1"):
    return client.post("/api/v1/classes/{}/bookings".format(class_id),
                       headers={"Authorization": "Bearer " + token_for(worker_id)})


def test_taps_beyond_the_limit_are_answered_busy_at_once(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", TEST_JWT_SECRET)
    pool = HeldPool()
    client = gateway(pool, limit=2)
    with ThreadPoolExecutor(3) as held:
        first = [held.submit(tap, client, "c1", "w{}".format(n)) for n in range(2)]
        for _ in first:
            assert pool.entered.acquire(timeout=10)
        busy = tap(client, "c1", "w3")  # answered while both are in flight
        assert (busy.status_code, busy.json["error"]) == (503, "BOOKING_BUSY")
        assert busy.headers["Retry-After"] == "1"
        assert pool.calls == ["c1", "c1"]  # the busy tap never reached courses
        other = held.submit(tap, client, "c2")  # another class: its own count
        assert pool.entered.acquire(timeout=10)
        pool.release.set()
        assert [f.result().status_code for f in first + [other]] == [201, 201, 201]
    assert tap(client, "c1", "w3").status_code == 201  # the places came back
    assert pool.calls == ["c1", "c1", "c2", "c1"]


def test_a_failed_call_gives_its_place_back(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", TEST_JWT_SECRET)
    pool = HeldPool()
    pool.release.set()
    client = gateway(pool, limit=1)
    assert tap(client, "broken").status_code == 503
    assert tap(client, "broken").json["error"] != "BOOKING_BUSY"
    assert len(pool.calls) == 2


def test_admission_counts_per_class_and_forgets_idle_ones():
    admission = Admission(1)
    with admission.admit("a"), admission.admit("b"):
        assert dict(admission.in_flight) == {"a": 1, "b": 1}
    assert not admission.in_flight
