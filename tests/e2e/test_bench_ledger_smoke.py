"""The ledger benchmark must not rot: a tiny backlog against the running
system. The figures mean nothing here (eventlet-patched client, tiny N), only
that the machinery works: the ledger is paused and resumed, every event is
applied once, and the reconciliation finds no drift."""
from bench import ledger
from bench.environment import Target


def test_the_ledger_benchmark_applies_a_small_backlog_with_no_drift(system, e2e_amqp_uri):
    settings = ledger.LedgerSettings(events=40, workers=5, drain_seconds=60)
    target = Target(amqp_uri=e2e_amqp_uri, url=system.url, system=system)
    before = ledger.Ledger(target)
    try:
        entries_before = before.entries()
    finally:
        before.close()

    result = ledger.measure(target, settings, repeats=1)

    assert result.errors == 0, result.failures
    (run,) = result.runs
    assert run.applied == run.events == 40 and run.drift == 0
    assert run.publish_per_s > 0 and run.applied_per_s > 0
    assert run.ratio == run.applied_per_s / run.publish_per_s
    # Both sides were found and measured (the e2e system runs the embedded server).
    assert run.ledger_cores > 0 and run.database_cores > 0
    # Counted in the ledger's process: the backlog, waiting when the ledger
    # resumed, went in batches of five inserts each (inbox records, firsts,
    # entries, lots, outbox), far fewer than one insert per event.
    assert 5 / 40 <= run.commands["insert"] < 1
    assert run.commands_per_event > run.commands["insert"] and run.database_ms_per_event > 0
    assert run.server_ms["ledger"] > 0  # the server's own time, by service database
    # Then every service caught up (nothing left in a queue), after the ledger.
    assert run.system_seconds >= run.apply_seconds - 1 and run.system_per_s > 0
    assert run.ledger_resident_mib > 10 and run.ledger_peak_mib >= run.ledger_resident_mib
    table = result.table()
    assert "applied ÷ published" in table and "PASS" in table
    assert result.to_dict()["medians"]["drift"]["max"] == 0
    # The ledger runs again (resumed, not left stopped) and answered every event.
    after = ledger.Ledger(target)
    try:
        assert after.entries() - entries_before == 40
        for process in after.processes():
            assert process.poll() is None
            state = open("/proc/{}/stat".format(process.pid)).read().split()[2]
            assert state != "T", "the ledger was left stopped"
    finally:
        after.close()
