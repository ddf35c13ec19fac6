"""feeds' data. ``FeedsStore`` is the one store service.py talks to; each
concern is its own module: departments.py (who subscribes, how), archive.py
(every event, for replays), deliveries.py (HTTPS deliveries waiting, sent,
parked), replays.py (replays under way), backfills.py (a service's
handlers given the archive). Verbs never read the clock: the
entrypoint passes ``now``."""
from services.feeds.archive import ArchiveMixin, create_archive_indexes
from services.feeds.backfills import BackfillsMixin, create_backfill_indexes
from services.feeds.deliveries import DeliveriesMixin, create_delivery_indexes
from services.feeds.departments import DepartmentsMixin, create_department_indexes
from services.feeds.replays import ReplaysMixin, create_replay_indexes
from shared.store import BaseStore


class FeedsStore(DepartmentsMixin, ArchiveMixin, DeliveriesMixin, ReplaysMixin, BackfillsMixin,
                 BaseStore):
    @staticmethod
    def create_indexes(db):
        create_department_indexes(db)
        create_archive_indexes(db)
        create_delivery_indexes(db)
        create_replay_indexes(db)
        create_backfill_indexes(db)
