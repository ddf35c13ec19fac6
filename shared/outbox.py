"""The transactional outbox: an event is stored with the change that caused it.

A store method writes its state change and ``Outbox.add_all(envelopes)`` in one
MongoDB transaction, so a change without its event (or an event without its
change) cannot exist. After the commit, ``OutboxRelay`` publishes the event and
marks it sent; a timer re-publishes whatever is still unsent (a crash between
commit and publish, a broker that was down). Delivery is therefore at least
once, and consumers drop repeats by event id (shared/inbox.py). The events
of one batch of handled events (shared/batches.py) share one entry.
"""
import logging
import uuid
from datetime import timedelta

from nameko.events import EventDispatcher
from nameko.timer import timer
from pymongo import ASCENDING

from shared.clock import utcnow
from shared.mongo import store_of

log = logging.getLogger(__name__)

# An unsent event younger than this is probably being published by the request
# that wrote it; the timer leaves it alone so it is not published twice.
STALE_AFTER = timedelta(seconds=3)
# How long a relay that claimed an entry has to publish it before another may.
CLAIM_LEASE = timedelta(seconds=30)
# Fixed here, not read from the environment: timers are bound at import time.
RELAY_INTERVAL_SECONDS = 2
BATCH = 100


class Outbox:
    def __init__(self, db):
        self.collection = db.outbox

    @staticmethod
    def prepare(db):
        db.outbox.create_index([("sent_at", ASCENDING),
                                ("created_at", ASCENDING)])

    def add_all(self, envelopes, session, one_entry=False):
        """Record ``envelopes`` in the caller's transaction, one write for all:
        an entry each, or with ``one_entry`` (a batch's events) one entry
        holding them all. Each entry is a document to insert, and then to
        update once published: per event, those two writes cost the ledger's
        batches more than its entries and balances on the embedded server."""
        if not envelopes:
            return
        if one_entry:
            self.collection.insert_one(self._entry(envelopes), session=session)
        else:
            self.collection.insert_many([self._entry([envelope]) for envelope in envelopes],
                                        session=session)

    @staticmethod
    def _entry(envelopes):
        """An entry is named by its last event's id: the relay publishes an
        entry's events in order and stops at the first that fails, so when
        its last event was sent, all of them were (Relay.publish)."""
        entry = {"_id": envelopes[-1]["id"], "events": len(envelopes), "created_at": utcnow(),
                 "sent_at": None, "claimed_until": None, "publish_attempts": 0}
        if len(envelopes) == 1:
            return dict(entry, envelope=envelopes[0], type=envelopes[0]["type"])
        return dict(entry, envelopes=envelopes,
                    type=sorted({envelope["type"] for envelope in envelopes}))

    def claim_stale(self, now=None):
        """Claim unsent entries older than STALE_AFTER (oldest first, up to
        BATCH events, or one entry if it holds more), so two relays (two
        processes of a service) do not publish the same ones: a find on the
        index, then one write that claims those still unclaimed with this
        call's own mark, and a read of what it got. Three commands when
        there is something to claim, one when not (the relay's timer asks
        every few seconds, in every service); a findAndModify per entry
        would scan the whole outbox on the embedded server, even to find
        nothing."""
        now = now or utcnow()
        # Unclaimed as "not claimed until after now" (null included), not as
        # an $or of the two: with an $or the embedded server leaves the index
        # and scans the whole outbox (250 ms at 20,000 entries, 0.5 ms without).
        stale = {"sent_at": None, "created_at": {"$lt": now - STALE_AFTER},
                 "claimed_until": {"$not": {"$gt": now}}}
        ids = up_to_a_batch(self.collection.find(
            stale, {"_id": 1, "events": 1}, sort=[("created_at", ASCENDING)], limit=BATCH))
        if not ids:
            return []
        mark = uuid.uuid4().hex
        self.collection.update_many(dict(stale, _id={"$in": ids}), {
            "$set": {"claimed_until": now + CLAIM_LEASE, "claim": mark},
            "$inc": {"publish_attempts": 1}})
        return [envelope for entry in self.collection.find(
            {"_id": {"$in": ids}, "claim": mark}, {"envelope": 1, "envelopes": 1},
            sort=[("created_at", ASCENDING)]) for envelope in envelopes_of(entry)]

    def release(self, event_ids):
        """Give up the claim on entries a failed publish left unsent (named by
        their last event), so the next tick retries them instead of waiting
        out CLAIM_LEASE."""
        self.collection.update_many({"_id": {"$in": list(event_ids)}, "sent_at": None},
                                    {"$set": {"claimed_until": None}})

    def mark_sent(self, event_ids):
        """The entries whose last event is among ``event_ids`` (Outbox._entry)."""
        self.collection.update_many({"_id": {"$in": list(event_ids)}},
                                    {"$set": {"sent_at": utcnow()}})


