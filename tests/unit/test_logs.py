"""What the services' logs keep: real errors with tracebacks, not refusals."""
import logging
import sys

from shared.errors import Conflict
from shared.logs import AnswersAreNotErrors


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
