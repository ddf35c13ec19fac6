"""Who is calling: set by the gateway from a verified JWT, read by services.

The gateway puts ``{"id", "roles", "session_id"}`` into nameko's context data
with every RPC; services read it through ``CallerProvider`` and authorize on
it, never on an id taken from a request body.
"""
from dataclasses import dataclass, field

from nameko.extensions import DependencyProvider

from shared.errors import Forbidden, Unauthenticated

CONTEXT_KEY = "caller"

WORKER = "worker"
UNION_STAFF = "union_staff"
EMPLOYER = "employer"
STATION_KEEPER = "station_keeper"


@dataclass(frozen=True)
class Caller:
    id: str = None
    roles: tuple = field(default_factory=tuple)
    session_id: str = None

    @property
    def authenticated(self):
        return self.id is not None

    def require_authenticated(self):
        if not self.authenticated:
            raise Unauthenticated("AUTH_REQUIRED", "请先登录")
        return self

    def require_role(self, role):
        self.require_authenticated()
        if role not in self.roles:
            raise Forbidden("FORBIDDEN", "您没有权限进行此操作")
        return self

    def to_context(self):
        return {"id": self.id, "roles": list(self.roles),
                "session_id": self.session_id}

    @classmethod
    def from_context(cls, data):
        if not data or not data.get("id"):
            return cls()
        return cls(id=data["id"], roles=tuple(data.get("roles") or ()),
                   session_id=data.get("session_id"))


class CallerProvider(DependencyProvider):
    """Injects the ``Caller`` of the current RPC (anonymous if none)."""

    def get_dependency(self, worker_ctx):
        return Caller.from_context(worker_ctx.data.get(CONTEXT_KEY))