def up_to_a_batch(entries):
    """The ids of the first ``entries`` holding BATCH events in all (at least
    the first entry): a claim is published within its lease, however many
    events a batch's entry holds."""
    ids, events = [], 0
    for entry in entries:
        held = entry.get("events", 1)  # an entry without the count is an older one
        if ids and events + held > BATCH:
            break
        ids.append(entry["_id"])
        events += held
    return ids


def envelopes_of(entry):
    """The events an outbox entry holds, in the order they were recorded."""
    return entry.get("envelopes") or [entry["envelope"]]


class EmbeddedOutbox:
    """Events kept in the changed document itself, in ``pending_events``.

    For a hot path where one single-document write must carry both the change
    and its event without a transaction (a seat taken in a class rush). The
    relay pulls each event out once published; the timer re-publishes events
    whose ``time`` is older than STALE_AFTER. Documents with nothing pending
    have no entry in the ``pending_events.time`` index, so the scan stays small.
    """
    FIELD = "pending_events"

    def __init__(self, collection):
        self.collection = collection

    @classmethod
    def prepare(cls, collection):
        collection.create_index(cls.FIELD + ".time")
        collection.create_index(cls.FIELD + ".id")

    def claim_stale(self, now=None):
        cutoff = ((now or utcnow()) - STALE_AFTER).isoformat(timespec="microseconds")
        documents = self.collection.find({self.FIELD + ".time": {"$lt": cutoff}},
                                         {self.FIELD: 1}, limit=BATCH)
        return [event for doc in documents for event in doc[self.FIELD]
                if event["time"] < cutoff]

    def mark_sent(self, event_ids):
        event_ids = list(event_ids)
        self.collection.update_many({self.FIELD + ".id": {"$in": event_ids}},
                                    {"$pull": {self.FIELD: {"id": {"$in": event_ids}}}})

    def release(self, event_ids):
        """Nothing is claimed here: two relays may both re-publish a stale
        event, which consumers drop as a repeat."""


class Events(list):
    """Envelopes a write recorded, knowing the outbox that holds them, for a
    store that keeps events in more than one place (courses: the outbox
    collection, and on the rush's hot path the seat or place document itself,
    EmbeddedOutbox). The relay marks events sent where they are stored; a
    plain list of envelopes is in the outbox collection."""

    def __init__(self, envelopes=(), outbox=None):
        super().__init__(envelopes)
        self.outbox = outbox


class Relay:
    def __init__(self, dispatch, outbox, embedded=()):
        self.dispatch = dispatch
        self.outbox = outbox
        self.embedded = tuple(embedded)

    def publish(self, envelopes):
        """Publish just-committed events; a failure leaves them to the timer.
        They were stored in the outbox collection, or where ``Events`` says."""
        outbox = getattr(envelopes, "outbox", None) or self.outbox
        sent = []
        for index, envelope in enumerate(envelopes):
            try:
                self.dispatch(envelope["type"], envelope)
            except Exception:  # broker down or refused: the timer retries
                log.warning("event %s (%s) left in the outbox for retry",
                            envelope["id"], envelope["type"], exc_info=True)
                self._release(outbox, envelopes[index:])
                break
            sent.append(envelope["id"])
        if sent:  # one write for the lot: a crash before it only means repeats
            outbox.mark_sent(sent)

    @staticmethod
    def _release(outbox, envelopes):
        try:
            outbox.release(e["id"] for e in envelopes)
        except Exception:  # the claim lease runs out on its own
            log.warning("could not release outbox claims", exc_info=True)

    def republish_stale(self):
        for outbox in (self.outbox,) + self.embedded:
            self.publish(Events(outbox.claim_stale(), outbox))


class OutboxRelay(EventDispatcher):
    """Publishes to ``<service>.events`` (with publisher confirms) and records
    what was sent in the outbox of the service's MongoStore."""

    def get_dependency(self, worker_ctx):
        dispatch = super().get_dependency(worker_ctx)
        store = store_of(self.container, "OutboxRelay")
        embedded = [EmbeddedOutbox(store.db[name])
                    for name in getattr(store.store_class, "EMBEDDED_OUTBOXES", ())]
        return Relay(dispatch, Outbox(store.db), embedded)


class EventSource:
    """Mixin for a service that publishes events through the outbox."""
    relay = OutboxRelay()

    @timer(interval=RELAY_INTERVAL_SECONDS)
    def republish_unsent_events(self):
        self.relay.republish_stale()
