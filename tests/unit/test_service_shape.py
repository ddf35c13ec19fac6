"""Every RPC of every service is the shared entrypoint (shared/rpc.py), so
every service honours deadlines; and that entrypoint's admission rule."""
import importlib
import inspect
import time

import pytest
from nameko.rpc import Rpc as NamekoRpc

import services
from shared import deadlines
from shared.rpc import Rpc


def rpc_entrypoints(service_class):
    for name, member in inspect.getmembers(service_class, callable):
        for entrypoint in getattr(member, "nameko_entrypoints", ()):
            if isinstance(entrypoint, NamekoRpc):
                yield name, entrypoint


@pytest.mark.parametrize("name", services.names())
def test_every_rpc_is_the_shared_entrypoint(name):
    service = importlib.import_module("services.{}.service".format(name)).SERVICE
    found = dict(rpc_entrypoints(service))
    assert "ping" in found and "report_health" in found
    assert [method for method, entrypoint in found.items()
            if type(entrypoint) is not Rpc] == []


class Message:
    def __init__(self, headers):
        self.headers = headers
        self.properties = {"reply_to": "gateway-reply", "correlation_id": "c1"}
        self.delivery_info = {"routing_key": "courses.book_seat"}


class Admission(Rpc):
    """The entrypoint's rule without a container: notes are recorded, and
    the note's confirmation takes ``note_seconds``."""

    def __init__(self, note_seconds=0):
        self.announced, self.note_seconds = [], note_seconds

    def announce_start(self, message):
        self.announced.append(message.properties["correlation_id"])
        time.sleep(self.note_seconds)


def admitted(entrypoint, deadline, wants_note=True):
    message = Message(deadlines.headers_for(deadline, wants_note))
    return entrypoint.admitted(deadlines.deadline_of(message.headers), message)


def test_a_request_in_time_is_announced_then_run():
    entrypoint = Admission()
    assert admitted(entrypoint, time.time() + 5)
    assert entrypoint.announced == ["c1"]


def test_a_read_in_time_runs_without_a_note():
    entrypoint = Admission()
    assert admitted(entrypoint, time.time() + 5, wants_note=False)
    assert entrypoint.announced == []


def test_a_request_past_its_deadline_is_neither_announced_nor_run():
    entrypoint = Admission()
    assert not admitted(entrypoint, time.time() - 0.01)
    assert entrypoint.announced == []


def test_a_note_confirmed_too_late_for_the_caller_drops_the_request():
    """The caller listens for a note until deadline + grace; one confirmed
    later than half of that may go unseen, so the work must not run."""
    entrypoint = Admission(note_seconds=deadlines.NOTE_GRACE_SECONDS)
    assert not admitted(entrypoint, time.time() + 0.05)
    assert entrypoint.announced == ["c1"]
