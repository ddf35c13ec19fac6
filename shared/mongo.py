"""The MongoDB dependency provider every service uses.

A service declares ``store = MongoStore(IdentityStore)``; the provider builds
one MongoClient per container and lets the store class create its indexes,
both in ``setup()``, and hands each worker a store object with domain verbs,
so no pymongo call appears in a service's entrypoints.
"""
import threading
from collections import Counter

from nameko.extensions import DependencyProvider
from pymongo import MongoClient, monitoring


def database_name(prefix, service_name):
    return "{}{}".format(prefix, service_name)


# Well inside the gateway's RPC deadline (RPC_TIMEOUT_SECONDS, 5 s), so a
# database that is down (restarting) answers "unavailable, try again" (503)
# before the caller stops waiting, instead of an outcome-unknown 504.
SERVER_SELECTION_TIMEOUT_MS = 2000


class CommandCounter(monitoring.CommandListener):
    """Every command this process's clients sent, by name, and the time they
    took as the client saw it (pymongo's command monitoring): what an
    operation costs the database, a count that carries over from the
    embedded server to mongod where its timings do not."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts = Counter()
        self._micros = Counter()

    def started(self, event):
        with self._lock:
            self._counts[event.command_name] += 1

    def succeeded(self, event):
        self._took(event)

    def failed(self, event):
        self._took(event)

    def _took(self, event):
        with self._lock:
            self._micros[event.command_name] += event.duration_micros

    def counts(self):
        with self._lock:
            return dict(self._counts)

    def milliseconds(self):
        with self._lock:
            return {name: micros / 1000.0 for name, micros in self._micros.items()}


# One per process: every client connect() makes reports to it.
COMMANDS = CommandCounter()


def connect(uri):
    """A client for ``uri``. tz_aware so datetimes come back in UTC, not naive.

    journal=True: a write is acknowledged only once it is in the server's
    journal. Without it, a server that crashes loses the writes of its last
    moments although it had acknowledged them (a booking told 201, points
    told credited): seen with the embedded server when SIGKILLed (tests/e2e/
    test_faults.py), and mongod's default allows it too (a 100 ms journal
    interval). Production adds w=majority in MONGO_URI (deploy/)."""
    return MongoClient(uri, tz_aware=True, journal=True, connectTimeoutMS=5000,
                       serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS,
                       event_listeners=[COMMANDS])


class MongoStore(DependencyProvider):
    def __init__(self, store_class):
        self.store_class = store_class
        self.client = None
        self.db = None

    def setup(self):
        config = self.container.config
        self.client = connect(config["MONGO_URI"])
        self.db = self.client[database_name(
            config["MONGO_DB_PREFIX"], self.container.service_name)]
        # Here, not in start(): nameko starts every extension at once, so an
        # event handler would already be applying a waiting backlog while the
        # collections were being created. The embedded server can deadlock
        # on that (an index build creating a collection that an open
        # transaction is creating too); nameko finishes every setup() first.
        self.store_class.prepare(self.db)

    def stop(self):
        if self.client is not None:
            self.client.close()
            self.client = None

    kill = stop

    def get_dependency(self, worker_ctx):
        return self.store_class(self.db)


def store_of(container, needed_by):
    """The service's MongoStore provider: the outbox relay and the inbox keep
    their collections in the service's own database, beside its data, so they
    can share its transactions."""
    for extension in container.dependencies:
        if isinstance(extension, MongoStore):
            return extension
    raise RuntimeError("{} needs a MongoStore on the service".format(needed_by))
