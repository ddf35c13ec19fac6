"""Benchmarks, run by `make bench` (python -m bench); the registry is
bench/__main__.py.

A benchmark is a module with NAME and
`run(target, settings, baseline=None, progress=None)` returning an object with
`.table()` (text) and `.to_dict()` (JSON-able, with an "errors" count).
`target` is a bench.environment.Target (broker URI, gateway URL) on a system
this run started; `baseline` is this run's bench.yardstick.Yardstick, so a
benchmark reports its figures as ratios to it (e.g. baseline.rate("gateway", 16)).
"""
