"""How many events went onto each department's queue, counted in memory
and written once a tick (the feeds timer), not once an event: a write per
event to the same few department documents was the hot spot of the fan-out
(bench/feeds.py: 130-180 ms an event under load). A process killed between
two ticks loses that tick's counts; a stopped one writes them first. The
figure is staff's view of the flow, not a ledger."""
from collections import Counter

from nameko.extensions import DependencyProvider

from shared.clock import utcnow
from shared.mongo import store_of


class QueuedCounts(DependencyProvider):
    def setup(self):
        self.pending = Counter()

    def get_dependency(self, worker_ctx):
        return self

    def add(self, queued):
        self.pending.update(queued)

    def flush(self, store, now):
        taken, self.pending = self.pending, Counter()
        try:
            store.count_delivered(taken, now)
        except Exception:  # the database is away: kept for the next tick
            self.pending.update(taken)
            raise

    def stop(self):
        if self.pending:
            provider = store_of(self.container, "QueuedCounts")
            self.flush(provider.store_class(provider.db), utcnow())
