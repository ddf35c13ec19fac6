"""The benchmark code must not rot: run the yardstick for a moment against
the running system. Under pytest eventlet is monkey-patched, so the load
"threads" are green threads here; the figures mean nothing, only that the
machinery works and answers sanely."""
from bench import yardstick
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
