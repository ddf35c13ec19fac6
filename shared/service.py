"""What every nameko service has: caller, request-id logging, a health RPC."""
from nameko.extensions import DependencyProvider
from shared.rpc import rpc

from shared.caller import CallerProvider
from shared.logs import RequestLogContext
from shared.mongo import COMMANDS
from shared.topology import Topology


class ServiceBase:
    """Mixin; the service must also declare ``store = MongoStore(...)``."""
    log_context = RequestLogContext()
    caller = CallerProvider()
    # Every service declares every subscription queue at start-up, so no event
    # is dropped for want of a queue (shared/topology.py).
    topology = Topology()

    @rpc
    def ping(self):
        """Answers without touching the database: the yardstick of a bare RPC
        round trip (bench/) and of the gateway path (GET /api/v1/ping)."""
        return {"pong": self.name}

    @rpc
    def report_health(self):
        return {"service": self.name, "database": self.store.ping()}

    @rpc
    def report_database_commands(self):
        """The commands this process sent its database so far, by name, and
        the milliseconds they took: what an operation costs, read before and
        after it (bench/). Counts and times only: nothing about anybody."""
        counts = COMMANDS.counts()
        return {"service": self.name, "commands": counts, "total": sum(counts.values()),
                "milliseconds": COMMANDS.milliseconds()}


class Settings(DependencyProvider):
    """Injects ``factory(container.config)``: a service's typed settings,
    built once when the container is set up."""

    def __init__(self, factory):
        self.factory = factory
        self.value = None

    def setup(self):
        self.value = self.factory(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.value
