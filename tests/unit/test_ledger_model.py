"""The earning rules and the lots against simple models (Hypothesis).

Earning: a stream of quiz passes and station visits over a few China days is
fed through ``rules.decide`` with the facts the store would read (what this
source type earned that day, whether this quiz was seen before). The model
says: per (source type, day) the total is min(cap, what the eligible events
are worth), where eligible means "first pass of each quiz" for quizzes; no
quiz earns twice, and only its first pass can earn.

Lots: credits, debits and expiry against a model of single points, each
remembering when it was earned: a debit removes the oldest points, expiry
removes the points past their date; the lots must hold exactly what the
model holds, and add up to the balance.
"""
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from services.ledger import lots, rules
from shared.domain import china_day

START = datetime(2026, 3, 1, 16, 0, tzinfo=timezone.utc)  # midnight in Haiyan


def rule(code, label, points, cap, first_only):
    return {"code": code, "label": label, "points": points, "unit": "event",
            "first_only": first_only, "daily_cap": cap, "expire_days": None}


earning_events = st.lists(st.tuples(
    st.sampled_from(["quiz_passed", "station_visited"]),
    st.integers(0, 3),                    # which quiz / station
    st.integers(0, 3 * 24 * 60 - 1)),     # minute within three China days
    max_size=40)


@settings(max_examples=300, deadline=None)
@given(events=earning_events, quiz_points=st.integers(1, 20), station_points=st.integers(1, 5),
       quiz_cap=st.none() | st.integers(1, 40), station_cap=st.none() | st.integers(1, 12))
def test_caps_and_first_pass_only_match_the_model(events, quiz_points, station_points,
                                                  quiz_cap, station_cap):
    rule_set = {"quiz_passed": rule("quiz_passed", "红色知识答题", quiz_points, quiz_cap, True),
                "station_visited": rule("station_visited", "驿站打卡", station_points,
                                        station_cap, False)}
    earned, seen, awards = defaultdict(int), set(), []
    for index, (code, subject, minute) in enumerate(events):
        at = START + timedelta(minutes=minute)
        data, day = event(code, subject, at), china_day(at)
        facts = rules.Facts(earned_today=earned[code, day], done_before=(code, subject) in seen)
        seen.add((code, subject))
        award = rules.decide(code, rule_set[code], data, facts)
        if award is not None:
            assert 0 < award.points <= rule_set[code]["points"]
            earned[code, award.day] += award.points
            awards.append((index, code, subject, award))

    # The model: what each (source type, day) is worth, then capped.
    worth, first_seen = defaultdict(int), {}
    for index, (code, subject, minute) in enumerate(events):
        day = (START + timedelta(minutes=minute) - START).days
        if code == "quiz_passed" and (code, subject) in first_seen:
            continue
        first_seen.setdefault((code, subject), index)
        worth[code, day] += rule_set[code]["points"]
    for (code, day), value in worth.items():
        cap = rule_set[code]["daily_cap"]
        expected = value if cap is None else min(cap, value)
        day_text = (START + timedelta(days=day, hours=8)).date().isoformat()
        assert earned[code, day_text] == expected, (code, day)
    quiz_awards = [(index, subject) for index, code, subject, _ in awards
                   if code == "quiz_passed"]
    assert len({subject for _, subject in quiz_awards}) == len(quiz_awards)
    assert all(first_seen["quiz_passed", subject] == index for index, subject in quiz_awards)


def event(code, subject, at):
    if code == "quiz_passed":
        return {"worker_id": "w", "quiz_id": "q{}".format(subject), "quiz_title": "第{}期".format(
            subject), "score": 90, "passed_at": at}
    return {"worker_id": "w", "station_id": "s{}".format(subject), "station_name": "驿站",
            "visited_at": at}


operations = st.lists(st.one_of(
    st.tuples(st.just("credit"), st.integers(1, 20), st.integers(0, 30),
              st.none() | st.integers(1, 30)),
    st.tuples(st.just("debit"), st.integers(1, 30)),
    st.tuples(st.just("expire"), st.integers(0, 60))), max_size=40)


@settings(max_examples=300, deadline=None)
@given(ops=operations)
def test_lots_are_used_and_expired_oldest_first_like_single_points(ops):
    open_lots, units, balance = [], [], 0
    for seq, op in enumerate(ops, 1):
        if op[0] == "credit":
            _, amount, day, days_valid = op
            earned = START + timedelta(days=day)
            expires = earned + timedelta(days=days_valid) if days_valid else None
            open_lots.append({"_id": "L{}".format(seq), "remaining": amount, "seq": seq,
                              "earned_at": earned, "expires_at": expires})
            units += [(earned, seq, "L{}".format(seq), expires)] * amount
            balance += amount
        elif op[0] == "debit":
            amount = min(op[1], balance)  # the account's conditional write refuses more
            apply(open_lots, lots.take(open_lots, amount))
            units = sorted(units)[amount:]
            balance -= amount
        else:
            now = START + timedelta(days=op[1])
            for due in lots.due_to_expire(open_lots, now):
                apply(open_lots, lots.take(open_lots, due["remaining"], first=due["_id"]))
            gone = [u for u in units if u[3] is not None and u[3] <= now]
            units = [u for u in units if not (u[3] is not None and u[3] <= now)]
            balance -= len(gone)
        held = defaultdict(int)
        for unit in units:
            held[unit[2]] += 1
        assert {item["_id"]: item["remaining"] for item in open_lots
                if item["remaining"]} == dict(held)
        assert sum(item["remaining"] for item in open_lots) == balance >= 0


def apply(open_lots, taken):
    by_id = {item["_id"]: item for item in open_lots}
    for lot_id, part in taken:
        assert 0 < part <= by_id[lot_id]["remaining"]
        by_id[lot_id]["remaining"] -= part
