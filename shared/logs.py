"""Structured JSON logs with the request id, in the gateway and the services.

The gateway gives every HTTP request an id and sends it as RPC context data;
``RequestLogContext`` puts it into a context variable for the worker's
greenlet, and every log line of that worker carries it, so one request can be
followed across processes with a grep.

Where the lines go is set per process by the environment, so whatever starts
the process (make run, the tests' System, a supervisor, a container) only sets
variables: JSON to stderr by default (containers); with ``LOG_DIR``, JSON to
``<LOG_DIR>/<name>.log`` as well; with ``LOG_CONSOLE=short``, stderr gets one
short line per request and every warning or error instead, for a person
watching. ``LOG_NAME`` names the process when several run the same service.
"""
import contextvars
import logging
import sys
import time
from pathlib import Path

from nameko.extensions import DependencyProvider
from nameko.timer import Timer
from pythonjsonlogger.json import JsonFormatter

from shared.config import setting
from shared.errors import DomainError

REQUEST_ID_KEY = "request_id"
request_id_var = contextvars.ContextVar(REQUEST_ID_KEY, default=None)
_worker_started = contextvars.ContextVar("worker_started", default=None)
# The one line per HTTP request the gateway answered: what a person watching
# the console wants, beside warnings and errors. Each RPC or event a service
# handles gets a line of its own ("call"), kept in the JSON file only: on the
# console it would double every request.
request_log = logging.getLogger("request")
call_log = logging.getLogger("call")
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(process_name)s %(request_id)s %(message)s"
JSON_NAMES = {"asctime": "time", "levelname": "level", "name": "logger",
              "process_name": "process"}


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


class ForAPersonWatching(logging.Filter):
    """Request lines and anything worth a look; the rest stays in the file."""

    def filter(self, record):
        return record.name == request_log.name or record.levelno >= logging.WARNING


class ShortFormatter(logging.Formatter):
    """`16:40:01 gateway   POST /api/v1/me 200 12.3 ms`: time, process, what
    happened. A warning or error says its level and logger and names its
    exception in one line; the traceback is in the JSON log."""

    def format(self, record):
        text = record.getMessage()
        if hasattr(record, "ms"):
            text += " {} ms".format(record.ms)
        if record.levelno >= logging.WARNING:
            text = "{} {}: {}".format(record.levelname, record.name, text)
        if record.exc_info:
            error = record.exc_info[1]
            text += " ({}: {})".format(type(error).__name__, error)
        return "{} {:<9} {}".format(self.formatTime(record, "%H:%M:%S"),
                                    record.process_name, text)


def json_handler(handler):
    handler.setFormatter(JsonFormatter(JSON_FIELDS, rename_fields=JSON_NAMES))
    return handler


def console_handler():
    form = setting("LOG_CONSOLE")
    if form == "json":
        return json_handler(logging.StreamHandler(sys.stderr))
    if form != "short":
        raise ValueError("LOG_CONSOLE is json or short, not {!r}".format(form))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ShortFormatter())
    handler.addFilter(ForAPersonWatching())
    return handler


def file_handler(log_dir, name):
    Path(log_dir).mkdir(parents=True, exist_ok=True)
    path = Path(log_dir) / "{}.log".format(name)
    return json_handler(logging.FileHandler(path, encoding="utf-8"))


def configure(process_name):
    name = setting("LOG_NAME") or process_name
    handlers = [console_handler()]
    if setting("LOG_DIR"):
        handlers.append(file_handler(setting("LOG_DIR"), name))
    for handler in handlers:
        handler.addFilter(RequestIdFilter(name))
    root = logging.getLogger()
    for replaced in root.handlers:
        replaced.close()
    root.handlers[:] = handlers
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
        call_log.info("%s.%s %s", worker_ctx.service_name,
                      worker_ctx.entrypoint.method_name, outcome,
                      extra={"outcome": outcome,
                             "ms": round((time.perf_counter() - started) * 1000, 1)})

    def worker_teardown(self, worker_ctx):
        request_id_var.set(None)
