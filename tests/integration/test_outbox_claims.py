"""The relay's timer claims stale outbox entries on the real MongoDB-wire
server: oldest first, at most a batch, never one that is fresh, sent or
claimed by another relay whose lease still runs, and two relays claiming at
once never get the same entry."""
from datetime import timedelta

from shared.clock import utcnow
from shared.outbox import BATCH, CLAIM_LEASE, STALE_AFTER, Outbox
from tests.support.concurrency import run_together


def outbox_with(db, ages):
    """An outbox with an unsent entry per age (seconds), ids e0, e1, ..."""
    Outbox.prepare(db)
    outbox = Outbox(db)
    now = utcnow()
    db.outbox.insert_many([{
        "_id": "e{}".format(n), "envelope": {"id": "e{}".format(n)}, "type": "t",
        "created_at": now - timedelta(seconds=age), "sent_at": None, "claimed_until": None,
        "publish_attempts": 0} for n, age in enumerate(ages)])
    return outbox


def ids(envelopes):
    return [envelope["id"] for envelope in envelopes]


def test_stale_entries_are_claimed_oldest_first_once_until_the_lease_ends(databases):
    db = databases("outbox-claims")
    stale = STALE_AFTER.total_seconds() + 5
    outbox = outbox_with(db, [stale, stale + 10, 0.0, stale + 5])
    outbox.mark_sent(["e3"])
    assert ids(outbox.claim_stale()) == ["e1", "e0"]  # e2 is fresh, e3 was sent
    assert outbox.claim_stale() == []                 # claimed: the lease runs
    later = utcnow() + CLAIM_LEASE + timedelta(seconds=1)
    assert ids(outbox.claim_stale(later)) == ["e1", "e0", "e2"]
    assert db.outbox.find_one({"_id": "e1"})["publish_attempts"] == 2


def test_two_relays_claiming_at_once_share_the_entries_out(databases):
    db = databases("outbox-claims-race")
    outbox = outbox_with(db, [STALE_AFTER.total_seconds() + 1 + n for n in range(BATCH + 20)])
    claims = run_together([outbox.claim_stale for _ in range(4)])
    claimed = [envelope_id for claim in claims for envelope_id in ids(claim)]
    assert len(claimed) == len(set(claimed))
    assert len(claimed) + len(ids(outbox.claim_stale())) == BATCH + 20
