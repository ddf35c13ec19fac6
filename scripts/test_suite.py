"""`make test`: the whole suite as two pytest runs side by side, the
end-to-end tier (one running system, tests/e2e) and the in-process tiers
(tests/unit, tests/integration, tests/production).

Why two runs: most of the suite's time is spent waiting (for events to be
applied, for killed processes to come back, for a deadline to pass), so on
two cores the tiers fit beside each other. They share nothing: each tier
makes its own RabbitMQ vhost and starts its own embedded database.

The end-to-end run's report streams as it goes; the in-process run's is
kept and printed whole when both are done, so each is one readable pytest
report. The exit status is non-zero if either failed. Arguments are passed
to both runs; arguments that name tests (a path or a node id) run just
those, in one ordinary pytest run.
"""
import os
import subprocess
import sys
import tempfile

END_TO_END = ["tests/e2e"]
IN_PROCESS = ["tests/unit", "tests/integration", "tests/production"]


def names_tests(argument):
    return not argument.startswith("-") and (
        "::" in argument or os.path.exists(argument.split("::")[0]))


def pytest(arguments, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "pytest", *arguments], **kwargs)


def run_side_by_side(arguments):
    with tempfile.TemporaryFile(mode="w+") as report:
        beside = pytest(IN_PROCESS + arguments, stdout=report, stderr=subprocess.STDOUT)
        print("make test: {} run beside {}; their report follows this one".format(
            ", ".join(IN_PROCESS), END_TO_END[0]), flush=True)
        codes = [pytest(END_TO_END + arguments).wait(), beside.wait()]
        report.seek(0)
        sys.stdout.write(report.read())
    return next((code for code in codes if code), 0)


def main(arguments):
    if any(names_tests(argument) for argument in arguments):
        return pytest(arguments).wait()
    return run_side_by_side(arguments)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
