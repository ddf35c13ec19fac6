"""The base of every service's store: its database, outbox and transactions."""
from contextlib import contextmanager

from shared.outbox import Outbox


class BaseStore:
    def __init__(self, db):
        self.db = db
        self.outbox = Outbox(db)

    @classmethod
    def prepare(cls, db):
        """Create indexes (idempotent); called once when the container starts."""
        Outbox.prepare(db)
        cls.create_indexes(db)

    @staticmethod
    def create_indexes(db):
        pass

    def ping(self):
        self.db.command("ping")
        return True

    @contextmanager
    def transaction(self):
        with self.db.client.start_session() as session:
            with session.start_transaction():
                yield session

    def record_events(self, envelopes, session):
        for envelope in envelopes:
            self.outbox.add(envelope, session)
        return envelopes
