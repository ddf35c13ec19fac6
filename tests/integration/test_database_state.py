"""The e2e ``nothing_written`` check (tests/support/database_state.py) on
the embedded MongoDB: it sees a write to any watched database, including
one inside a transaction, ignores other databases, and waits for earlier
writes and unpublished events before it starts."""
import threading
import time

import pytest

from tests.support.database_state import QUIET_SECONDS, nothing_written_check


@pytest.fixture
def watched(databases):
    return [databases("insight"), databases("courses")]


def test_a_write_to_a_watched_database_fails_the_check(watched):
    with pytest.raises(AssertionError, match="the database changed: .*courses.seats"):
        with nothing_written_check(watched)():
            watched[1].seats.insert_one({"_id": "s1"})


def test_a_write_in_a_transaction_fails_it_too(watched, mongo_client):
    with pytest.raises(AssertionError, match="insight.profiles"):
        with nothing_written_check(watched)():
            with mongo_client.start_session() as session, session.start_transaction():
                watched[0].profiles.update_one({"_id": "w1"}, {"$set": {"n": 1}},
                                               upsert=True, session=session)


def test_reads_and_other_databases_pass(watched, databases):
    watched[0].profiles.insert_one({"_id": "w2"})
    with nothing_written_check(watched)():
        assert watched[0].profiles.find_one({"_id": "w2"}) == {"_id": "w2"}
        databases("ledger").accounts.insert_one({"_id": "a1"})


def test_earlier_writes_and_unpublished_events_are_waited_for(watched):
    watched[1].outbox.insert_one({"_id": "e1", "sent_at": None})

    def apply_then_publish():
        time.sleep(QUIET_SECONDS * 2)
        watched[0].profiles.insert_one({"_id": "w3"})  # an event applied late
        watched[1].outbox.update_one({"_id": "e1"}, {"$set": {"sent_at": 1}})
    later = threading.Thread(target=apply_then_publish)
    later.start()
    with nothing_written_check(watched)():
        assert watched[1].outbox.find_one({"_id": "e1"})["sent_at"] == 1
    later.join()
    assert watched[0].profiles.find_one({"_id": "w3"})
