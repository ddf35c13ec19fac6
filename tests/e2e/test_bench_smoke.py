"""The benchmark code must not rot: run the yardstick for a moment against
the running system. Under pytest eventlet is monkey-patched, so the load
"threads" are green threads here; the figures mean nothing, only that the
machinery works and answers sanely (and, for the open-loop rush, that
every tap was answered and counted under the right kind)."""
import json

from bench import rush, rush_open, rush_open_figures, rush_open_table, rush_setup, yardstick
from bench.environment import Target
from bench.measure import LoadSettings


def test_yardstick_measures_both_paths_without_errors(system, e2e_amqp_uri):
    settings = LoadSettings(duration=0.3, warmup=0.1, max_calls=2_000, repeats=1)
    target = Target(amqp_uri=e2e_amqp_uri, url=system.url)

    result = yardstick.measure(target, settings, concurrencies=(1, 4))

    assert result.errors == 0, result.error_samples
    for kind in yardstick.KINDS:
        for concurrency in (1, 4):
            cell = result.cell(kind, concurrency)
            assert cell.calls > 0
            assert cell.rate.median > 0
            assert 0 < cell.p50_ms.median <= cell.p99_ms.median
    assert result.ratios(4)["rate"] > 0
    assert "gateway / bare" in result.table()
    assert result.to_dict()["errors"] == 0


def test_the_open_loop_rush_answers_every_tap_and_sorts_the_answers_by_kind(system,
                                                                          e2e_amqp_uri):
    seats, rates = 2, (20, 40)
    target = Target(amqp_uri=e2e_amqp_uri, url=system.url, system=system)
    staff = rush_setup.staff_token(target)
    accounts = rush_setup.sign_up_workers(target, 4 * seats, 60)
    assert len(accounts) == 4 * seats
    rush_settings = rush.RushSettings(seats=seats, key_share=0.5)
    settings = rush_open.OpenSettings(rates=rates, seconds=1.0, not_open_seconds=0.5,
                                      senders=8)

    result = rush_open.measure(target, staff, accounts, rush_settings, settings,
                               rush.bare_rpc(None, None), lambda text: None)

    assert result.failures == 0, [c.detail for run in result.checks for c in run
                                  if not c.passed]
    assert result.courses_processes == 1
    for rate, run in zip(rates, result.runs):
        assert run["offered_per_s"] == rate
        assert run["taps"] == run["sent"] == run["answered"] == round(1.5 * rate)
        kinds = run["kinds"]
        assert sum(k["count"] for k in kinds.values()) == run["answered"]
        assert kinds["201 booked"]["count"] == kinds["202 waitlisted"]["count"] == seats
        assert run["winners"]["count"] == 2 * seats
        assert kinds["409 BOOKING_NOT_OPEN"]["count"] >= round(0.5 * rate) - 1
        assert run["refusals"]["count"] == sum(
            v["count"] for k, v in kinds.items() if k.startswith("409 "))
        assert run["refusals"]["count"] + run["winners"]["count"] <= run["answered"]
        for figures in [run["winners"], run["refusals"]] + list(kinds.values()):
            assert 0 < figures["p50_ms"] <= figures["p99_ms"] <= figures["p99_9_ms"]
        assert run["generator_cores"] > 0 and 0 <= run["max_in_flight"] <= 8
        assert run["lag_max_ms"] >= run["lag_p99_ms"]
    assert result.highest() == rush_open_figures.highest_sustainable(result.runs)
    # A booking costs courses' database commands; a not-open refusal is the gateway's.
    summed, _ = result.commands_summed()
    assert summed["bookings"].answers > 0 and summed["bookings"].total > 0
    assert summed["not_open"].answers > 0
    assert all(memory["courses"][0] > 0 and memory["gateway"][0] > 0
               for memory in result.memory)
    text = rush_open_table.format_open_loop(result)
    assert "refusals (all 409)" in text and "per booking" in text
    assert json.loads(json.dumps(result.to_dict()))["errors"] == 0
