"""Whether requests wrote to any service's database (the e2e
``nothing_written`` fixture), told by a change stream over the whole server:
reading every document before and after grew with everything the suite had
written (seconds a check once schemathesis had run), while the stream costs
the same whatever the databases hold.

Earlier requests' events may still be being applied (a registration opens a
ledger account, insight keeps the worker's picture, ...): the check starts
once no write came for QUIET_SECONDS and no event waits to be published."""
import time

from shared.outbox import EmbeddedOutbox
from shared.topology import service_classes

QUIET_SECONDS = 0.5
SETTLE_TIMEOUT_SECONDS = 30
AWAIT_MS = 100


def embedded_outbox_collections():
    """Collections of any service that keep their events in their documents."""
    return sorted({name for cls in service_classes()
                   for name in cls.store.store_class.EMBEDDED_OUTBOXES})


def unpublished(databases, embedded):
    """Whether an event is written but not yet published (its relay is at it)."""
    return any(db.outbox.find_one({"sent_at": None}, {"_id": 1}) is not None
               or any(db[name].find_one({EmbeddedOutbox.FIELD + ".0": {"$exists": True}},
                                        {"_id": 1}) is not None for name in embedded)
               for db in databases)


def written(stream, seconds):
    """The "database.collection" names the stream reports within ``seconds``
    (less if it is drained sooner: ``seconds`` = 0 reads what has come)."""
    names, ends = set(), time.monotonic() + seconds
    while True:
        change = stream.try_next()
        if change is not None:
            names.add("{}.{}".format(change["ns"]["db"], change["ns"].get("coll")))
        elif time.monotonic() >= ends:
            return names


def settle(stream, databases, embedded):
    deadline = time.monotonic() + SETTLE_TIMEOUT_SECONDS
    while written(stream, QUIET_SECONDS) or unpublished(databases, embedded):
        assert time.monotonic() < deadline, "the databases did not settle"


def nothing_written_check(system_databases):
    """Use as ``with nothing_written():`` around requests that must not write
    to any service's database."""
    names = sorted({db.name for db in system_databases})
    client = system_databases[0].client
    embedded = embedded_outbox_collections()

    class Check:
        def __enter__(self):
            self.stream = client.watch([{"$match": {"ns.db": {"$in": names}}}],
                                       max_await_time_ms=AWAIT_MS)
            settle(self.stream, system_databases, embedded)

        def __exit__(self, kind, *rest):
            try:
                if kind is None:
                    changed = written(self.stream, 0)
                    assert not changed, "the database changed: " + ", ".join(sorted(changed))
            finally:
                self.stream.close()
    return Check
