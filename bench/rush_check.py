"""After a rush: does the database agree with what the workers were told?

Reads courses' own MongoDB database directly (seats, places), never through
the service, and compares it with every answer the load generator recorded.
Each check is PASS or FAIL; a FAIL makes `make bench` exit non-zero.
"""
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

from bench.rush_taps import first_decided, is_busy, is_server_error
from shared.mongo import connect, database_name

BOOKED, WAITING = "booked", "waiting"


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str = ""
    hard: bool = True   # a soft check is reported but does not fail the run

    @property
    def label(self):
        if self.passed:
            return "PASS"
        return "FAIL" if self.hard else "NOTE"

    def to_dict(self):
        return dict(asdict(self), label=self.label)


def _sample(items, n=3):
    items = sorted(items)
    return ", ".join(str(i) for i in items[:n]) + (" …" if len(items) > n else "")


def read_slots(env, class_id):
    client = connect(env["MONGO_URI"])
    try:
        db = client[database_name(env["MONGO_DB_PREFIX"], "courses")]
        seats = list(db.seats.find({"class_id": class_id}, {"state": 1, "holder": 1}))
        places = list(db.places.find({"class_id": class_id}, {"state": 1, "holder": 1}))
    finally:
        client.close()
    return seats, places


def check_rush(env, class_id, seats_wanted, waitlist_limit, taps, workers):
    """taps: the rush's Tap records; workers: [Account] by worker number."""
    seats, places = read_slots(env, class_id)
    holders = [s["holder"] for s in seats if s["state"] == BOOKED]
    waiting = [p["holder"] for p in places if p["state"] == WAITING]
    other_seats = Counter(s["state"] for s in seats if s["state"] not in ("free", BOOKED))
    id_of = {n: a.worker_id for n, a in enumerate(workers)}
    told = defaultdict(set)   # status -> worker ids
    for tap in taps:
        if tap.status in (201, 202):
            told[tap.status].add(id_of[tap.worker])
    unanswered = [t for t in taps if t.status is None]
    server_errors = [t for t in taps if is_server_error(t)]
    unexpected = Counter(t.status for t in taps
                         if t.status is not None and t.status not in (201, 202, 409)
                         and t.status < 500)
    both = set(holders) & set(waiting)
    checks = [
        Check("every request answered", not unanswered,
              "{} unanswered, e.g. {}".format(len(unanswered), _sample(
                  {t.error for t in unanswered})) if unanswered else "{}".format(len(taps))),
        Check("no 5xx but 503 BOOKING_BUSY", not server_errors, "{} answers ≥ 500: {}".format(
            len(server_errors), dict(Counter(t.status for t in server_errors)))
            if server_errors else ""),
        Check("only 201/202/409 answers (or busy)", not unexpected, str(dict(unexpected))),
        Check("seat documents == S", len(seats) == seats_wanted,
              "{} seat documents for {} seats".format(len(seats), seats_wanted)),
        Check("exactly S seats booked", len(holders) == seats_wanted and not other_seats,
              "{} booked of {}{}".format(len(holders), seats_wanted,
                                         ", other states {}".format(dict(other_seats))
                                         if other_seats else "")),
        Check("seat holders distinct", len(set(holders)) == len(holders),
              "{} holders, {} distinct".format(len(holders), len(set(holders)))),
        Check("every 201 worker holds a seat", told[201] <= set(holders),
              "told booked but no seat: {}".format(_sample(told[201] - set(holders)))),
        Check("every seat holder was told 201", set(holders) <= told[201],
              "seat but no 201: {}".format(_sample(set(holders) - told[201]))),
        Check("waitlist ≤ limit, place documents == limit",
              len(waiting) <= waitlist_limit and len(places) == waitlist_limit,
              "{} waiting, {} place documents, limit {}".format(
                  len(waiting), len(places), waitlist_limit)),
        Check("202 workers == waiting holders", told[202] == set(waiting),
              "told 202: {}, waiting: {}".format(len(told[202]), len(set(waiting)))),
        Check("no worker holds two (seat+place or two places)",
              not both and len(set(waiting)) == len(waiting),
              "{} in both".format(len(both))),
    ]
    return checks + check_repeats(taps)


def check_repeats(taps):
    """A retry with the same Idempotency-Key must get the worker's first
    answer again (hard); a second tap without a key from a worker who holds a
    seat or a place should say so (ALREADY_BOOKED / ALREADY_WAITLISTED)
    rather than e.g. CLASS_FULL (soft: reported, does not fail the run). A
    busy answer took nothing: the first answer is the first that decided."""
    firsts = first_decided(taps)
    replay_wrong, again_wrong = Counter(), Counter()
    retries = agains = 0
    for tap in taps:
        first = firsts.get(tap.worker)
        if tap.status is None or first is None or tap is first or is_busy(tap):
            continue
        if tap.kind == "retry":
            retries += 1
            if (tap.status, tap.code) != (first.status, first.code):
                replay_wrong["{} {} → {} {}".format(first.status, first.code, tap.status,
                                                   tap.code)] += 1
        elif tap.kind == "again" and first.status in (201, 202):
            agains += 1
            wanted = "ALREADY_BOOKED" if first.status == 201 else "ALREADY_WAITLISTED"
            if (tap.status, tap.code) != (409, wanted):
                again_wrong["{} → {} {}".format(first.status, tap.status, tap.code)] += 1
    return [
        Check("retries with the same Idempotency-Key get the first answer",
              not replay_wrong, "{} retries; wrong: {}".format(retries, dict(replay_wrong))),
        Check("second taps of holders say ALREADY_BOOKED/_WAITLISTED", not again_wrong,
              "{} second taps by holders; otherwise: {}".format(agains, dict(again_wrong)),
              hard=False),
    ]


def not_open_check(not_open):
    wrong = Counter("{} {} {}".format(t.status, t.code, t.error or "").strip()
                    for t in not_open if (t.status, t.code) != (409, "BOOKING_NOT_OPEN"))
    return Check("before opening: all 409 BOOKING_NOT_OPEN", not wrong,
                 "{} taps; otherwise: {}".format(len(not_open), dict(wrong)))
