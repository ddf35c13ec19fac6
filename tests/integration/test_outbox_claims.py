"""The relay's timer claims stale outbox entries on the real MongoDB-wire
server: oldest first, at most a batch, never one that is fresh, sent or
claimed by another relay whose lease still runs, and two relays claiming at
once never get the same entry. A batch's events are one entry, sent only
when all of them were."""
from datetime import timedelta

from shared.clock import utcnow
from shared.outbox import BATCH, CLAIM_LEASE, STALE_AFTER, Outbox, Relay
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


def batch_recorded(db, count, one_entry=True, name="b"):
    """``count`` events recorded by one transaction, as the ledger's batches
    record them; returns (outbox, envelopes)."""
    Outbox.prepare(db)
    outbox = Outbox(db)
    envelopes = [{"id": "{}{}".format(name, n), "type": "points_awarded"}
                 for n in range(count)]
    with db.client.start_session() as session:
        with session.start_transaction():
            outbox.add_all(envelopes, session, one_entry=one_entry)
    return outbox, envelopes


def relay_refusing(outbox, refused):
    published = []

    def dispatch(event_type, envelope):
        if envelope["id"] in refused:
            raise ConnectionError("broker down")
        published.append(envelope["id"])
    return Relay(dispatch, outbox), published


def test_a_batch_is_one_entry_sent_once_all_its_events_were(databases):
    db = databases("outbox-one-entry")
    outbox, envelopes = batch_recorded(db, 3)
    assert db.outbox.count_documents({}) == 1
    relay, published = relay_refusing(outbox, {"b1"})
    relay.publish(envelopes)
    assert published == ["b0"]
    assert db.outbox.count_documents({"sent_at": None}) == 1  # b1 and b2 never went
    later = utcnow() + STALE_AFTER + timedelta(seconds=1)
    assert ids(outbox.claim_stale(later)) == ["b0", "b1", "b2"]  # the whole batch, in order
    relay, published = relay_refusing(outbox, ())
    relay.publish(envelopes)
    assert published == ["b0", "b1", "b2"]
    assert db.outbox.count_documents({"sent_at": None}) == 0


def test_events_of_one_write_are_an_entry_each_unless_a_batch_says_otherwise(databases):
    db = databases("outbox-entries")
    batch_recorded(db, 2, one_entry=False)
    assert sorted(entry["_id"] for entry in db.outbox.find()) == ["b0", "b1"]
    db.outbox.delete_many({})
    batch_recorded(db, 1)
    (entry,) = db.outbox.find()
    assert (entry["envelope"]["id"], entry["type"]) == ("b0", "points_awarded")


def test_a_claim_holds_about_a_batch_of_events_however_they_are_stored(databases):
    db = databases("outbox-claim-size")
    batch_recorded(db, BATCH - 10, name="a")
    batch_recorded(db, BATCH - 10, name="b")
    outbox, _ = batch_recorded(db, BATCH + 50, name="c")
    later = utcnow() + STALE_AFTER + timedelta(seconds=1)
    assert len(outbox.claim_stale(later)) == BATCH - 10  # not the next entry too
    assert len(outbox.claim_stale(later)) == BATCH - 10
    assert len(outbox.claim_stale(later)) == BATCH + 50  # one entry, whatever it holds
    assert outbox.claim_stale(later) == []
