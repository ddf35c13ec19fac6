"""Sending HTTPS deliveries: each department's waiting deliveries, oldest
event first, one process per department at a time (a lease on the
department), departments side by side so a slow one holds up only itself.

A failed POST is tried again after a growing delay (webhooks.retry_delay),
holding the deliveries behind it so order is kept; one that has failed for
WEBHOOK_RETRY_SECONDS is parked for staff to see and redeliver, and the
next ones go on."""
from datetime import timedelta

import eventlet

from services.feeds import webhooks
from services.feeds.deliveries import BATCH
from services.feeds.schemas import ACTIVE
from shared.clock import utcnow

# A department's sender gives way after this long, so its lease (longer)
# never runs out while it still sends.
SENDING_BUDGET = timedelta(seconds=10)
LEASE = timedelta(seconds=60)
DEPARTMENTS_AT_ONCE = 8


def send_due(store, settings):
    """Send what is due for every department; returns how many were accepted."""
    pool = eventlet.GreenPool(DEPARTMENTS_AT_ONCE)
    now = utcnow()
    threads = [pool.spawn(_send_department, store, settings, department_id)
               for department_id in store.departments_due(now)
               if store.claim_sending(department_id, now, LEASE)]
    return sum(thread.wait() for thread in threads)


def _send_department(store, settings, department_id):
    try:
        department = store.get_department(department_id)
        if department["status"] != ACTIVE:
            return 0
        return _send_in_order(store, settings, department)
    finally:
        store.release_sending(department_id)


def _send_in_order(store, settings, department):
    started, accepted = utcnow(), 0
    while utcnow() - started < SENDING_BUDGET:
        batch = store.next_deliveries(department["_id"])
        sent, held = _send_batch(settings, store, department, batch)
        store.mark_delivered(sent, utcnow())
        store.count_delivered({department["_id"]: len(sent)}, utcnow())
        accepted += len(sent)
        if held or len(batch) < BATCH:
            break
    return accepted


def _send_batch(settings, store, department, batch):
    """(ids accepted, whether a delivery not yet due or just failed holds the rest)."""
    sent = []
    for item in batch:
        now = utcnow()
        if item["next_at"] > now:
            return sent, True
        error = webhooks.post(department["webhook_url"], department["webhook_secret"],
                              item["event_id"], item["body"].encode(), now,
                              settings.timeout_seconds, settings.allowed_networks)
        if error is None:
            sent.append(item["_id"])
        elif not _failed(store, settings, item, error, now):
            return sent, True
    return sent, False


def _failed(store, settings, item, error, now):
    """Record a failed attempt; whether it was parked (the next may go)."""
    first = item["first_failed_at"] or now
    parked = (now - first).total_seconds() >= settings.retry_seconds
    store.mark_failed(item, error, now + webhooks.retry_delay(item["attempts"] + 1),
                      parked, now)
    return parked
