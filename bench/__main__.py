"""`python -m bench [name ...]` (`make bench`): run the registered benchmarks
in one run, print a table each, and write every figure to
bench/results/<timestamp>.json.

The yardstick always runs first: every other benchmark gets its result as
`baseline` and reports ratios to it, measured on the same machine minutes
apart. Settings: BENCH_REPEATS (3), BENCH_DURATION (3 s), BENCH_WARMUP
(0.5 s), BENCH_MAX_CALLS (50,000 per run); the rush's own are in bench/rush.py
and bench/rush_open.py.
Exits non-zero when a benchmark reports errors (e.g. a FAILed rush check).
"""
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import feeds, insight, jobs, ledger, rush, stations, yardstick
from bench.environment import bench_environment
from bench.measure import LoadSettings

RESULTS = Path(__file__).resolve().parent / "results"
KEEP_LOGS = 5  # the services' and gateway's logs of the last few runs (~7 MB each)
# Every benchmark `make bench` runs, by name; the yardstick is always first.
BENCHMARKS = {module.NAME: module
              for module in (yardstick, rush, ledger, stations, jobs, feeds, insight)}


def say(text=""):
    print(text, flush=True)


def machine():
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "commit": commit,
            "load_average": os.getloadavg()}


def prune_logs():
    runs = sorted((RESULTS / "logs").glob("*"))
    for old in runs[:-KEEP_LOGS]:
        shutil.rmtree(old, ignore_errors=True)


def selected(argv):
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit("unknown benchmark(s): {}; known: {}".format(
            ", ".join(unknown), ", ".join(BENCHMARKS)))
    others = [n for n in names if n != yardstick.NAME]
    return [yardstick.NAME] + others


def main(argv):
    names = selected(argv)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    settings = LoadSettings.from_env()
    report = {"started": stamp, "machine": machine(), "settings": settings.__dict__,
              "results": {}}
    began = time.monotonic()
    logs = RESULTS / "logs" / stamp
    say("{cpus} CPUs, load average {load}: other work on this machine skews the "
        "figures".format(cpus=os.cpu_count(),
                         load=" ".join("{:.2f}".format(x) for x in os.getloadavg())))
    say("starting broker vhost, embedded MongoDB and the system (logs: {}) ...".format(logs))
    try:
        run_all(names, settings, logs, report)
    except BaseException as exc:  # keep what was measured, then fail loudly
        report["aborted"] = repr(exc)
        write(report, stamp, began)
        raise
    path = write(report, stamp, began)
    say("\n{:.0f} s in all; results in {}".format(report["seconds"], path))
    errors = sum(r.get("errors", 0) for r in report["results"].values())
    return 1 if errors else 0


def run_all(names, settings, logs, report):
    with bench_environment(log_dir=logs) as target:
        baseline = None
        for name in names:
            benchmark = BENCHMARKS[name]
            say("\n== {} ==".format(name))
            result = benchmark.run(target, settings, baseline=baseline, progress=say)
            if name == yardstick.NAME:
                baseline = result
            report["results"][name] = result.to_dict()
            say("\n" + result.table())


def write(report, stamp, began):
    report["seconds"] = round(time.monotonic() - began, 1)
    report["machine"]["load_average_after"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "{}.json".format(stamp)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    prune_logs()
    return path


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
