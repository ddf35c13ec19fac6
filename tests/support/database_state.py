"""The state of every service's database, to show a request wrote nothing
(the e2e ``nothing_written`` fixture)."""
import time

from shared.outbox import EmbeddedOutbox

# Earlier requests' events may still be being applied (a registration opens a
# ledger account, insight keeps the worker's picture, ...): the databases
# count as settled once nothing changed for this long and no event waits to
# be published.
QUIET_SECONDS = 0.5
SETTLE_TIMEOUT_SECONDS = 30


def snapshot(databases):
    """Every document of every collection of every database, by (database, collection)."""
    return {(db.name, name): sorted(db[name].find(), key=lambda doc: str(doc["_id"]))
            for db in databases for name in db.list_collection_names()}


def unpublished(state):
    """Whether an event is written but not yet published (its relay is at it)."""
    return any((collection == "outbox" and doc.get("sent_at") is None)
               or doc.get(EmbeddedOutbox.FIELD)
               for (_, collection), docs in state.items() for doc in docs)


def settled(databases):
    """A snapshot taken once the databases stopped changing."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_SECONDS
    previous = snapshot(databases)
    while True:
        time.sleep(QUIET_SECONDS)
        current = snapshot(databases)
        if current == previous and not unpublished(current):
            return current
        assert time.monotonic() < deadline, "the databases did not settle"
        previous = current


def changed(before, after):
    return sorted("{}.{}".format(*key) for key in before.keys() | after.keys()
                  if before.get(key) != after.get(key))


def nothing_written_check(system_databases):
    """Use as ``with nothing_written():`` around requests that must not write
    to any service's database."""
    class Check:
        def __enter__(self):
            self.before = settled(system_databases)

        def __exit__(self, kind, *rest):
            if kind is None:
                written = changed(self.before, snapshot(system_databases))
                assert not written, "the database changed: " + ", ".join(written)
    return Check
