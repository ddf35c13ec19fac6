"""shared/slots.py against the embedded database: the lowest free slot
taken, one per holder, a freed slot behind every other, and the races of
taps and frees at the same instant (as a volunteer shift would use it:
a pool keyed by shift_id, with states of its own)."""
import pytest
from pymongo.errors import DuplicateKeyError

from shared.clock import utcnow
from shared.ids import new_id
from shared.slots import CLOSED, FREE, PENDING, SlotPool
from shared.store import BaseStore
from tests.support.concurrency import run_together

SHIFT = "shift1"
WAITING = "waiting"


@pytest.fixture
def db(mongo_client, db_prefix):
    return mongo_client[db_prefix + "slots"]


@pytest.fixture
def pool(db):
    def serialise(shift_id, session):
        db.shifts.update_one({"_id": shift_id}, {"$inc": {"freed": 1}}, session=session)
    made = SlotPool(db.places, "shift_id", vacant={"checked_in_at": None},
                    serialise=serialise)
    made.create_indexes()
    db.shifts.insert_one({"_id": SHIFT, "freed": 0})
    return made


@pytest.fixture
def in_transaction(db):
    return BaseStore(db).in_transaction


def event(holder, kind="signed_up"):
    """What the pool keeps in a slot's outbox: anything with an id (the
    envelope is the caller's)."""
    return {"id": new_id(), "type": kind, "data": {"shift_id": SHIFT, "worker_id": holder}}


def take(pool, holder, state=WAITING):
    return pool.take(SHIFT, {"state": state, "holder": holder, "since": utcnow()},
                     event(holder))


def with_slots(pool, count):
    pool.add(SHIFT, "w", count, None)


def test_new_slots_are_free_numbered_after_the_highest(pool):
    with_slots(pool, 2)
    with_slots(pool, 2)
    docs = list(pool.collection.find(sort=[("n", 1)]))
    assert [doc["_id"] for doc in docs] == ["shift1:w0", "shift1:w1", "shift1:w2", "shift1:w3"]
    assert {(d["state"], d["holder"], d["checked_in_at"], len(d[PENDING])) for d in docs} \
        == {(FREE, None, None, 0)}
    assert pool.next_n(SHIFT) == 4


def test_a_tap_takes_the_lowest_free_slot_with_its_event(pool):
    with_slots(pool, 3)
    first, second = take(pool, "a"), take(pool, "b")
    assert (first["n"], first["holder"], first["state"]) == (0, "a", WAITING)
    assert second["n"] == 1
    assert [e["data"]["worker_id"] for e in first[PENDING]] == ["a"]
    assert pool.count(SHIFT, FREE) == 1 and pool.count(SHIFT, WAITING) == 2


def test_a_full_pool_gives_none(pool):
    with_slots(pool, 2)
    take(pool, "a"), take(pool, "b")
    assert take(pool, "c") is None
    assert not pool.has_free(SHIFT)
    assert sorted(pool.holders(SHIFT)) == ["a", "b"]


def test_a_holder_gets_one_slot_of_a_pool(pool):
    with_slots(pool, 3)
    take(pool, "a")
    with pytest.raises(DuplicateKeyError):
        take(pool, "a")
    assert pool.count(SHIFT, FREE) == 2
    assert pool.held_by(SHIFT, "a")["n"] == 0


def test_a_freed_slot_goes_behind_every_other(pool, in_transaction):
    with_slots(pool, 3)
    a, b, c = (take(pool, holder) for holder in "abc")
    left = event("a", "waitlist_left")
    assert in_transaction(lambda session: pool.free_to_back(a, left, session))
    freed = pool.collection.find_one({"_id": a["_id"]})
    assert (freed["state"], freed["holder"], freed["n"]) == (FREE, None, 3)
    assert [e["id"] for e in freed[PENDING]] == [a[PENDING][0]["id"], left["id"]]
    assert [pool.position(slot, WAITING) for slot in (b, c)] == [1, 2]
    d = take(pool, "d")
    assert (d["_id"], pool.position(d, WAITING)) == (a["_id"], 3)


def test_a_slot_its_holder_no_longer_holds_is_not_freed_again(pool, in_transaction):
    with_slots(pool, 2)
    a = take(pool, "a")
    assert in_transaction(lambda session: pool.free_to_back(a, event("a"), session))
    take(pool, "b"), take(pool, "c")
    assert not in_transaction(lambda session: pool.free_to_back(a, event("a"), session))
    assert pool.count(SHIFT, WAITING) == 2


def test_the_first_in_line_leaves_it_for_the_back(pool, in_transaction):
    with_slots(pool, 3)
    a, b, c = (take(pool, holder) for holder in "abc")
    first = in_transaction(lambda session: pool.pop_first(SHIFT, WAITING, session))
    assert first["holder"] == "a"
    assert pool.collection.find_one({"_id": a["_id"]})["n"] == 3
    assert [pool.position(slot, WAITING) for slot in (b, c)] == [1, 2]
    assert in_transaction(lambda session: pool.pop_first(SHIFT, "signed_up", session)) is None


def test_a_pool_without_serialise_moves_nothing_to_the_back(db, in_transaction):
    seats = SlotPool(db.seats, "shift_id")
    seats.add(SHIFT, "s", 1, None)
    seat = seats.take(SHIFT, {"state": "signed_up", "holder": "a"}, event("a"))
    with pytest.raises(RuntimeError):
        in_transaction(lambda session: seats.free_to_back(seat, event("a"), session))
    assert seats.vacate(seat) and seats.count(SHIFT, FREE) == 1


def test_many_taps_at_once_on_the_last_three_slots_give_three_winners(pool):
    with_slots(pool, 5)
    take(pool, "early1"), take(pool, "early2")
    outcomes = run_together([lambda h=h: take(pool, "tap{}".format(h)) for h in range(20)])
    winners = [slot for slot in outcomes if slot is not None]
    assert len(winners) == 3
    assert sorted(slot["n"] for slot in winners) == [2, 3, 4]
    assert len({slot["holder"] for slot in winners}) == 3
    assert pool.count(SHIFT, FREE) == 0


def test_frees_at_once_each_take_their_own_place_at_the_back(pool, in_transaction):
    together = 5
    with_slots(pool, together + 1)
    held = [take(pool, "h{}".format(i)) for i in range(together + 1)]

    def leave(slot):
        return in_transaction(lambda session: pool.free_to_back(slot, event("x"), session))
    assert run_together([lambda s=s: leave(s) for s in held[:together]]) == [True] * together
    numbers = sorted(doc["n"] for doc in pool.collection.find({"state": FREE}))
    assert numbers == list(range(together + 1, 2 * together + 1))
    assert pool.position(held[-1], WAITING) == 1


def test_a_pool_is_never_made_smaller_than_its_held_slots(pool):
    with_slots(pool, 4)
    take(pool, "a"), take(pool, "b")
    assert pool.remove_free(SHIFT, 3, None) == 2
    assert pool.collection.count_documents({}) == 4
    assert pool.remove_free(SHIFT, 2, None) == 2
    assert sorted(doc["holder"] for doc in pool.collection.find()) == ["a", "b"]


def test_a_closed_pool_has_nothing_to_take(pool, in_transaction):
    with_slots(pool, 2)
    take(pool, "a")
    in_transaction(lambda session: pool.close(SHIFT, session))
    assert pool.count(SHIFT, CLOSED) == 2 and pool.holders(SHIFT) == []
    assert take(pool, "b") is None
