"""The deadline a service's call to another carries (shared/calls.py)."""
import pytest

from shared import deadlines
from shared.calls import ANSWER_MARGIN_SECONDS, deadline_for

NOW = 1_800_000_000.0


@pytest.mark.parametrize("incoming", [{}, {deadlines.DEADLINE_HEADER: "soon"}])
def test_with_no_readable_incoming_deadline_it_is_the_timeout_from_now(incoming):
    assert deadline_for(incoming, 5, NOW) == NOW + 5


def test_an_incoming_deadline_sooner_than_the_timeout_wins_less_the_answer_margin():
    incoming = deadlines.headers_for(NOW + 2, wants_note=True)
    assert deadline_for(incoming, 5, NOW) == NOW + 2 - ANSWER_MARGIN_SECONDS


def test_a_distant_incoming_deadline_does_not_stretch_the_timeout():
    assert deadline_for(deadlines.headers_for(NOW + 60, False), 5, NOW) == NOW + 5
