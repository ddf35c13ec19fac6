"""The rush checker's reading of the answers (bench/rush_check.py): a tap
shed as busy took nothing, so the worker's first answer is the next one."""
from bench.rush_check import check_repeats
from bench.rush_taps import Tap


def tap(worker, kind, done, status, code):
    return Tap(worker, kind, key="k{}".format(worker), status=status, code=code,
               sent=done - 0.01, done=done)


def verdicts(taps):
    return {check.name.split()[0]: (check.passed, check.detail) for check in check_repeats(taps)}


def test_a_retry_after_a_busy_answer_is_held_to_the_first_answer_that_decided():
    taps = [tap(0, "first", 0.1, 503, "BOOKING_BUSY"),
            tap(0, "retry", 0.2, 201, "booked"),       # the first that decided
            tap(0, "retry", 0.3, 201, "booked"),
            tap(1, "first", 0.1, 202, "waitlisted"),
            tap(1, "retry", 0.2, 503, "BOOKING_BUSY"),  # took nothing: not a replay
            tap(1, "retry", 0.3, 202, "waitlisted")]
    assert verdicts(taps)["retries"] == (True, "2 retries; wrong: {}")


def test_a_retry_that_changes_the_decided_answer_fails_the_check():
    taps = [tap(0, "first", 0.1, 503, "BOOKING_BUSY"),
            tap(0, "retry", 0.2, 409, "CLASS_FULL"),
            tap(0, "retry", 0.3, 201, "booked")]
    passed, detail = verdicts(taps)["retries"]
    assert not passed and "409 CLASS_FULL → 201 booked" in detail
