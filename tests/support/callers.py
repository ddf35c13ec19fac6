"""Who calls a service in the integration tests, as the gateway would say
(the caller in the RPC's context data): one union staff member and fresh
workers."""
import uuid

from shared.caller import UNION_STAFF, WORKER, Caller

STAFF = Caller(id="staff-1", roles=(WORKER, UNION_STAFF), session_id="s")


def worker(name=None):
    """A worker of their own (a new id unless ``name`` is given)."""
    return Caller(id=name or "w-" + uuid.uuid4().hex[:8], roles=(WORKER,), session_id="s")
