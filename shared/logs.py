"""Structured JSON logs with the request id, in the gateway and the services.

The gateway gives every HTTP request an id and sends it as RPC context data;
``RequestLogContext`` puts it into a context variable for the worker's
greenlet, and every log line of that worker carries it, so one request can be
followed across processes with a grep.
"""
import contextvars
import logging
import sys
import time

from nameko.extensions import DependencyProvider
from nameko.timer import Timer
from pythonjsonlogger.json import JsonFormatter

from shared.config import setting
from shared.errors import DomainError

REQUEST_ID_KEY = "request_id"
request_id_var = contextvars.ContextVar(REQUEST_ID_KEY, default=None)
_worker_started = contextvars.ContextVar("worker_started", default=None)
worker_log = logging.getLogger("worker")


class RequestIdFilter(logging.Filter):
    def __init__(self, process_name):
        super().__init__()
        self.process_name = process_name

    def filter(self, record):
        record.request_id = request_id_var.get()
        record.process_name = self.process_name
        return True


class AnswersAreNotErrors(logging.Filter):
    """nameko logs every exception an entrypoint raises, with its traceback, as
    an error. A DomainError is an answer (a refusal such as "class full"), and
    the call's own log line already records its code; in a class rush the
    tracebacks would cost more than the refusals."""

    def filter(self, record):
        return not (record.exc_info and isinstance(record.exc_info[1], DomainError))


def configure(process_name):
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(process_name)s %(request_id)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level",
                       "name": "logger", "process_name": "process"}))
    handler.addFilter(RequestIdFilter(process_name))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(setting("LOG_LEVEL"))
    logging.getLogger("nameko.containers").addFilter(AnswersAreNotErrors())


class RequestLogContext(DependencyProvider):
    """Binds the caller's request id to this worker's log lines, and logs one
    line per handled call, so every request shows up in the service's log."""

    def worker_setup(self, worker_ctx):
        request_id_var.set(worker_ctx.data.get(REQUEST_ID_KEY))
        _worker_started.set(time.perf_counter())

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        # Runs after the reply was sent, so it does not delay the caller.
        # Timer ticks are left out: they would only be noise.
        if isinstance(worker_ctx.entrypoint, Timer):
            return
        started = _worker_started.get() or time.perf_counter()
        outcome = "ok" if exc_info is None else getattr(
            exc_info[1], "code", type(exc_info[1]).__name__)
        worker_log.info("%s.%s %s", worker_ctx.service_name,
                        worker_ctx.entrypoint.method_name, outcome,
                        extra={"outcome": outcome,
                               "ms": round((time.perf_counter() - started) * 1000, 1)})

    def worker_teardown(self, worker_ctx):
        request_id_var.set(None)
