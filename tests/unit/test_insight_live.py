"""The live-demand rules (services/insight/live_rules.py): which period and key
an event counts under, who holds a class's seats whatever the order of the
facts, and the shapes of deltas and snapshots (docs/live-demand.md)."""
from datetime import datetime, timedelta, timezone

import pytest

from services.insight import live_rules as rules
from services.jobs.schemas import NO_REPLY

UTC = timezone.utc
# Monday 2026-03-09, 00:30 in Haiyan (16:30 the day before in UTC).
MONDAY_EARLY = datetime(2026, 3, 8, 16, 30, tzinfo=UTC)


def envelope(time, event_type="quiz_passed"):
    return {"id": "e-1", "type": event_type, "time": time}


def changes(source, event_type, data, time=MONDAY_EARLY, district=None):
    return rules.live_changes(source, event_type, data, envelope(time, event_type), district)


# ---- periods ---------------------------------------------------------------------------

def test_a_day_is_the_shanghai_calendar_day_not_utcs():
    assert rules.period_of(rules.DAY, MONDAY_EARLY) == "2026-03-09"
    assert rules.period_of(rules.DAY, MONDAY_EARLY - timedelta(minutes=31)) == "2026-03-08"


def test_a_week_is_the_iso_week_starting_monday_in_shanghai():
    assert rules.period_of(rules.WEEK, MONDAY_EARLY) == "2026-W11"
    assert rules.period_of(rules.WEEK, MONDAY_EARLY - timedelta(hours=1)) == "2026-W10"
    assert rules.period_start(rules.WEEK, MONDAY_EARLY + timedelta(days=3)) == \
        datetime(2026, 3, 8, 16, 0, tzinfo=UTC)
    assert rules.period_start(rules.DAY, MONDAY_EARLY) == datetime(2026, 3, 8, 16, 0, tzinfo=UTC)


def test_the_fact_time_is_the_datas_own_else_the_envelopes():
    handled_late = MONDAY_EARLY + timedelta(days=1)
    visit = {"station_id": "s1", "visited_at": MONDAY_EARLY}
    assert rules.fact_time("station_visited", visit, envelope(handled_late)) == MONDAY_EARLY
    published = {"class_id": "c1"}  # class_published has no time of its own
    assert rules.fact_time("class_published", published,
                           envelope(handled_late.isoformat())) == handled_late


def test_a_late_event_counts_in_its_own_day_under_another_id():
    yesterday = MONDAY_EARLY - timedelta(hours=1)
    today_change, = changes("ledger", "points_awarded", {"amount": 5, "at": MONDAY_EARLY})
    late_change, = changes("ledger", "points_awarded", {"amount": 5, "at": yesterday})
    assert today_change.doc_id == "points_today|2026-03-09|awarded"
    assert late_change.doc_id == "points_today|2026-03-08|awarded"
    assert late_change.update["$setOnInsert"]["period"] == "2026-03-08"
    assert late_change.update["$inc"] == {"n": 5, "version": 1}


def test_a_day_counter_expires_eight_days_after_its_day_began():
    change, = changes("learning", "quiz_passed", {"passed_at": MONDAY_EARLY})
    assert change.update["$setOnInsert"]["expires_at"] == \
        datetime(2026, 3, 16, 16, 0, tzinfo=UTC)


# ---- which panel, which key ------------------------------------------------------------

def test_a_quiz_pass_counts_under_the_workers_district_or_unknown():
    known, = changes("learning", "quiz_passed", {"passed_at": MONDAY_EARLY}, district="武原街道")
    unknown, = changes("learning", "quiz_passed", {"passed_at": MONDAY_EARLY})
    assert known.update["$setOnInsert"]["key"] == "武原街道"
    assert unknown.update["$setOnInsert"]["key"] == "未知"


def test_only_a_lapse_among_status_changes_is_counted():
    assert rules.LAPSED_STATUS == NO_REPLY
    lapsed, = changes("jobs", "application_status_changed", {"status": NO_REPLY,
                                                            "at": MONDAY_EARLY})
    assert lapsed.doc_id == "job_applications|2026-03-09|lapsed"
    assert changes("jobs", "application_status_changed", {"status": "viewed",
                                                         "at": MONDAY_EARLY}) == []


def test_volunteer_hours_add_their_hours_to_the_week():
    change, = changes("volunteering", "volunteer_hours_confirmed",
                      {"hours": 2.5, "confirmed_at": MONDAY_EARLY})
    assert change.doc_id == "volunteering_week|2026-W11|hours"
    assert change.update["$inc"]["n"] == 2.5


def test_a_visit_counts_in_its_hour_of_its_station():
    change, = changes("stations", "station_visited",
                      {"station_id": "s1", "visited_at": MONDAY_EARLY + timedelta(minutes=20)})
    assert change.doc_id == "station_visits||s1|2026-03-08T16:00:00+00:00"
    assert change.update["$setOnInsert"]["window_at"] == datetime(2026, 3, 8, 16, tzinfo=UTC)


