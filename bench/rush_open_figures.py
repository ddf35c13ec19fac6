"""The open-loop rush's figures from its taps (bench/rush_open.py): the
kinds of answer and their latencies, how well the generator kept to the
schedule, the highest sustainable rate, and the database-command phases."""
from bench import rush_commands, rush_taps

LATE_MS = 10.0              # a tap sent later than this after its due time is late
REFUSAL_P99_MS = rush_taps.REFUSAL_P99_MS
WINNER_P99_MS = 500.0
TARGET_RATE = 1500          # the issue's: refusal p99 < 50 ms offered this, courses × 1

WINNER_KINDS = ("201 booked", "202 waitlisted")


def kinds(taps):
    """{kind of answer: [taps]}: a worker's first 201/202 (by answer time) is
    a winner, a later one a replay; others by status and error code."""
    by_kind, wins = {}, {id(t) for t in rush_taps.first_wins(taps)}
    for tap in rush_taps.by_answer_time(taps):
        if tap.status in (201, 202):
            kind = WINNER_KINDS[tap.status - 201] if id(tap) in wins else "201/202 replayed"
        else:
            kind = "{} {}".format(tap.status, tap.code)
        by_kind.setdefault(kind, []).append(tap)
    return by_kind


def latency(taps):
    ms = [t.ms for t in taps]
    pct = rush_taps.pct
    return {"count": len(ms), "p50_ms": pct(ms, 50), "p99_ms": pct(ms, 99),
            "p99_9_ms": pct(ms, 99.9)}


def max_in_flight(taps):
    """The most taps sent and not yet answered at any one time."""
    events = sorted([(t.sent, 1) for t in taps if t.sent is not None]
                    + [(t.done, -1) for t in taps if t.done is not None])
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


def sending(taps, senders, rate):
    """How well the generator kept to the schedule."""
    sent = [t for t in taps if t.sent is not None]
    lags = [t.lag_ms for t in sent]
    rush_sent = [t.sent for t in sent if t.kind != "not_open"]
    span = max(rush_sent, default=0.0) - min(rush_sent, default=0.0)
    in_flight = max_in_flight(taps)
    on_time = bool(sent) and len(sent) == len(taps) and rush_taps.pct(lags, 99) <= LATE_MS
    return {"offered_per_s": rate, "taps": len(taps), "sent": len(sent),
            "answered": sum(1 for t in taps if t.status is not None),
            # after the opening, what the system was actually offered
            "sent_per_s": (len(rush_sent) - 1) / span if span > 0 else float("nan"),
            "late": sum(1 for x in lags if x > LATE_MS),
            "lag_p99_ms": rush_taps.pct(lags, 99),
            "lag_max_ms": max(lags, default=float("nan")),
            "max_in_flight": in_flight, "on_time": on_time,
            "why_late": "" if on_time else (
                "every sender was waiting for an answer" if in_flight >= senders
                else "the generator itself (CPU, scheduling)")}


def cpu_per_tap_us(run):
    """The generator's CPU per tap sent while it was measured: its headroom
    (one core sends 1e6 / this taps/s)."""
    start, end = run.cpu_window
    sent = sum(1 for t in run.taps if t.sent is not None and start <= t.sent < end)
    return run.cores * (end - start) / sent * 1e6 if sent else float("nan")


def run_figures(run, senders):
    by_kind = kinds(run.taps)
    refusals = [t for t in run.taps if t.status == 409]
    busy = [t for t in run.taps if rush_taps.is_busy(t)]
    winners = [t for k in WINNER_KINDS for t in by_kind.get(k, [])]
    full_at = max((t.done for t in winners), default=float("inf"))
    return dict(sending(run.taps, senders, run.rate), generator_cores=run.cores,
                generator_us_per_tap=cpu_per_tap_us(run),
                kinds={k: latency(v) for k, v in sorted(by_kind.items())},
                refusals=latency(refusals), busy=latency(busy), winners=latency(winners),
                # due once the last seat and place were gone: not held up by bookings
                refusals_due_after_full=latency([t for t in refusals if t.due >= full_at]),
                server_errors=sum(1 for t in run.taps if rush_taps.is_server_error(t)))


def highest_sustainable(figures, limit_ms=REFUSAL_P99_MS):
    """The highest offered rate up to which every rate's refusal p99, and its
    busy answers' p99 if any, stayed under `limit_ms` with its taps sent on
    time; None if the lowest did not."""
    best = None
    for f in sorted(figures, key=lambda f: f["offered_per_s"]):
        busy_ok = not f["busy"]["count"] or f["busy"]["p99_ms"] < limit_ms
        if not (f["refusals"]["p99_ms"] < limit_ms and busy_ok and f["on_time"]):
            break
        best = f["offered_per_s"]
    return best


def run_commands(run):
    """The run's phases as rush_commands Phases: idle (commands/s), not open,
    bookings (fill less its other answers), after full; None when a phase
    cannot be told apart (a not-open answer came after the opening)."""
    snaps, c = run.snapshots, rush_commands
    taps = [t for t in run.taps if t.status is not None]
    not_open = [t for t in taps if t.kind == "not_open"]
    after_opening = [t for t in taps if t.kind != "not_open"]
    winners = [t for k in WINNER_KINDS for t in kinds(taps).get(k, [])]
    if not not_open or not winners:
        return None
    s0 = c.last_sent_before(snaps, min(t.due for t in run.taps))
    s1 = c.first_sent_after(snaps, max(t.done for t in not_open))
    s2 = c.first_sent_after(snaps, max(t.done for t in winners))
    s3 = c.first_sent_after(snaps, max(t.done for t in taps))
    if s1 is None or s1.sent >= run.clock.fire or s2 is None:
        return None
    idle = c.idle_rates(c.first_sent_after(snaps, -1e9), s0)
    # Answers back before s2 was sent are the fill's (courses answers in order).
    others = sum(1 for t in after_opening if t.done <= s2.sent) - len(winners)
    after = c.phase(s2, s3, len(after_opening) - len(winners) - others, idle)
    return {"idle_per_s": idle,
            "not_open": c.phase(s0, s1, len(not_open), idle),
            "bookings": c.less_others(c.phase(s1, s2, len(winners), idle), others, after),
            "after_full": after}
