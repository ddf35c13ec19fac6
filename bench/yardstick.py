"""The yardstick: what a call costs when the service does nothing.

Two kinds of call, each at 1, 16 and 64 concurrent callers:
- bare RPC: a standalone ClusterRpcProxy per caller → identity.ping()
- gateway: keep-alive HTTP per caller → GET /api/v1/ping → identity.ping()

Later benchmarks call `measure(target)` (or take the result `python -m bench`
hands them) and report their figures as ratios to these, measured in the same
run on the same machine.
"""
from dataclasses import dataclass

from bench import clients, measure as m

NAME = "yardstick"
SERVICE = "identity"
PING_PATH = "/api/v1/ping"
CONCURRENCIES = (1, 16, 64)
BARE, GATEWAY = "bare_rpc", "gateway"
KINDS = (BARE, GATEWAY)
LABELS = {BARE: "bare RPC (proxy → ping)", GATEWAY: "gateway (HTTP → ping)"}


def _check_rpc(result):
    if result != {"pong": SERVICE}:
        raise clients.UnexpectedAnswer(repr(result)[:200])


def _check_http(content):
    if b'"pong"' not in content:
        raise clients.UnexpectedAnswer(content[:200])


def client_factories(target):
    return {
        BARE: clients.rpc_client(target.amqp_uri, SERVICE, "ping", check=_check_rpc),
        GATEWAY: clients.http_client(target.url, "GET", PING_PATH, check=_check_http),
    }


@dataclass
class Yardstick:
    settings: m.LoadSettings
    concurrencies: tuple
    cells: dict            # {kind: {concurrency: CellSummary}}
    error_samples: list

    def cell(self, kind, concurrency):
        return self.cells[kind][concurrency]

    def rate(self, kind, concurrency):
        """Median calls/s: the figure other benchmarks divide by."""
        return self.cell(kind, concurrency).rate.median

    def p50_ms(self, kind, concurrency):
        return self.cell(kind, concurrency).p50_ms.median

    def p99_ms(self, kind, concurrency):
        return self.cell(kind, concurrency).p99_ms.median

    def ratios(self, concurrency):
        """gateway / bare RPC for calls/s, p50 and p99 (medians)."""
        def ratio(figure):
            bare = figure(BARE, concurrency)
            return figure(GATEWAY, concurrency) / bare if bare else float("nan")
        return {"rate": ratio(self.rate), "p50": ratio(self.p50_ms),
                "p99": ratio(self.p99_ms)}

    @property
    def errors(self):
        return m.cells_errors(self.cells)

    def to_dict(self):
        return {
            "settings": self.settings.__dict__,
            "concurrencies": list(self.concurrencies),
            "cells": m.cells_dict(self.cells),
            "ratios_gateway_to_bare": {str(c): self.ratios(c) for c in self.concurrencies},
            "errors": self.errors,
            "error_samples": self.error_samples,
        }

    def table(self):
        return format_table(self)


def measure(target, settings=None, concurrencies=CONCURRENCIES, progress=None):
    """Run every cell `settings.repeats` times and return a Yardstick
    (both kinds back to back at each concurrency: measure.run_cells)."""
    settings = settings or m.LoadSettings.from_env()
    cells, samples = m.run_cells(client_factories(target), KINDS, concurrencies, settings,
                                 progress)
    return Yardstick(settings=settings, concurrencies=tuple(concurrencies), cells=cells,
                     error_samples=samples)


def run(target, settings, baseline=None, progress=None):
    """The registry entry (bench/__main__.py): the yardstick is its own baseline."""
    return measure(target, settings, progress=progress)


def _rate(figure):
    return "{:,.0f} ({:,.0f}–{:,.0f})".format(figure.median, figure.min, figure.max)


def format_table(result):
    s = result.settings
    lines = [
        "Yardstick: no-op RPC {}.ping — median of {} run(s), {:g} s window after {:g} s "
        "warm-up (min–max of runs in brackets)".format(SERVICE, s.repeats, s.duration,
                                                        s.warmup),
        "",
        "{:<24} {:>7} {:>22} {:>8} {:>8} {:>6}".format(
            "", "callers", "calls/s", "p50 ms", "p99 ms", "errors"),
    ]
    for kind in KINDS:
        for c in result.concurrencies:
            cell = result.cell(kind, c)
            lines.append("{:<24} {:>7} {:>22} {:>8.2f} {:>8.2f} {:>6}".format(
                LABELS[kind] if c == result.concurrencies[0] else "", c, _rate(cell.rate),
                cell.p50_ms.median, cell.p99_ms.median, cell.errors))
    lines += ["", "{:<24} {:>7} {:>22} {:>8} {:>8}".format(
        "gateway / bare", "callers", "calls/s", "p50", "p99")]
    for c in result.concurrencies:
        r = result.ratios(c)
        lines.append("{:<24} {:>7} {:>22.2f} {:>8.2f} {:>8.2f}".format(
            "", c, r["rate"], r["p50"], r["p99"]))
    if result.error_samples:
        lines += ["", "error samples:"] + ["  " + e for e in result.error_samples]
    return "\n".join(lines)
