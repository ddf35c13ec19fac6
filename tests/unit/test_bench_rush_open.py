"""The open-loop rush's pure pieces (bench/rush_open.py, rush_open_figures.py,
rush_commands.py): the schedule, the latency from the due time, the kinds of
answer, the percentiles, the highest sustainable rate and the database-command
phases."""
import math
import random
from types import SimpleNamespace

import pytest

from bench import rush_commands as rc
from bench import rush_open as ro
from bench import rush_open_figures as rf
from bench.rush_commands import Snapshot

CLOCK = SimpleNamespace(not_open_start=-2.0, not_open_end=-0.5, fire=0.02)


def answered(worker, due, sent, done, status, code=None, kind="first"):
    return ro.OpenTap(worker, kind, due=due, sent=sent, done=done, status=status, code=code)


def test_taps_are_due_every_one_over_the_rate_from_the_start_and_stop_before_the_end():
    assert ro.due_times(4, 0.0, 1.0) == [0.0, 0.25, 0.5, 0.75]
    assert ro.due_times(2, -2.0, -0.5) == [-2.0, -1.5, -1.0]
    assert ro.due_times(1000, 0.02, 4.02)[-1] == pytest.approx(4.019)
    assert len(ro.due_times(1000, 0.02, 4.02)) == 4000
    assert ro.due_times(10, 1.0, 1.0) == []


def test_the_plan_has_not_open_taps_then_the_rush_round_robin_over_the_workers():
    keyed = ["k0", None, "k2"]
    taps = ro.plan_taps(2, 3, keyed, CLOCK, 4.0)

    not_open = [t for t in taps if t.kind == "not_open"]
    rush = [t for t in taps if t.kind != "not_open"]
    assert [t.due for t in not_open] == [-2.0, -1.5, -1.0]
    assert [t.due for t in rush] == pytest.approx([0.02 + i / 2 for i in range(8)])
    assert [t.worker for t in rush] == [0, 1, 2, 0, 1, 2, 0, 1]
    # Each worker's first tap after the opening, then retries (keyed) or plain repeats.
    assert [t.kind for t in rush] == ["first"] * 3 + ["retry", "again", "retry"] * 1 + [
        "retry", "again"]
    assert all(t.key == keyed[t.worker] for t in taps)
    assert [t.due for t in taps] == sorted(t.due for t in taps)


def test_about_the_key_share_of_workers_have_a_key():
    keys = ro.worker_keys(1000, 0.5, random.Random(1))
    assert 400 < sum(1 for k in keys if k) < 600
    assert len({k for k in keys if k}) == sum(1 for k in keys if k)  # all different


def test_latency_runs_from_the_due_time_so_a_tap_sent_late_shows_its_wait():
    tap = answered(0, due=1.0, sent=1.2, done=1.21, status=409)
    assert tap.ms == pytest.approx(210.0)
    assert tap.lag_ms == pytest.approx(200.0)


def test_percentiles_include_p99_9_interpolated():
    taps = [answered(0, 0.0, 0.0, n / 1000.0, 409) for n in range(1, 1001)]  # 1..1000 ms
    figures = rf.latency(taps)
    assert figures["count"] == 1000
    assert figures["p50_ms"] == pytest.approx(500.5)
    assert figures["p99_ms"] == pytest.approx(990.01)
    assert figures["p99_9_ms"] == pytest.approx(999.001)
    assert math.isnan(rf.latency([])["p99_9_ms"])


def test_a_workers_first_201_or_202_is_a_winner_and_later_ones_replays():
    taps = [answered(1, 0, 0, 0.30, 201, "booked"),
            answered(1, 0, 0, 0.10, 201, "booked", kind="retry"),  # answered first
            answered(2, 0, 0, 0.20, 202, "waiting"),
            answered(3, 0, 0, 0.40, 409, "CLASS_FULL"),
            answered(4, -1, -1, -0.9, 409, "BOOKING_NOT_OPEN", kind="not_open"),
            ro.OpenTap(5, "first", due=0.5)]                     # no answer
    kinds = rf.kinds(taps)
    assert {k: [t.done for t in v] for k, v in kinds.items()} == {
        "201 booked": [0.10], "202 waitlisted": [0.20], "201/202 replayed": [0.30],
        "409 CLASS_FULL": [0.40], "409 BOOKING_NOT_OPEN": [-0.9]}


