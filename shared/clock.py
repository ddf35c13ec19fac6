"""The time every service stores and answers with.

MongoDB keeps datetimes to the millisecond. Taking "now" at that precision
(and cutting client-given times to it) means an answer built from memory
right after a write says exactly what a later read of the stored document
says.
"""
from datetime import datetime, timezone


def to_millis(moment):
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def utcnow():
    return to_millis(datetime.now(timezone.utc))
