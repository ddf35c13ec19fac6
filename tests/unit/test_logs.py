"""What the logs keep: real errors with tracebacks, not refusals; and where
the lines go: every line as JSON to the process's file, and to a console a
person watches only the request lines and warnings, each short."""
import json
import logging
import re
import sys

import pytest

from shared import logs
from shared.errors import Conflict
from shared.logs import AnswersAreNotErrors, call_log, request_log

SHORT_LINE = re.compile(r"^\d\d:\d\d:\d\d \S+ +\S")


def record_of(error):
    try:
        raise error
    except Exception:
        return logging.LogRecord("nameko.containers", logging.ERROR, __file__, 1,
                                 "error handling worker", (), sys.exc_info())


def test_refusals_are_not_logged_as_errors_but_failures_are():
    keep = AnswersAreNotErrors().filter
    assert not keep(record_of(Conflict("CLASS_FULL", "名额已满")))
    assert keep(record_of(RuntimeError("database unreachable")))
    assert keep(logging.LogRecord("nameko.containers", logging.INFO, __file__, 1, "x", (), None))


@pytest.fixture
def configured(monkeypatch, capsys):
    """configure() as a process runs it, with these settings; gives back what
    reached stderr. The test run's own logging is put back afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level

    def configure(process_name, **settings):
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        logs.configure(process_name)
        return lambda: capsys.readouterr().err.splitlines()
    yield configure
    for handler in set(root.handlers) - set(saved[0]):
        handler.close()
    root.handlers[:], level = saved
    root.setLevel(level)


def log_a_few_lines():
    request_log.info("%s %s %s", "POST", "/api/v1/classes/c1/bookings", 201,
                     extra={"status": 201, "ms": 12.3})
    call_log.info("%s.%s %s", "courses", "book_seat", "ok", extra={"ms": 9.1})
    logging.getLogger("nameko.runners").info("starting services: courses")
    logging.getLogger("kombu.connection").warning("broker connection lost, retrying")
    try:
        raise RuntimeError("database unreachable")
    except RuntimeError:
        logging.getLogger("nameko.containers").exception("error handling worker")


def test_the_console_gets_short_request_lines_and_warnings_the_file_every_line(
        configured, tmp_path):
    console = configured("courses", LOG_CONSOLE="short", LOG_DIR=str(tmp_path),
                         LOG_NAME="courses.2")
    log_a_few_lines()

    lines = console()
    assert len(lines) == 3, lines
    assert all(SHORT_LINE.match(line) for line in lines), lines
    request, warning, error = lines
    assert request.endswith(" courses.2 POST /api/v1/classes/c1/bookings 201 12.3 ms")
    assert "starting services" not in "\n".join(lines)
    assert "book_seat" not in "\n".join(lines)  # one line per request: the gateway's
    assert "WARNING kombu.connection: broker connection lost, retrying" in warning
    assert error.endswith("ERROR nameko.containers: error handling worker "
                          "(RuntimeError: database unreachable)")
    assert "Traceback" not in "\n".join(lines)

    records = [json.loads(line) for line in
               (tmp_path / "courses.2.log").read_text(encoding="utf-8").splitlines()]
    assert [r["message"] for r in records] == [
        "POST /api/v1/classes/c1/bookings 201", "courses.book_seat ok",
        "starting services: courses",
        "broker connection lost, retrying", "error handling worker"]
    assert {r["process"] for r in records} == {"courses.2"}
    assert records[0]["ms"] == 12.3 and records[0]["logger"] == "request"
    assert records[1]["logger"] == "call"
    assert "Traceback" in records[4]["exc_info"]


def test_by_default_every_line_goes_to_stderr_as_json_and_no_file_is_written(
        configured, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("LOG_CONSOLE", "LOG_DIR", "LOG_NAME"):
        monkeypatch.delenv(name, raising=False)
    console = configured("identity")
    log_a_few_lines()

    records = [json.loads(line) for line in console()]
    assert len(records) == 5
    assert {r["process"] for r in records} == {"identity"}
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_console_form_is_refused_at_start(configured):
    with pytest.raises(ValueError, match="LOG_CONSOLE"):
        configured("identity", LOG_CONSOLE="pretty")