def test_in_flight_counts_taps_sent_and_not_yet_answered():
    taps = [answered(0, 0, 0.0, 1.0, 409), answered(0, 0, 0.5, 0.6, 409),
            answered(0, 0, 0.55, 2.0, 409), answered(0, 0, 3.0, 3.1, 409),
            ro.OpenTap(0, "first", due=0.58, sent=0.58)]   # never answered
    assert rf.max_in_flight(taps) == 4


def test_a_rate_is_on_time_only_if_every_tap_went_out_and_p99_of_the_lag_is_small():
    prompt = [answered(0, i / 100, i / 100 + 0.001, i / 100 + 0.01, 409) for i in range(100)]
    f = rf.sending(prompt, senders=10, rate=100)
    assert f["on_time"] and f["sent"] == f["answered"] == f["taps"] == 100 and f["late"] == 0
    assert f["lag_max_ms"] == pytest.approx(1.0)
    assert f["sent_per_s"] == pytest.approx(100.0)

    late = [answered(0, i / 100, i / 100 + 0.05, i / 100 + 0.06, 409) for i in range(100)]
    f = rf.sending(late, senders=10, rate=100)
    assert not f["on_time"] and f["late"] == 100
    assert f["why_late"] == "the generator itself (CPU, scheduling)"

    stuck = [answered(0, 0.0, 0.0 + i * 0.02, 5.0, 409) for i in range(10)]
    f = rf.sending(stuck + [ro.OpenTap(0, "first", due=0.1)], senders=10, rate=100)
    assert not f["on_time"] and f["sent"] == 10 and f["taps"] == 11
    assert f["why_late"] == "every sender was waiting for an answer"


def rate(offered, p99, on_time=True, busy=(0, float("nan"))):
    return {"offered_per_s": offered, "refusals": {"p99_ms": p99}, "on_time": on_time,
            "busy": {"count": busy[0], "p99_ms": busy[1]}}


def test_the_highest_sustainable_rate_is_the_last_before_the_first_that_fails():
    assert rf.highest_sustainable([rate(1000, 30), rate(250, 5), rate(500, 10)]) == 1000
    assert rf.highest_sustainable([rate(250, 5), rate(500, 60), rate(1000, 30)]) == 250
    assert rf.highest_sustainable([rate(250, 50)]) is None          # 50 is not under 50
    assert rf.highest_sustainable([rate(250, 5), rate(500, 10, on_time=False)]) == 250
    assert rf.highest_sustainable([rate(250, float("nan"))]) is None
    # Taps shed by the gateway (503 BOOKING_BUSY) are held to the same limit.
    assert rf.highest_sustainable([rate(250, 5, busy=(9, 20)),
                                   rate(500, 10, busy=(40, 70))]) == 250


def test_a_phase_takes_out_the_idle_commands_and_divides_by_its_answers():
    a = Snapshot(0.0, {"find": 10, "update": 4})
    b = Snapshot(2.0, {"find": 40, "update": 4, "insert": 5})
    idle = rc.idle_rates(Snapshot(-2.0, {"find": 8, "update": 4}), a)   # 1 find/s
    assert idle == {"find": 1.0}
    p = rc.phase(a, b, 4, idle)
    assert p.commands == {"find": 28.0, "insert": 5}
    assert p.per_answer() == {"find": 7.0, "insert": 1.25}
    assert p.total == 33.0
    assert rc.phase(None, b, 4, idle) is None
    assert rc.Phase({"find": 3}, 0).per_answer() == {}


def test_the_snapshot_bounding_a_phase_is_the_first_sent_after_its_end():
    snaps = [Snapshot(t, {}) for t in (0.0, 0.1, 0.2, 0.3)]
    assert rc.first_sent_after(snaps, 0.15).sent == 0.2
    assert rc.first_sent_after(snaps, 0.2).sent == 0.2
    assert rc.first_sent_after(snaps, 0.35) is None
    assert rc.last_sent_before(snaps, 0.15).sent == 0.1
    assert rc.last_sent_before(snaps, 0.0) is None


def test_bookings_are_charged_the_fill_less_its_other_answers_at_the_after_full_rate():
    fill = rc.Phase({"update": 60.0, "find": 20.0}, 10)      # 10 winners
    after = rc.Phase({"find": 10.0}, 20)                     # 0.5 find per answer
    bookings = rc.less_others(fill, 4, after)
    assert bookings.commands == {"update": 60.0, "find": 18.0}
    assert bookings.answers == 10
    summed = rc.combine([bookings, None, rc.Phase({"update": 6.0}, 2)])
    assert summed.commands == {"update": 66.0, "find": 18.0} and summed.answers == 12


