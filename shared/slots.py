"""A pool of numbered places that many people grab at once: a class's seats
and its waitlist (courses), a volunteer shift's places and its waitlist.

Each place is a document made beforehand, one per place, numbered ``n`` from
0 and holding the pool's id in ``pool_field``. Taking one is a single
conditional write on the free document with the lowest ``n``, so a place
that does not exist cannot be taken and a full pool answers "none" with no
count to go stale, and a unique index on (pool, holder) makes a second place
for the same holder impossible (DuplicateKeyError), whatever the races: no
transaction on the hot path. The event saying who took it travels in the
same write, in the slot's own ``pending_events`` (shared/outbox.py
EmbeddedOutbox), so a place is never taken without its event.

A pool used as a line (a waitlist) is in the order of ``n``: a tap takes the
free slot with the lowest ``n``, and a freed slot moves behind every other (a
new, highest ``n``), so every free slot is numbered after every taken one.
A tap that took slot ``n`` found every lower one taken, their writes done:
the count of those still waiting below it, which is its position, cannot
miss one taken at the same instant (a ticket computed before the write
could: the later ticket could land first and count before the earlier one
was there). Two frees must not take the same new ``n``: each reads the
highest and writes one above it, so concurrent frees of one pool are
serialised by a write of ``serialise`` in the same transaction, to a
document outside the slots (courses: the class). Not a slot: the highest
slot is usually a free one, the very document the taps race for.

The pool knows two states, FREE and CLOSED (a pool that will never open
again, so that a tap that read its parent just before it closed finds
nothing to take); every state of a taken slot ("booked", "waiting",
"signed_up"…) is the caller's, as are the indexes on the holder's side.
"""
from pymongo import ASCENDING, DESCENDING, ReturnDocument

from shared.outbox import EmbeddedOutbox

FREE, CLOSED = "free", "closed"
# A slot somebody holds (a free or closed one holds None).
HELD = {"$type": "string"}
PENDING = EmbeddedOutbox.FIELD
# What every vacant slot has; a pool adds the fields of its own holders.
VACANT = {"state": FREE, "holder": None, "key": None, "since": None}


