"""Sending a push: its audience taken at send time, then batch after batch
into the inboxes (pushes.py says why each step survives a crash). Called
by the service's timer; a push is leased to one process at a time."""
from services.insight.schemas import QUEUED
from services.insight.segments import audience_query
from shared.errors import NotFound

# A process that stops mid-push leaves it to another after this long.
LEASE_SECONDS = 30
# Pushes one timer tick may send (the rest wait for the next tick).
PUSHES_PER_TICK = 5


def send_due(store, batch, clock):
    """Send the pushes waiting; ``clock()`` is the time, read per step."""
    for _ in range(PUSHES_PER_TICK):
        push = store.claim_push(clock(), LEASE_SECONDS)
        if push is None:
            return
        send(store, push, batch, clock)


def send(store, push, batch, clock):
    if push["status"] == QUEUED:
        store.take_audience(push, audience(store, push, clock()), batch)
    while (part := store.next_unsent_batch(push["_id"])) is not None:
        store.deliver_batch(push, part, clock())
        store.count_reach(push["_id"])
        store.renew_lease(push["_id"], clock(), LEASE_SECONDS)
    store.count_reach(push["_id"], finished_at=clock())


def audience(store, push, now):
    """The ids the push goes to; none if a tag it names has been deleted
    since (staff see audience 0)."""
    try:
        query = audience_query(push["filters"], store.rules_by_tag(), now)
    except NotFound:
        return []
    return store.profile_ids(query)
