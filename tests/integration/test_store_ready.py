"""A service's store is ready (collections and indexes made) before any of
its extensions starts, so no event handler can apply a waiting backlog while
the collections are still being created: nameko starts every extension at
once, and on the embedded server that overlap could deadlock a start-up."""
import eventlet
from nameko.extensions import DependencyProvider

from shared.mongo import MongoStore, store_of
from shared.store import BaseStore


class SlowToPrepareStore(BaseStore):
    @staticmethod
    def create_indexes(db):
        eventlet.sleep(0.3)  # long enough for any concurrent start() to run first
        db.things.create_index("made_at")


class ReadyProbe(DependencyProvider):
    """Records, as it starts, whether the store's index was already there."""
    seen = []

    def start(self):
        indexes = store_of(self.container, "the probe").db.things.index_information()
        ReadyProbe.seen.append("made_at_1" in indexes)


class ProbedService:
    name = "probed"
    store = MongoStore(SlowToPrepareStore)
    probe = ReadyProbe()


def test_the_store_is_prepared_before_any_extension_starts(run_service):
    ReadyProbe.seen.clear()
    run_service(ProbedService)
    assert ReadyProbe.seen == [True]
