"""The feeds benchmark must not rot: a few events to five departments
against the running system. The figures mean nothing here (eventlet-patched
client, tiny N), only that the machinery works: five departments registered
through the gateway, every one of them given every event once (three over
their own AMQP queues, two over signed webhooks), and all revoked after."""
from bench import feeds, rush_setup
from bench.environment import Target

EVENTS = 20


def statuses(url, department_ids):
    http = rush_setup.Http(url)
    try:
        token = rush_setup.log_in(http, rush_setup.STAFF_PHONE)
        return [rush_setup.expect(*http.call("GET", "{}/{}".format(
            feeds.DEPARTMENTS_PATH, department_id), token=token), 200,
            "get a department")["status"] for department_id in department_ids]
    finally:
        http.close()


def test_the_feeds_benchmark_delivers_every_event_to_five_departments(system, e2e_amqp_uri):
    settings = feeds.FeedsSettings(events=EVENTS, drain_seconds=60)
    target = Target(amqp_uri=e2e_amqp_uri, url=system.url, system=system)

    result = feeds.measure(target, settings, repeats=1)

    assert result.errors == 0, result.failures
    (run,) = result.runs
    assert run.received == [EVENTS] * 5
    assert run.publish_per_s > 0 and run.delivered_per_s > 0
    assert run.ratio == run.delivered_per_s / run.publish_per_s
    assert 0 < run.amqp_seconds <= run.delivered_seconds
    assert 0 < run.https_seconds <= run.delivered_seconds
    assert 0 < run.amqp_p50_ms <= run.amqp_p99_ms and 0 < run.https_p50_ms <= run.https_p99_ms
    # Where the time went was measured (the e2e system runs the embedded server).
    assert run.feeds_cores > 0 and run.database_cores > 0 and run.db_ops_per_event > 0
    table = result.table()
    assert "delivered ÷ published" in table and "PASS" in table
    assert result.to_dict()["medians"]["ratio"]["median"] == run.ratio
    # They take no later events.
    assert statuses(system.url, result.department_ids) == ["revoked"] * 5
