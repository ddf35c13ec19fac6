"""Handlers of different events that update one hot document at the same time
(a live counter, an account) conflict in the database; each conflict is run
again at once (shared/store.retrying_conflicts), so every event is applied
exactly once without waiting out the inbox's slow retries (0.2 s, 1 s, 3 s),
which would hold a live figure back by seconds."""
import logging

import pytest
from pymongo.errors import OperationFailure

from shared.clock import utcnow
from shared.events import new_event
from shared.inbox import Inbox
from shared.store import TRANSACTION_ATTEMPTS, retrying_conflicts
from tests.support.concurrency import run_together

HANDLERS = 4


@pytest.fixture
def db(mongo_client, db_prefix):
    database = mongo_client[db_prefix + "inbox_conflicts"]
    database.counters.insert_one({"_id": "hot", "n": 0})
    return database


def registered(n):
    return new_event("identity", "worker_registered", {
        "worker_id": "w-conflict-{}".format(n), "name": "沈月华", "phone_masked": "138****1234",
        "occupation": "domestic", "platform": "", "district": "沈荡镇", "roles": ["worker"],
        "registered_at": utcnow()}, now=utcnow())


def test_concurrent_handlers_on_one_document_each_apply_once_without_a_slow_retry(
        db, mongo_client, caplog):
    inbox = Inbox(mongo_client, db)
    events = [registered(n) for n in range(HANDLERS)]

    def handle(event):
        def apply(envelope, session):
            db.counters.update_one({"_id": "hot"}, {"$inc": {"n": 1}}, session=session)
            db.seen.insert_one({"_id": envelope["id"]}, session=session)
            return []
        return lambda: inbox.consume("handle_worker_registered", event, apply)

    with caplog.at_level(logging.WARNING, logger="shared.inbox"):
        run_together([handle(event) for event in events])
        run_together([handle(event) for event in events])  # each again: a repeat

    assert db.counters.find_one({"_id": "hot"})["n"] == HANDLERS
    assert db.seen.count_documents({}) == HANDLERS
    assert db.dead_letters.count_documents({}) == 0
    assert [r.message for r in caplog.records if "failed on event" in r.message] == []


class Conflicting(OperationFailure):
    def __init__(self):
        super().__init__("WriteConflict", code=112)
        self._error_labels = {"TransientTransactionError"}


def test_a_conflict_is_run_again_at_once_and_the_last_one_is_raised():
    calls, pauses = [], []

    def conflicting_twice():
        calls.append(1)
        if len(calls) <= 2:
            raise Conflicting()
        return "done"
    assert retrying_conflicts(conflicting_twice, sleep=pauses.append) == "done"
    assert len(calls) == 3 and len(pauses) == 2 and all(p < 0.1 for p in pauses)

    calls.clear()

    def always_conflicting():
        calls.append(1)
        raise Conflicting()
    with pytest.raises(Conflicting):
        retrying_conflicts(always_conflicting, sleep=pauses.append)
    assert len(calls) == TRANSACTION_ATTEMPTS


def test_any_other_error_is_not_run_again():
    calls = []

    def failing():
        calls.append(1)
        raise OperationFailure("not a conflict", code=2)
    with pytest.raises(OperationFailure):
        retrying_conflicts(failing, sleep=lambda seconds: None)
    assert calls == [1]
