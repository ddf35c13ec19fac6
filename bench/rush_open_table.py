"""The open-loop rush's part of the rush table (bench/rush_open.py)."""
from bench import rush_open_figures as o
from bench.measure import shown as _num

KIND_ORDER = ("201 booked", "202 waitlisted", "201/202 replayed", "409 BOOKING_NOT_OPEN",
              "409 CLASS_FULL", "409 ALREADY_BOOKED", "409 ALREADY_WAITLISTED")


def _row(label, fig, target="", verdict=""):
    return "  {:<28} {:>7} {:>8} {:>8} {:>9}  {}".format(
        label, "{:,}".format(fig["count"]), _num(fig["p50_ms"]), _num(fig["p99_ms"]),
        _num(fig["p99_9_ms"]), (target + " " + verdict).strip())


def _verdict(value, limit):
    return "" if value != value else ("met" if value < limit else "MISS")


def rate_block(f):
    lines = ["offered {:,}/s: {:,} taps, {:,} sent ({}/s after the opening), {:,} answered, "
             "other 5xx {}; sent late (> {:.0f} ms after due) {:,}, send lag p99 {} ms, max {} ms; "
             "at most {} in flight; generator {:.2f} cores (~{} µs CPU a tap){}".format(
                 f["offered_per_s"], f["taps"], f["sent"], _num(f["sent_per_s"]), f["answered"],
                 f["server_errors"], o.LATE_MS, f["late"], _num(f["lag_p99_ms"]),
                 _num(f["lag_max_ms"]),
                 f["max_in_flight"], f["generator_cores"], _num(f["generator_us_per_tap"]),
                 "" if f["on_time"] else "  NOT SENT ON TIME: " + f["why_late"]),
             "  {:<28} {:>7} {:>8} {:>8} {:>9}".format("answer", "count", "p50 ms",
                                                        "p99 ms", "p99.9 ms")]
    order = [k for k in KIND_ORDER if k in f["kinds"]]
    order += sorted(k for k in f["kinds"] if k not in KIND_ORDER)
    lines += [_row(k, f["kinds"][k]) for k in order]
    at_target = f["offered_per_s"] >= o.TARGET_RATE
    lines.append(_row("winners (new 201/202)", f["winners"], "< 500 ms" if at_target else "",
                      _verdict(f["winners"]["p99_ms"], o.WINNER_P99_MS) if at_target else ""))
    lines.append(_row("refusals (all 409)", f["refusals"], "< 50 ms",
                      _verdict(f["refusals"]["p99_ms"], o.REFUSAL_P99_MS)))
    lines.append(_row("  409s due after full", f["refusals_due_after_full"]))
    if f["busy"]["count"]:
        lines.append(_row("shed (503 BOOKING_BUSY)", f["busy"], "< 50 ms",
                          _verdict(f["busy"]["p99_ms"], o.REFUSAL_P99_MS)))
    return lines


def highest_line(result):
    best, bare = result.highest(), result.bare
    text = ("highest offered rate with 409 p99 (and 503 BOOKING_BUSY p99) < {:.0f} ms at it "
            "and every lower rate (taps sent on time): ".format(o.REFUSAL_P99_MS))
    if best is None:
        return text + "none of those measured"
    return text + "{:,}/s = {:.2f}× bare RPC at {} callers, the highest measured ({} " \
        "calls/s); target: {:,}/s".format(best, result.ratio(), bare["concurrency"],
                                         _num(bare["rate"]), o.TARGET_RATE)


def _per(value):
    # The idle share taken out can leave a hair below zero: that is none.
    return "{:.2f}".format(value).replace("-0.00", "0.00")


def commands_lines(result):
    summed, idle = result.commands_summed()
    lines = ["courses' database commands (summed over the rates whose phases were clean; "
             "idle {:.1f}/s taken out):".format(sum(idle.values()))]
    labels = (("bookings", "per booking (201/202)"),
              ("not_open", "per not-open refusal"),
              ("after_full", "per answer after full"))
    for name, label in labels:
        p = summed[name]
        if not p.answers:
            lines.append("  {:<24} –".format(label))
            continue
        per = p.per_answer()
        parts = ", ".join("{} {}".format(k, _per(v)) for k, v in
                          sorted(per.items(), key=lambda kv: -abs(kv[1])) if abs(v) >= 0.005)
        lines.append("  {:<24} {:>6}  of {:,}  ({})".format(
            label, _per(p.total / p.answers), p.answers, parts or "none"))
    return lines


def memory_lines(result):
    if not result.memory:
        return []
    rate, memory = result.settings.rates[-1], result.memory[-1]
    return ["resident memory halfway through the {:,}/s rush, MiB (peak so far): ".format(
        rate) + ", ".join("{} {:.0f} ({:.0f})".format(name, now, peak)
                          for name, (now, peak) in sorted(memory.items()))]


def format_open_loop(result):
    s = result.settings
    lines = ["", "Open loop, courses × {}: taps due at a fixed rate ({:g} s before the "
             "opening, {:g} s after), latency from the due time (coordinated omission "
             "corrected); {} senders with keep-alive connections".format(
                 result.courses_processes, s.not_open_seconds, s.seconds, s.senders)]
    for f in result.runs:
        lines += rate_block(f)
    lines += ["", highest_line(result)] + commands_lines(result) + memory_lines(result)
    lines += ["  sampler: " + e for e in result.sampler_errors]
    lines.append("checks per rate: " + " ".join(
        "{}/s {}".format(f["offered_per_s"], "PASS" if all(
            c.passed or not c.hard for c in run) else "FAIL: " + "; ".join(
                c.name for c in run if not c.passed and c.hard))
        for f, run in zip(result.runs, result.checks)))
    return "\n".join(lines)
