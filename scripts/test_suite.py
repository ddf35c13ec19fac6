"""`make test`: the whole suite as two pytest runs side by side, then the
tests that must run alone.

1. Side by side:
   - the end-to-end run: tests/e2e against the one system its session starts;
   - the in-process run: tests/unit, tests/integration, tests/production,
     and the e2e tests that start systems of their own (a whole `make run`
     each, OWN_SYSTEMS), which would otherwise make the first run the long one.
   Most of the suite's time is spent waiting (for events to be applied, for
   killed processes to come back, for a deadline to pass), so on two cores
   the runs fit beside each other. They share nothing but the machine's
   RabbitMQ: each makes its own vhosts and starts its own embedded database.
2. Alone: the tests marked ``exclusive``, which stop that RabbitMQ.

The end-to-end run's report streams as it goes; the in-process run's is
kept and printed whole after it, so each is one readable pytest report. The
exit status is non-zero if any run failed. Arguments go to every run;
arguments that name tests (a path or a node id) run just those, in one
ordinary pytest run.
"""
import os
import subprocess
import sys
import tempfile

END_TO_END_TIER = "tests/e2e"
IN_PROCESS_TIERS = ["tests/unit", "tests/integration", "tests/production"]
OWN_SYSTEMS = ["tests/e2e/test_make_run.py", "tests/e2e/test_fault_run.py"]

END_TO_END = [END_TO_END_TIER] + ["--ignore=" + path for path in OWN_SYSTEMS]
IN_PROCESS = IN_PROCESS_TIERS + OWN_SYSTEMS + ["-m", "not exclusive"]
ALONE = IN_PROCESS_TIERS + ["-m", "exclusive"]
NO_TESTS_SELECTED = 5


def names_tests(argument):
    return not argument.startswith("-") and (
        "::" in argument or os.path.exists(argument.split("::")[0]))


def pytest(arguments, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "pytest", *arguments], **kwargs)


def side_by_side(arguments):
    with tempfile.TemporaryFile(mode="w+") as report:
        beside = pytest(IN_PROCESS + arguments, stdout=report, stderr=subprocess.STDOUT)
        print("make test: the in-process tiers run beside tests/e2e; their report "
              "follows this one", flush=True)
        codes = [pytest(END_TO_END + arguments).wait(), beside.wait()]
        report.seek(0)
        sys.stdout.write(report.read())
    return codes


def alone(arguments):
    print("make test: the tests that stop RabbitMQ, alone", flush=True)
    code = pytest(ALONE + arguments).wait()
    return 0 if code == NO_TESTS_SELECTED else code


def main(arguments):
    if any(names_tests(argument) for argument in arguments):
        return pytest(arguments).wait()
    codes = side_by_side(arguments) + [alone(arguments)]
    return next((code for code in codes if code), 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
