"""Each instance's copy, in memory, of a service's catalog: a collection that
changes a few times a day and is searched on every request (stations, job
postings).

Why a copy: the embedded database (SecantusDB) answers a 2dsphere $near over
5,000 stations in ~150 ms and a $geoNear in ~450 ms (measured), and has no
text index; a county's catalog is a few MB. So each instance keeps the listed
documents in memory, in an index of the service's own (stations: a grid of
positions, shared/nearby.py), and asks the database at most every
``refresh_seconds`` whether anything changed (one read of the catalog's
number), then fetches only the documents changed since the number it holds.
An instance sees its own changes at once (``refresh(force=True)`` after a
write), the other instances' within ``refresh_seconds``.

- ``CatalogMixin``, for the store: every change to the catalog's collection
  takes the next number from ``meta`` ``{_id: "catalog", seq}`` in its
  transaction and stamps it on the document as ``seq``. Every such
  transaction writes that counter, so they commit in number order: a copy
  never skips a number committed late.
- ``CatalogCopy``: the copy, its index, and refreshing it.
- ``Catalog``: the DependencyProvider injecting the instance's copy,
  refreshed when the entrypoint first uses it (``FreshCopy``).
"""
import time

from nameko.extensions import DependencyProvider
from pymongo import ASCENDING, ReturnDocument

from shared.mongo import store_of

# The counter's ``_id`` in ``meta``: one catalog per service database.
COUNTER = "catalog"
# How stale another instance's copy may be, in seconds: each asks whether
# anything changed at most this often (the instance that made a change sees
# it at once). The container's CATALOG_REFRESH_SECONDS overrides it (the
# tests set 0).
REFRESH_SECONDS = 1.0


class CatalogMixin:
    """For a store whose collection ``CATALOG_COLLECTION`` is a catalog;
    mixed in before BaseStore (its ``prepare`` adds the counter and index).
    Every change to that collection is made in ``_catalog_change``, which
    hands the work the number to stamp on what it writes as ``seq``."""

    CATALOG_COLLECTION = None  # "stations", "postings"
    # What a copy holds of each document (a projection; None: all of it).
    CATALOG_PROJECTION = None

    @classmethod
    def prepare(cls, db):
        super().prepare(db)
        db.meta.update_one({"_id": COUNTER}, {"$setOnInsert": {"seq": 0}}, upsert=True)
        db[cls.CATALOG_COLLECTION].create_index([("seq", ASCENDING)])

    def _catalog_change(self, work):
        """``work(session, seq)`` in a transaction that takes the catalog's next number."""
        def run(session):
            seq = self.db.meta.find_one_and_update(
                {"_id": COUNTER}, {"$inc": {"seq": 1}}, return_document=ReturnDocument.AFTER,
                session=session)["seq"]
            return work(session, seq)
        return self.in_transaction(run)

    def catalog_seq(self):
        return self.db.meta.find_one({"_id": COUNTER})["seq"]

    def changed_since(self, seq):
        """Every document changed after number ``seq``, in number order."""
        return list(self.db[self.CATALOG_COLLECTION]
                    .find({"seq": {"$gt": seq}}, self.CATALOG_PROJECTION)
                    .sort([("seq", ASCENDING)]))


class CatalogCopy:
    """The listed documents by id (``documents``) and the ``index`` the
    service searches them with, as of catalog number ``seq``.

    ``store`` has CatalogMixin's reads. ``index`` is the service's: any
    object with ``lists(document)`` (whether it belongs in the copy: a closed
    station does not), ``add(document)`` (a listed document not in the
    index) and ``remove(document_id)`` (one that is). A changed document is
    removed and added again, so an index need not know how to update one.
    ``clock`` (seconds, monotonic) is there for tests.
    """

    def __init__(self, store, index, refresh_seconds, clock=time.monotonic):
        self.store, self.index = store, index
        self.refresh_seconds, self.clock = refresh_seconds, clock
        self.documents, self.seq, self.checked_at = {}, 0, None

    def refresh(self, force=False):
        """This copy, brought up to date first if ``refresh_seconds`` have
        passed since it last asked the database (or if ``force``)."""
        now = self.clock()
        if not force and self.checked_at is not None \
                and now - self.checked_at < self.refresh_seconds:
            return self
        self.checked_at = now
        if self.store.catalog_seq() > self.seq:
            self.apply(self.store.changed_since(self.seq))
        return self

    def apply(self, changed):
        """Take in ``changed``, documents in number order. Workers refresh
        concurrently (a database read lets another worker run), so one
        fetch may be applied after a later one: a document it holds numbered
        no higher than the copy's ``seq`` is then the version the copy has
        or an older one, and is skipped."""
        for document in changed:
            if document["seq"] <= self.seq:
                continue  # a concurrent refresh got here first
            self._replace(document)
        if changed:
            self.seq = max(self.seq, changed[-1]["seq"])

    def _replace(self, document):
        key = document["_id"]
        if self.documents.pop(key, None) is not None:
            self.index.remove(key)
        if self.index.lists(document):
            self.documents[key] = document
            self.index.add(document)

    def get(self, document_id):
        """The listed document, or None."""
        return self.documents.get(document_id)


class Catalog(DependencyProvider):
    """Injects the instance's CatalogCopy, refreshed if it is due when the
    entrypoint first uses it. It reads through the service's store (its
    MongoStore's class, with CatalogMixin); ``new_index()`` makes the empty
    index."""

    def __init__(self, new_index):
        self.new_index = new_index
        self.copy = None

    def get_dependency(self, worker_ctx):
        if self.copy is None:  # here, not in setup(): the MongoStore's is done by now
            self.copy = self._new_copy()
        return FreshCopy(self.copy)

    def _new_copy(self):
        mongo = store_of(self.container, "the catalog")
        seconds = self.container.config.get("CATALOG_REFRESH_SECONDS", REFRESH_SECONDS)
        return CatalogCopy(mongo.store_class(mongo.db), self.new_index(), float(seconds))


class FreshCopy:
    """The copy as one entrypoint sees it: brought up to date (if due) the
    first time the entrypoint uses it, not when it is injected. nameko kills
    the whole service when injecting a dependency raises, so a database that
    does not answer for a moment (restarting) must fail inside the
    entrypoint, where it is the call's 503 (shared/rpc.py)."""

    def __init__(self, copy):
        self._copy, self._fresh = copy, False

    def refresh(self, force=False):
        self._fresh = True
        return self._copy.refresh(force)

    def __getattr__(self, name):
        if not self._fresh:
            self.refresh()
        return getattr(self._copy, name)
