"""The jobs benchmark must not rot: seed a few postings through the gateway
and run the search beside the ping for a moment. The figures mean nothing
here (eventlet-patched client, 20 postings), only that the machinery works:
employers set up, every posting live (none held for review), searches
answered."""
from bench import job_postings, jobs, rush_setup, side_by_side
from bench.environment import Target
from bench.measure import LoadSettings

POSTINGS = 20


def open_postings(url):
    """How many postings the benchmark's employers have open, in all."""
    http = rush_setup.Http(url)
    try:
        return sum(rush_setup.expect(*http.call(
            "GET", jobs.MINE_PATH + "?status=open&per_page=1",
            token=jobs.Account(url, job_postings.PHONE.format(index + 1)).token()),
            200, "list my open postings")["total"]
            for index in range(len(job_postings.COMPANIES)))
    finally:
        http.close()


def test_the_jobs_benchmark_seeds_and_searches_beside_the_ping(system, e2e_amqp_uri,
                                                               monkeypatch):
    monkeypatch.setenv("BENCH_JOBS", str(POSTINGS))
    monkeypatch.setenv("BENCH_JOBS_CONCURRENCIES", "1,4")
    settings = LoadSettings(duration=0.3, warmup=0.1, max_calls=2_000, repeats=1)
    target = Target(amqp_uri=e2e_amqp_uri, url=system.url, system=system)

    result = jobs.run(target, settings)

    assert result.errors == 0, result.error_samples
    assert result.seeded.total == POSTINGS and result.seeded.added <= POSTINGS
    assert open_postings(system.url) == POSTINGS
    for kind in (side_by_side.PING, jobs.SEARCH):
        for concurrency in (1, 4):
            cell = result.cells[kind][concurrency]
            assert cell.calls > 0 and 0 < cell.p50_ms.median <= cell.p99_ms.median
    assert result.ratio("rate", 4) > 0
    assert "search ÷ ping" in result.table()
    assert set(result.to_dict()["ratios_search_to_ping"]) == {"1", "4"}