@pytest.mark.parametrize("source, event_type", [
    ("identity", "worker_registered"), ("learning", "lesson_completed"),
    ("ledger", "points_spent"), ("courses", "class_attended")])
def test_events_no_panel_counts_change_nothing(source, event_type):
    assert changes(source, event_type, {"class_id": "c1", "at": MONDAY_EARLY}) == []


def test_class_facts_are_written_only_if_newer_than_the_stored_ones():
    data = {"class_id": "c1", "title": "茶艺", "seats": 26, "at": MONDAY_EARLY,
            "starts_at": MONDAY_EARLY + timedelta(days=2)}
    change, = changes("courses", "class_updated", data)
    assert change.newer.stamp == "facts_at" and change.newer.at == MONDAY_EARLY
    assert change.newer.fields["seats"] == 26
    assert change.update["$max"] == {"facts_at": MONDAY_EARLY}
    # The first write of a class takes the facts on insert.
    assert change.update["$setOnInsert"]["seats"] == 26


def test_an_offer_gains_a_seat_and_loses_the_place_at_the_same_moment():
    change, = changes("courses", "waitlist_offered",
                      {"class_id": "c1", "worker_id": "w1", "at": MONDAY_EARLY})
    assert change.update["$max"] == {"seat.w1": MONDAY_EARLY, "place_lost.w1": MONDAY_EARLY}


# ---- who holds a seat --------------------------------------------------------------------

def t(minutes):
    return MONDAY_EARLY + timedelta(minutes=minutes)


def test_the_latest_fact_about_a_worker_decides_whatever_the_arrival_order():
    doc = {"seat": {"w1": t(1), "w2": t(3)}, "seat_lost": {"w1": t(2), "w2": t(2)}}
    assert rules.holders(doc, rules.SEAT_FIELDS) == {"w2"}


def test_class_full_lists_everyone_at_its_time_and_later_facts_win():
    doc = {"seat": {"w1": t(1), "w4": t(6)}, "seat_lost": {"w2": t(6)},
           "full_at": t(5), "full_seats": ["w2", "w3"]}
    # w1 booked before the full list that omits them (released since);
    # w2 left after it; w3 only the list knows; w4 booked after it.
    assert rules.holders(doc, rules.SEAT_FIELDS) == {"w3", "w4"}


def test_class_full_wins_a_tie_with_a_release():
    doc = {"seat_lost": {"w1": t(5)}, "full_at": t(5), "full_seats": ["w1"]}
    assert rules.holders(doc, rules.SEAT_FIELDS) == {"w1"}


def test_seats_left_never_go_below_zero_and_are_unknown_without_seats():
    taken = {"seat": {"w1": t(1), "w2": t(1), "w3": t(1)}}
    assert rules.seats_value(dict(taken, seats=2))["seats_left"] == 0
    assert rules.seats_value(dict(taken, seats=5))["seats_left"] == 2
    assert rules.seats_value(taken)["seats_left"] is None
    assert rules.seats_value(dict(taken, seats=5, cancelled=True)) is None


# ---- deltas and snapshots ----------------------------------------------------------------

def test_a_delta_names_its_period_and_the_events_time_in_utc():
    doc = {"panel": "points_today", "period": "2026-03-09", "key": "awarded", "n": 15,
           "version": 3}
    local_time = MONDAY_EARLY.astimezone(timezone(timedelta(hours=8))).isoformat()
    assert rules.delta_of(doc, envelope(local_time)) == {
        "panel": "points_today", "key": "awarded", "period": "2026-03-09", "value": 15,
        "version": 3, "event_time": "2026-03-08T16:30:00+00:00"}


def test_hours_are_shown_without_float_noise():
    doc = {"panel": "volunteering_week", "n": 0.1 + 0.2}
    assert rules.value_of(doc) == 0.3


def test_a_station_visit_value_names_its_station_and_hour():
    hour = datetime(2026, 3, 8, 16, tzinfo=UTC)
    doc = {"panel": "station_visits", "station_id": "s1", "window_at": hour, "n": 4}
    assert rules.value_of(doc) == {"station_id": "s1", "hour": "2026-03-08T16:00:00+00:00",
                                   "visits": 4}


def test_a_snapshot_has_every_panel_and_each_ones_period():
    doc = {"panel": "quiz_by_district", "period": "2026-03-09", "key": "未知", "n": 2,
           "version": 2}
    snapshot = rules.snapshot_of(MONDAY_EARLY, [doc])
    assert set(snapshot["panels"]) == set(rules.PANELS)
    assert snapshot["panels"]["quiz_by_district"] == {"未知": {"value": 2, "version": 2}}
    assert snapshot["periods"]["volunteering_week"] == "2026-W11"
    assert snapshot["periods"]["points_today"] == "2026-03-09"
    assert snapshot["periods"]["class_seats"] is None
    assert snapshot["at"] == "2026-03-08T16:30:00+00:00"


def test_the_visit_window_counts_the_current_hour_as_one():
    assert rules.visits_since(MONDAY_EARLY, 6) == datetime(2026, 3, 8, 11, tzinfo=UTC)
