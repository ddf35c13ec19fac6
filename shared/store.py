"""The base of every service's store: its database, outbox and transactions."""
import random
import time

from pymongo.errors import PyMongoError

from shared.errors import Conflict
from shared.outbox import EmbeddedOutbox, Outbox

# Two transactions touching the same document conflict and one is aborted
# with TransientTransactionError; running it again is the documented remedy.
# A few quick retries settle ordinary races (the loser then sees the winner's
# write, e.g. a duplicate key) without holding a request for long: at most
# about 2.5 s of pauses in all, enough for several writers of one hot
# document (the free places of a volunteer shift) on a loaded machine.
TRANSACTION_ATTEMPTS = 8
BACKOFF_SECONDS = 0.01


def one_page(cursor, page, per_page):
    """Page ``page`` (from 1) of ``per_page`` documents of a sorted cursor."""
    return cursor.skip((page - 1) * per_page).limit(per_page)


def found(document, missing):
    """``document``, or the error ``missing()`` (a NotFound) when a read found
    none: the one way every store says "no such thing"."""
    if document is None:
        raise missing()
    return document


def is_transient(error):
    return (isinstance(error, PyMongoError)
            and error.has_error_label("TransientTransactionError"))


def retrying_conflicts(run, sleep=time.sleep):
    """``run()``, a transaction of its own, run again at once (after a short
    random pause, growing) while it conflicts with a concurrent one; what it
    returns, or its last conflict after TRANSACTION_ATTEMPTS. Used by
    requests (``in_transaction``) and event handlers (shared/inbox.py) alike:
    concurrent handlers updating one hot document (a live counter, an
    account) settle in milliseconds, not in the inbox's slow retries."""
    for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
        try:
            return run()
        except PyMongoError as error:
            if not is_transient(error) or attempt == TRANSACTION_ATTEMPTS:
                raise
            sleep(random.uniform(0, BACKOFF_SECONDS * 2 ** attempt))


def busy():
    """What a transaction that kept conflicting answers: nothing it wrote was
    kept, and the same request again is safe (with its Idempotency-Key where
    it has one). Besides a concurrent request, the other side may be the open
    transaction of a process killed in the middle of one, which the database
    aborts only when its lifetime (60 s) ends: a driver error would be a 500."""
    return Conflict("BUSY", "操作繁忙,请稍后重试")


class BaseStore:
    # Collections whose documents carry their own pending events (EmbeddedOutbox).
    EMBEDDED_OUTBOXES = ()
    # The error of a transaction that kept conflicting (a store may name its own).
    busy = staticmethod(busy)

    def __init__(self, db):
        self.db = db
        self.outbox = Outbox(db)

    @classmethod
    def prepare(cls, db):
        """Create indexes (idempotent); called once when the container starts."""
        Outbox.prepare(db)
        for name in cls.EMBEDDED_OUTBOXES:
            EmbeddedOutbox.prepare(db[name])
        cls.create_indexes(db)

    @staticmethod
    def create_indexes(db):
        pass

    def ping(self):
        self.db.command("ping")
        return True

    def in_transaction(self, work):
        """``work(session)`` in one transaction, run again if it conflicted
        with a concurrent one; returns what ``work`` returns. Still
        conflicting after TRANSACTION_ATTEMPTS: ``busy()``."""
        def once():
            with self.db.client.start_session() as session:
                with session.start_transaction():
                    return work(session)
        try:
            return retrying_conflicts(once)
        except PyMongoError as error:
            if is_transient(error):
                raise self.busy() from error
            raise

    def record_events(self, envelopes, session, one_entry=False):
        """Store ``envelopes`` in the outbox, in the caller's transaction;
        ``one_entry`` for a batch's events (Outbox.add_all)."""
        self.outbox.add_all(envelopes, session, one_entry)
        return envelopes
