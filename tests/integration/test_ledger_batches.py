"""The ledger's earning events applied in batches (shared/batches.py) over real
RabbitMQ and the embedded MongoDB: a burst is applied in a few transactions,
each of at most EVENT_BATCH_SIZE events, with the same result as one by one
(first pass only, caps, balances that reconcile); a message delivered twice
in one batch counts once; a poison message in a batch is dead-lettered
without holding up the others."""
import uuid
from datetime import datetime, timedelta, timezone

from services.ledger import reports
from services.ledger.service import LedgerService
from shared.clock import utcnow
from shared.events import new_event
from shared.mongo import COMMANDS
from tests.support.broker import wait_for
from tests.support.callers import worker

SERVICE = LedgerService
# A quiet moment's first event waits long enough for the whole burst.
SERVICE_CONFIG = {"EVENT_BATCH_SIZE": 25, "EVENT_BATCH_WAIT_MS": 1500}
RULES = [
    {"code": "class_attended", "label": "盐工学堂", "points": 5},
    {"code": "quiz_passed", "label": "红色知识答题", "points": 10, "first_only": True},
    {"code": "station_visited", "label": "驿站打卡", "points": 2, "daily_cap": 6},
]


def open_accounts(store, count):
    workers = [worker() for _ in range(count)]
    for caller in workers:
        store.in_transaction(lambda session, caller=caller: store.remember_worker(
            {"worker_id": caller.id, "name": "沈建明", "district": "武原街道",
             "occupation": "courier"}, utcnow(), session))
    return [caller.id for caller in workers]


def attended(worker_id):
    return {"class_id": "c-" + uuid.uuid4().hex[:8], "worker_id": worker_id,
            "category": "tea_art", "hours": 2.0, "attended_at": utcnow()}


def commits():
    return COMMANDS.counts().get("commitTransaction", 0)


def awards_in_outbox(store):
    return store.db.outbox.count_documents({"type": "points_awarded"})


def entries_of(store, worker_ids):
    return store.db.entries.count_documents({"worker_id": {"$in": worker_ids}})


def test_a_burst_is_applied_in_a_few_transactions_of_at_most_a_batch(as_staff, store,
                                                                     publish):
    as_staff.set_rules({"rules": RULES})
    worker_ids = open_accounts(store, 6)
    before, outbox_before = commits(), awards_in_outbox(store)
    for n in range(60):
        publish("courses", "class_attended", attended(worker_ids[n % 6]))
    wait_for(lambda: entries_of(store, worker_ids) == 60, what="the burst applied")
    transactions = commits() - before
    assert 60 // 25 < transactions <= 6  # batches of at most 25, not one per event
    # A batch's points_awarded are one outbox entry: one write, one to mark sent.
    assert awards_in_outbox(store) - outbox_before == transactions
    for worker_id in worker_ids:
        account = store.db.accounts.find_one({"_id": worker_id})
        assert (account["balance"], account["seq"]) == (50, 10)
        seqs = [e["seq"] for e in store.db.entries.find({"worker_id": worker_id})]
        assert sorted(seqs) == list(range(1, 11))
    assert reports.reconcile(store.db)["ok"]


def test_a_batch_decides_first_passes_and_caps_as_one_by_one_would(as_staff, store, publish):
    as_staff.set_rules({"rules": RULES})
    (me,) = open_accounts(store, 1)
    morning = datetime.now(timezone.utc).replace(hour=1, minute=0)  # 09:00 in China
    for n in range(3):  # the same quiz three times: the first pass earns
        publish("learning", "quiz_passed", {"worker_id": me, "quiz_id": "q-batch",
                                            "quiz_title": "第3期", "score": 90,
                                            "passed_at": morning + timedelta(minutes=n)})
    for n in range(5):  # 2 points each, 6 a day: the fourth and fifth earn nothing
        publish("stations", "station_visited", {
            "worker_id": me, "station_id": "st-{}".format(n), "station_name": "红驿",
            "visited_at": morning + timedelta(minutes=10 + n)})
    wait_for(lambda: store.db.firsts.count_documents({"_id": {"$regex": me}}) == 6,
             what="every event seen")
    wait_for(lambda: store.db.accounts.find_one({"_id": me})["balance"] == 16,
             what="the points")
    entries = list(store.db.entries.find({"worker_id": me}).sort("seq", 1))
    assert [e["reason_code"] for e in entries].count("quiz_passed") == 1
    assert sum(e["amount"] for e in entries if e["reason_code"] == "station_visited") == 6
    assert reports.reconcile(store.db, me)["ok"]


def test_a_message_delivered_twice_in_one_batch_counts_once(as_staff, store, publish):
    as_staff.set_rules({"rules": RULES})
    (me,) = open_accounts(store, 1)
    first = publish("courses", "class_attended", attended(me))
    publish("courses", "class_attended", None, envelope=first)  # a redelivery
    publish("courses", "class_attended", attended(me))
    wait_for(lambda: store.db.processed_events.count_documents(
        {"_id": "handle_class_attended:" + first["id"]}) == 1, what="the batch")
    wait_for(lambda: entries_of(store, [me]) == 2, what="two entries")
    assert store.db.accounts.find_one({"_id": me})["balance"] == 10


def test_a_poison_message_is_dead_lettered_and_the_rest_of_its_batch_applied(
        as_staff, store, publish):
    as_staff.set_rules({"rules": RULES})
    worker_ids = open_accounts(store, 3)
    poisoned = attended(worker_ids[0])
    envelope = new_event("courses", "class_attended", poisoned, now=utcnow())
    # An entry already posted for this event under another worker (data
    # that disagrees with itself): posting it again breaks the unique source.
    store.db.entries.insert_one({"_id": "ghost-" + envelope["id"], "worker_id": "ghost",
                                 "seq": 1, "source": "courses.class_attended:" + envelope["id"]})
    publish("courses", "class_attended", attended(worker_ids[1]))
    publish("courses", "class_attended", None, envelope=envelope)
    publish("courses", "class_attended", attended(worker_ids[2]))
    wait_for(lambda: store.db.dead_letters.find_one(
        {"_id": "handle_class_attended:" + envelope["id"]}), timeout=30,
        what="the poison message dead-lettered")
    wait_for(lambda: entries_of(store, worker_ids) == 2, what="the others applied")
    assert store.db.accounts.find_one({"_id": worker_ids[0]})["balance"] == 0
    assert [store.db.accounts.find_one({"_id": w})["balance"] for w in worker_ids[1:]] == [5, 5]
    assert store.db.processed_events.count_documents(
        {"_id": "handle_class_attended:" + envelope["id"]}) == 0
