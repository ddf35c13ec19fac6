"""The insight benchmark must not rot: a small rush through the running
system. The figures mean nothing here (eventlet-patched client, tiny N), only
that the machinery works: every class's seats-left figure reached 0 on the
live view, and every steady event showed on the gateway's live stream."""
from bench import insight
from bench.environment import Target

EVENTS = 50  # two classes of 25 seats


def test_the_insight_benchmark_sees_every_event_on_the_live_view(system, e2e_amqp_uri):
    settings = insight.InsightSettings(events=EVENTS, rate=10, seconds=2, drain_seconds=60)
    target = Target(amqp_uri=e2e_amqp_uri, url=system.url, system=system)

    result = insight.measure(target, settings, repeats=1)

    assert result.errors == 0, result.failures
    (run,) = result.runs
    assert run.events == EVENTS
    assert run.publish_per_s > 0 and run.kept_up_per_s > 0
    assert run.ratio == run.kept_up_per_s / run.publish_per_s
    assert run.live_events == 20 and run.live_shown == 20
    assert 0 < run.live_p50_ms <= run.live_p99_ms
    # Where the time went was measured (the e2e system runs the embedded server).
    assert run.insight_cores > 0 and run.database_cores > 0 and run.db_ops_per_event > 0
    table = result.table()
    assert "kept up ÷ published" in table and "PASS" in table
    assert result.to_dict()["medians"]["ratio"]["median"] == run.ratio