def test_a_runs_commands_are_split_into_idle_not_open_bookings_and_after_full():
    clock = SimpleNamespace(not_open_start=-1.5, not_open_end=-0.5, fire=0.02)
    taps = [answered(0, -1.5, -1.5, -1.49, 409, "BOOKING_NOT_OPEN", "not_open"),
            answered(1, -1.0, -1.0, -0.99, 409, "BOOKING_NOT_OPEN", "not_open"),
            answered(0, 0.02, 0.02, 0.05, 201, "booked"),
            answered(1, 0.03, 0.03, 0.30, 202, "waiting"),
            answered(2, 0.04, 0.04, 0.06, 409, "ALREADY_BOOKED", "again"),  # in the fill
            answered(3, 0.50, 0.50, 0.51, 409, "CLASS_FULL"),
            answered(4, 0.60, 0.60, 0.61, 409, "CLASS_FULL")]
    snaps = [Snapshot(-2.5, {"find": 0}), Snapshot(-1.6, {"find": 9}),   # idle: 10/s
             Snapshot(-0.9, {"find": 23}),                               # not open
             Snapshot(0.35, {"find": 56, "update": 4}),                  # the fill
             Snapshot(0.7, {"find": 63.5, "update": 4})]                 # after full
    run = ro.OpenRun(500, taps, 0.1, {}, snaps, None, [], clock, (0.02, 1.02))

    phases = rf.run_commands(run)

    assert phases["idle_per_s"] == pytest.approx({"find": 10.0})
    assert phases["not_open"].answers == 2
    assert phases["not_open"].commands["find"] == pytest.approx(14 - 7)
    after = phases["after_full"]
    assert after.answers == 2 and after.commands["find"] == pytest.approx(7.5 - 3.5)
    bookings = phases["bookings"]
    assert bookings.answers == 2
    # fill: 33 finds less 12.5 idle, less the ALREADY_BOOKED at 2 finds per answer after full
    assert bookings.commands == pytest.approx({"find": 33 - 12.5 - 2, "update": 4})


def test_no_command_split_when_a_not_open_answer_came_after_the_opening():
    clock = SimpleNamespace(not_open_start=-1.5, not_open_end=-0.5, fire=0.02)
    taps = [answered(0, -0.6, -0.6, 0.1, 409, "BOOKING_NOT_OPEN", "not_open"),
            answered(1, 0.02, 0.02, 0.05, 201, "booked")]
    snaps = [Snapshot(t, {"find": 0}) for t in (-2.0, -0.7, 0.2, 0.4)]
    run = ro.OpenRun(500, taps, 0.1, {}, snaps, None, [], clock, (0.02, 1.02))
    assert rf.run_commands(run) is None


def test_a_runs_figures_split_winners_refusals_and_refusals_due_once_full():
    taps = [answered(0, -1.0, -1.0, -0.99, 409, "BOOKING_NOT_OPEN", "not_open"),
            answered(0, 0.02, 0.02, 0.10, 201, "booked"),
            answered(1, 0.03, 0.03, 0.40, 202, "waiting"),
            answered(2, 0.04, 0.04, 0.50, 409, "CLASS_FULL"),       # due before full
            answered(0, 0.05, 0.05, 0.45, 201, "booked", "retry"),  # a replay
            answered(3, 0.41, 0.41, 0.42, 409, "CLASS_FULL"),
            answered(4, 0.60, 0.60, 0.61, 500, "INTERNAL"),
            answered(5, 0.03, 0.03, 0.035, 503, "BOOKING_BUSY")]
    run = ro.OpenRun(100, taps, 0.05, {}, [], None, [], CLOCK, (0.02, 0.52))

    f = rf.run_figures(run, senders=4)

    assert f["winners"]["count"] == 2 and f["winners"]["p99_ms"] == pytest.approx(
        80 + (370 - 80) * 0.99)
    assert f["refusals"]["count"] == 3
    assert f["refusals_due_after_full"]["count"] == 1
    assert f["refusals_due_after_full"]["p50_ms"] == pytest.approx(10.0)
    assert f["kinds"]["201/202 replayed"]["count"] == 1
    assert f["busy"]["count"] == 1 and f["busy"]["p50_ms"] == pytest.approx(5.0)
    assert f["server_errors"] == 1 and f["answered"] == f["taps"] == 8
    assert f["sent_per_s"] == pytest.approx(6 / 0.58)   # 6 taps from 0.02 to 0.60 s
    # 0.05 cores for 0.5 s while 6 taps were sent
    assert f["generator_us_per_tap"] == pytest.approx(0.025 / 6 * 1e6)