class SlotPool:
    """The slots of one collection, grouped into pools by ``pool_field``.

    ``vacant``: the caller's fields that a freed slot resets (e.g. an offer's
    expiry), with their vacant value. ``serialise(pool_id, session)``: a
    write that every move of a slot to the back makes (see the top); a pool
    whose slots never move to the back (courses' seats) needs none.
    """

    def __init__(self, collection, pool_field, vacant=None, serialise=None):
        self.collection = collection
        self.pool_field = pool_field
        self.vacant = dict(VACANT, **(vacant or {}))
        self.serialise = serialise
        self.outbox = EmbeddedOutbox(collection)

    def _in(self, pool_id, **criteria):
        return dict(criteria, **{self.pool_field: pool_id})

    # ---- making and removing slots (with the parent, in its transaction) -----

    def create_indexes(self):
        self.collection.create_index(
            [(self.pool_field, ASCENDING), ("state", ASCENDING), ("n", ASCENDING)])
        # One slot per holder per pool, whatever the races.
        self.collection.create_index(
            [(self.pool_field, ASCENDING), ("holder", ASCENDING)], unique=True,
            name="one_per_worker", partialFilterExpression={"holder": HELD})
        self.collection.create_index([(self.pool_field, ASCENDING), ("n", ASCENDING)])

    def new_docs(self, pool_id, prefix, numbers, **fields):
        """Free slots numbered ``numbers``, ``_id`` "<pool_id>:<prefix><n>"
        (an ``_id`` keeps the number a slot was made with when it moves)."""
        return [dict(self.vacant, _id="{}:{}{}".format(pool_id, prefix, n), n=n,
                     **{self.pool_field: pool_id, PENDING: []}, **fields)
                for n in numbers]

    def next_n(self, pool_id, session=None):
        highest = self.collection.find_one(self._in(pool_id), {"n": 1},
                                           sort=[("n", DESCENDING)], session=session)
        return highest["n"] + 1 if highest else 0

    def add(self, pool_id, prefix, count, session, **fields):
        """``count`` more free slots, numbered after the highest there is."""
        first = self.next_n(pool_id, session)
        docs = self.new_docs(pool_id, prefix, range(first, first + count), **fields)
        if docs:
            self.collection.insert_many(docs, session=session)
        return docs

    def remove_free(self, pool_id, count, session):
        """Delete ``count`` free slots, the highest; returns how many free
        there were, up to ``count``. With fewer, none is deleted: a pool is
        never made smaller than the slots held in it (the caller refuses)."""
        if count <= 0:
            return 0
        free = [doc["_id"] for doc in self.collection.find(
            self._in(pool_id, state=FREE), {"_id": 1}, sort=[("n", DESCENDING)],
            limit=count, session=session)]
        if len(free) == count:
            self.collection.delete_many({"_id": {"$in": free}}, session=session)
        return len(free)

    def set_all(self, pool_id, fields, session):
        """The same fields on every slot of the pool (e.g. a new start time,
        which slots carry for the holder's reads)."""
        self.collection.update_many(self._in(pool_id), {"$set": fields}, session=session)

    def close(self, pool_id, session):
        """Every slot vacant and CLOSED: none can be taken again."""
        self.collection.update_many(self._in(pool_id),
                                    {"$set": dict(self.vacant, state=CLOSED)}, session=session)

    # ---- taking and freeing ------------------------------------------------------

    def take(self, pool_id, set_fields, event, session=None):
        """The one conditional write of the rush: the free slot with the
        lowest ``n`` gets ``set_fields`` (its state, holder, key, since…) and
        ``event`` in its outbox. The slot after the write, or None when none
        is free. DuplicateKeyError when the holder holds one already."""
        return self.collection.find_one_and_update(
            self._in(pool_id, state=FREE), {"$set": set_fields, "$push": {PENDING: event}},
            sort=[("n", ASCENDING)], return_document=ReturnDocument.AFTER, session=session)

    def vacate(self, slot, session=None):
        """Free ``slot`` where it stands; False if its holder did not hold it
        any more (a concurrent request freed it first)."""
        return self.collection.update_one(
            {"_id": slot["_id"], "holder": slot["holder"]},
            {"$set": self.vacant}, session=session).modified_count == 1

    def free_to_back(self, slot, event, session, **set_fields):
        """Free ``slot`` and move it behind every other, with ``event`` in its
        outbox, in the caller's transaction; False (nothing written) if its
        holder did not hold it any more."""
        n = self._back_n(slot[self.pool_field], session)
        update = {"$set": dict(self.vacant, n=n, **set_fields)}
        if event is not None:  # None: the caller keeps it in its outbox collection
            update["$push"] = {PENDING: event}
        return self.collection.update_one(
            {"_id": slot["_id"], "holder": slot["holder"]}, update,
            session=session).modified_count == 1

    def pop_first(self, pool_id, state, session):
        """The first slot in ``state`` (lowest ``n``) as it was, now freed and
        moved to the back: the head of a line let through. None if none is
        in ``state`` (and then nothing is written: the parent neither)."""
        first = self.collection.find_one_and_update(
            self._in(pool_id, state=state), {"$set": self.vacant},
            sort=[("n", ASCENDING)], session=session)
        if first is not None:
            self.collection.update_one({"_id": first["_id"]},
                                       {"$set": {"n": self._back_n(pool_id, session)}},
                                       session=session)
        return first

    def drop_pending(self, slot, events):
        """Take ``events`` out of the slot's outbox unsent (a take undone)."""
        self.collection.update_one(
            {"_id": slot["_id"]},
            {"$pull": {PENDING: {"id": {"$in": [event["id"] for event in events]}}}})

    def _back_n(self, pool_id, session):
        """The ``n`` behind every slot of the pool, with the write that makes
        concurrent moves to the back conflict (see the top)."""
        if self.serialise is None:
            raise RuntimeError("a pool whose slots move to the back needs serialise")
        self.serialise(pool_id, session)
        return self.next_n(pool_id, session)

    # ---- reading -----------------------------------------------------------------

    def count(self, pool_id, state):
        return self.collection.count_documents(self._in(pool_id, state=state))

    def has_free(self, pool_id, session=None):
        return self.collection.find_one(self._in(pool_id, state=FREE), {"_id": 1},
                                        session=session) is not None

    def position(self, slot, state):
        """1 for the first in line (the order of ``n``, see the top); it
        moves up as those ahead leave."""
        return 1 + self.collection.count_documents(self._in(
            slot[self.pool_field], state=state, n={"$lt": slot["n"]}))

    def held_by(self, pool_id, holder):
        return self.collection.find_one(self._in(pool_id, holder=holder))

    def holders(self, pool_id, session=None):
        """Everyone holding a slot of the pool, in no order."""
        return self.collection.distinct("holder", self._in(pool_id, holder=HELD),
                                        session=session)
