"""The demo loader tries a step again while the system is not ready (no
connection, 502-504, the database not reachable), pausing longer each time,
for a bounded time; a refusal ends it at once."""
import pytest
import requests
from pymongo.errors import ServerSelectionTimeoutError

from scripts import demo


class Clock:
    """demo's time: sleeping moves it on, nobody waits."""

    def __init__(self):
        self.now = 0.0
        self.pauses = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(demo, "time", clock)
    return clock


def answered(status):
    response = requests.Response()
    response.status_code = status
    return requests.HTTPError("answered {}".format(status), response=response)


def failing(*errors):
    """A step that raises each error in turn, then returns "done"."""
    errors = list(errors)

    def step():
        if errors:
            raise errors.pop(0)
        return "done"
    return step


def test_a_step_is_tried_again_while_the_system_is_not_ready(clock):
    step = failing(requests.ConnectionError("refused"), answered(503), answered(504),
                   ServerSelectionTimeoutError("no server"), answered(502))
    assert demo.retrying("the classes", step) == "done"
    assert clock.pauses == [0.5, 1, 2, 4, 5]


def test_a_refusal_is_not_tried_again(clock):
    step = failing(answered(401))
    with pytest.raises(demo.LoadFailed, match="the staff login: answered 401"):
        demo.retrying("the staff login", step)
    assert clock.pauses == []


def test_a_system_that_stays_unready_fails_the_step_in_bounded_time(clock):
    step = failing(*[answered(503)] * 1000)
    with pytest.raises(demo.LoadFailed, match="the lessons"):
        demo.retrying("the lessons", step)
    assert demo.LOAD_RETRY_SECONDS - demo.LONGEST_PAUSE_SECONDS <= clock.now \
        <= demo.LOAD_RETRY_SECONDS
    assert max(clock.pauses) == demo.LONGEST_PAUSE_SECONDS
