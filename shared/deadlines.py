"""RPC deadlines on the wire: the time by which the caller stops waiting.

A caller that gives up must be able to say whether its request did anything.
So a request carries its deadline (wall-clock epoch seconds, like gRPC's
deadline but absolute, because it also waits in a queue) and expires in the
broker then (per-message TTL). A service never starts a request whose
deadline has passed (shared/rpc.py); one it does start, it first announces
with a *started note* on the caller's reply queue, when the caller asks for
one. A caller with no answer by the deadline then knows:

- no note: nothing was done, nor will be; safe to retry (503);
- a note: the service took the request and may have finished it (504).

The note travels as a reply under a correlation id of its own, so a caller
that did not ask for notes never sees one.
"""
import time

DEADLINE_HEADER = "x-deadline"
WANTS_NOTE_HEADER = "x-started-note"
NOTE_SUFFIX = ".started"

# How long past the deadline a caller listens for a started note (or a late
# answer). A service whose note is not confirmed by the broker within half of
# it drops the request instead of running it, so a note the caller missed
# always means nothing was done. It covers the note's trip to the caller and
# clock skew between hosts (NTP keeps that to milliseconds).
NOTE_GRACE_SECONDS = 0.5


def headers_for(deadline, wants_note):
    headers = {DEADLINE_HEADER: deadline}
    if wants_note:
        headers[WANTS_NOTE_HEADER] = True
    return headers


def deadline_of(headers):
    """The request's deadline, or None for a caller that set none (a test's
    or a benchmark's standalone proxy) or sent something unreadable."""
    value = (headers or {}).get(DEADLINE_HEADER)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def wants_note(headers):
    return bool((headers or {}).get(WANTS_NOTE_HEADER))


def note_id(correlation_id):
    return correlation_id + NOTE_SUFFIX


def late_for_note(deadline):
    """Past this, a started note may arrive after the caller stopped
    listening, so the request must not run."""
    return time.time() > deadline + NOTE_GRACE_SECONDS / 2
