"""`make run` starts what production starts: every service of services/ has
its line in the Procfile (scripts/run.py has supervisord run it)."""
from scripts import procfile as procfile_file
from tests.production.rules import ROOT, service_names


def procfile():
    return procfile_file.processes(ROOT / "Procfile")


def test_make_run_starts_every_service_the_one_way():
    processes = procfile()
    for name in service_names():
        assert processes.get(name) == "python -m shared.run " + name, \
            "the Procfile does not run the service " + name


def test_make_run_starts_nothing_that_is_not_a_service_but_the_gateway_and_the_demo():
    assert set(procfile()) == {*service_names(), "gateway", "demo"}
