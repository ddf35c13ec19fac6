"""One service asking another, synchronously: ``ServiceCalls``.

DESIGN.md: a service calls another only when it cannot proceed without the
answer (volunteering asks stations whether a check-in code is right: only
stations holds the secret); side effects go through events. So a call here
is a question, and it fails like one:

- the called service's domain error (shared/errors.py) arrives as itself and
  is raised unchanged, so it reaches the gateway as if this service had
  raised it (a wrong code stays 403 WRONG_CHECKIN_CODE);
- no answer in time, whatever the reason (broker down, service not
  running, too slow), is ``Unavailable`` SERVICE_UNAVAILABLE: a question
  asked again later does no harm.

The call carries the current worker's caller (shared/caller.py), so the
called service authorizes the same worker, and its request id, so both
services' log lines show it; and it carries a deadline no later than the one
this worker's own caller set, less the time this service needs to answer
(the gateway stops waiting then, whatever comes after), and never more than
RPC_TIMEOUT_SECONDS away.

    class VolunteeringService(ServiceBase):
        calls = ServiceCalls()

        @rpc
        def check_in(self, activity_id, request):
            answer = self.calls.call("stations", "verify_checkin_code",
                                     station_id=..., request={"code": ...})
"""
import time

from nameko.constants import (AMQP_URI_CONFIG_KEY, CALL_ID_STACK_CONTEXT_KEY,
                              DEFAULT_MAX_WORKERS, MAX_WORKERS_CONFIG_KEY)
from nameko.extensions import DependencyProvider

from shared import deadlines
from shared.caller import CONTEXT_KEY
from shared.config import setting
from shared.errors import UNAVAILABLE_CODE, UNAVAILABLE_MESSAGE, Unavailable
from shared.logs import REQUEST_ID_KEY
from shared.rpc_client import NotProcessed, OutcomeUnknown, RpcPool

TIMEOUT_KEY = "RPC_TIMEOUT_SECONDS"
# Kept back from the incoming deadline for this service to finish its own
# work after the answer (or the lack of one) and for its reply's trip.
ANSWER_MARGIN_SECONDS = 0.5


class ServiceCalls(DependencyProvider):
    """Injects a ``Calls`` for the current worker. One pool per container,
    as many clients as it has workers (each worker makes one call at a time),
    each connected on first use."""

    def __init__(self):
        self.pool = None
        self.timeout = None

    def setup(self):
        config = self.container.config
        self.timeout = float(config.get(TIMEOUT_KEY) or setting(TIMEOUT_KEY))
        self.pool = RpcPool(config[AMQP_URI_CONFIG_KEY],
                            config.get(MAX_WORKERS_CONFIG_KEY, DEFAULT_MAX_WORKERS),
                            self.timeout, owner=self.container.service_name)

    def stop(self):
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    kill = stop

    def get_dependency(self, worker_ctx):
        return Calls(self.pool, self.timeout, worker_ctx)


class Calls:
    def __init__(self, pool, timeout, worker_ctx):
        self.pool = pool
        self.timeout = timeout
        self.worker_ctx = worker_ctx

    def call(self, service, method, **kwargs):
        """The answer of ``service.method(**kwargs)``; the called service's
        DomainError as itself; Unavailable when no answer came in time."""
        deadline = deadline_for(self.worker_ctx.data, self.timeout, time.time())
        try:
            return self.pool.call(service, method, passed_on(self.worker_ctx), kwargs,
                                  deadline=deadline)
        except (NotProcessed, OutcomeUnknown) as exc:
            raise Unavailable(UNAVAILABLE_CODE, UNAVAILABLE_MESSAGE) from exc


def deadline_for(incoming, timeout, now):
    """``timeout`` from ``now``, or earlier: ANSWER_MARGIN_SECONDS before the
    deadline of the request being handled (nameko puts the request's headers,
    ours among them, into the worker's context data)."""
    own = now + timeout
    theirs = deadlines.deadline_of(incoming)
    if theirs is None:  # a timer, an event, a caller that set none
        return own
    return min(own, theirs - ANSWER_MARGIN_SECONDS)


def passed_on(worker_ctx):
    """The context the called service sees: the same caller and request id,
    and nameko's call id stack (so its call ids name this one as parent)."""
    data = worker_ctx.data
    return {CONTEXT_KEY: data.get(CONTEXT_KEY), REQUEST_ID_KEY: data.get(REQUEST_ID_KEY),
            CALL_ID_STACK_CONTEXT_KEY: worker_ctx.call_id_stack}
