"""Folding the queued live events (live.py) into the live documents, and
publishing what changed (live_publisher.py), as soon as a handler commits.

insight's handlers return True when they queued an event for the live
counters; shared/inbox.py hands that to the service's ``relay`` once the
handler's transaction has committed. This relay starts a fold then, unless
one is running, in which case that one goes round again: events that
arrive while a fold runs are taken together by the next (a group commit),
so a rush costs a few folds a second, not one contended write per event.
A fold that fails (a database that is down) leaves its events queued; the
service's timer asks for a fold again (``fold_soon``), and so does the next
event.
"""
import logging

from services.insight.live import FOLD_BATCH
from services.insight.live_publisher import LivePublisher
from shared.mongo import store_of

log = logging.getLogger(__name__)


class LiveFolder(LivePublisher):
    """Injects itself: ``publish(queued)`` (the inbox's hook) and ``fold_soon()``.
    At most one fold runs per process; two processes' folds of the same
    events conflict in the database, and the later one runs again."""

    def setup(self):
        super().setup()
        self.wanted = False
        self.folding = None

    def publish(self, queued):
        """After a handler's commit: ``queued`` is what it returned."""
        if queued:
            self.fold_soon()

    def fold_soon(self):
        self.wanted = True
        if self.folding is None:
            self.folding = self.container.spawn_managed_thread(self._fold_while_wanted)

    def _fold_while_wanted(self):
        # Green threads switch only on I/O: nothing runs between the loop's
        # last check of ``wanted`` and ``folding`` being cleared.
        try:
            while self.wanted:
                self.wanted = False
                self._fold_all()
        finally:
            self.folding = None

    def _fold_all(self):
        store = store_of(self.container, "the live folder").get_dependency(None)
        try:
            while True:
                deltas, folded = store.fold_live(FOLD_BATCH)
                self.publish_deltas(deltas)
                if folded < FOLD_BATCH:
                    return
        except Exception:  # left queued: the timer or the next event folds again
            log.warning("live events not folded yet", exc_info=True)
