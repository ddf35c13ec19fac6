"""insight's pure rules: what an event tells of a worker (facts.py), what
the tag operators mean (tags.py), segments as filters (segments.py), the
rule and push schemas, and that nothing of insight reaches departments.
(That each operator's MongoDB filter and Python test agree on the real
database: tests/integration/test_insight_model.py.)"""
from datetime import datetime, timedelta, timezone

import pytest
from marshmallow import ValidationError

from services.insight import facts
from services.insight.schemas import FACTS, OPS, PushRequest, TagRuleRequest
from services.insight.segments import audience_query, segment_query
from services.insight.service import InsightService
from services.insight.live_folder import LiveFolder
from services.insight.tags import DEFAULT_RULES, OPERATORS, rule_holds, tags_of
from shared.errors import NotFound
from shared.event_schemas import EVENT_SCHEMAS
from shared.outbox import EventSource
from shared.topology import archive_queue

NOW = datetime(2026, 12, 6, 9, 30, tzinfo=timezone.utc)
CHINA = timezone(timedelta(hours=8))
RULES = {rule["tag"]: rule for rule in DEFAULT_RULES}


def china(hour, minute=0):
    return datetime(2026, 12, 5, hour, minute, tzinfo=CHINA).astimezone(timezone.utc)


# ---- facts from events ------------------------------------------------------------------

@pytest.mark.parametrize("hour, minute, night", [
    (21, 59, False), (22, 0, True), (23, 30, True), (0, 0, True), (5, 59, True),
    (6, 0, False), (12, 0, False)])
def test_night_is_22_to_6_china_time_whatever_utc_says(hour, minute, night):
    change = facts.station_visited({"worker_id": "w1", "visited_at": china(hour, minute)})
    assert ("night_station_visits" in change.inc) is night
    assert ("last_night_visit_at" in change.max) is night
    assert change.inc["visits_by_hour.{:02d}".format(hour)] == 1


def test_a_first_write_never_sets_a_field_twice():
    """$setOnInsert beside $inc/$max/$set of the same field is refused by MongoDB."""
    for change in (facts.station_visited({"worker_id": "w1", "visited_at": china(23)}),
                   facts.membership_approved({"worker_id": "w1", "approved_at": NOW}),
                   facts.volunteer_hours_confirmed({"worker_id": "w1", "hours": 2.5,
                                                    "confirmed_at": NOW})):
        update = facts.update_of(change)
        written = [field for op in ("$inc", "$max", "$set") for field in update.get(op, {})]
        on_insert = update["$setOnInsert"]
        assert not [field for field in written
                    if field in on_insert or field.split(".")[0] in on_insert]
        assert on_insert["personalised_pushes"] is True


@pytest.mark.parametrize("status, counter", [
    ("hired", "applications_hired"), ("rejected", "applications_rejected"),
    ("no_reply", "applications_unanswered"), ("viewed", None), ("withdrawn", None)])
def test_application_outcomes_are_counted(status, counter):
    change = facts.change_of("jobs", "application_status_changed",
                             {"worker_id": "w1", "status": status, "at": NOW})
    assert (change and list(change.inc)) == ([counter] if counter else None)


def test_events_only_the_live_counters_read_change_no_picture():
    assert facts.change_of("courses", "class_published", {"class_id": "c1"}) is None


# ---- tags ----------------------------------------------------------------------------

def profile(**fields):
    return dict(facts.new_profile(), _id="w1", **fields)


def test_a_night_rider_needs_three_night_visits_and_one_lately():
    recent = profile(night_station_visits=3, last_night_visit_at=NOW - timedelta(days=29))
    stale = profile(night_station_visits=3, last_night_visit_at=NOW - timedelta(days=31))
    few = profile(night_station_visits=2, last_night_visit_at=NOW)
    assert [rule_holds(RULES["night_rider"], p, NOW) for p in (recent, stale, few)] == [
        True, False, False]


def test_never_and_long_ago_are_both_not_within_days():
    rule = {"conditions": [{"fact": "last_station_visit_at", "op": "not_within_days",
                            "value": 60}]}
    assert rule_holds(rule, profile(), NOW)  # never
    assert rule_holds(rule, profile(last_station_visit_at=NOW - timedelta(days=61)), NOW)
    assert not rule_holds(rule, profile(last_station_visit_at=NOW - timedelta(days=59)), NOW)


def test_a_count_a_profile_lacks_is_zero_on_both_sides():
    assert OPERATORS["eq"].holds(None, 0, NOW)
    assert OPERATORS["eq"].query("classes_attended", 0, NOW) == {
        "$or": [{"classes_attended": {"$eq": 0}}, {"classes_attended": None}]}
    assert OPERATORS["gte"].query("classes_attended", 1, NOW) == {
        "classes_attended": {"$gte": 1}}


def test_a_new_worker_is_tagged_as_never_attended_only():
    assert [rule["tag"] for rule in tags_of(profile(), DEFAULT_RULES, NOW)] == [
        "never_attended"]


def test_every_operator_and_every_default_rule_is_in_the_published_vocabulary():
    assert set(OPERATORS) == set(OPS)
    for rule in DEFAULT_RULES:
        TagRuleRequest().load({key: rule[key] for key in ("label", "description",
                                                          "conditions")})


@pytest.mark.parametrize("condition, field, words", [
    ({"fact": "height", "op": "gte", "value": 1}, "fact", "未知的事实"),
    ({"fact": "lessons_read", "op": "near", "value": 1}, "op", "未知的比较方式"),
    ({"fact": "lessons_read", "op": "within_days", "value": 3}, "op", "不能用于"),
    ({"fact": "last_lesson_at", "op": "gte", "value": 3}, "op", "不能用于"),
    ({"fact": "last_lesson_at", "op": "within_days", "value": 0}, "value", "天数"),
])
def test_a_condition_that_cannot_be_evaluated_is_refused_in_chinese(condition, field, words):
    with pytest.raises(ValidationError) as refused:
        TagRuleRequest().load({"label": "标签", "conditions": [condition]})
    assert words in str(refused.value.messages["conditions"][0][field])


def test_the_facts_list_is_complete_for_the_facts_events_write():
    written = set()
    for make, data in ((facts.station_visited, {"worker_id": "w", "visited_at": china(23)}),
                       (facts.seat_booked, {"worker_id": "w", "at": NOW}),
                       (facts.class_attended, {"worker_id": "w", "attended_at": NOW}),
                       (facts.lesson_completed, {"worker_id": "w", "completed_at": NOW}),
                       (facts.quiz_passed, {"worker_id": "w", "passed_at": NOW}),
                       (facts.application_submitted, {"worker_id": "w", "at": NOW})):
        change = make(data)
        written |= {f for f in list(change.inc) + list(change.max) if "." not in f}
    assert written <= set(FACTS)


# ---- segments -------------------------------------------------------------------------

def test_filters_become_one_query_and_the_audience_leaves_the_opted_out_out():
    query = segment_query({"district": "武原街道", "member": False, "tags": ["never_attended"]},
                          RULES, NOW)
    assert query["district"] == "武原街道" and query["member"] == {"$ne": True}
    assert len(query["$and"]) == 1
    assert segment_query({}, RULES, NOW) == {}
    assert audience_query({}, RULES, NOW) == {"personalised_pushes": {"$ne": False}}
    with pytest.raises(NotFound):
        segment_query({"tags": ["no_such"]}, RULES, NOW)


# ---- pushes ---------------------------------------------------------------------------

PUSH = {"filters": {}, "kind": "notice", "title": "通知", "body": "内容"}


@pytest.mark.parametrize("link, accepted", [
    ("https://www.hy.gov.cn/a?b=1", True), ("/classes/c1", True), ("/", True),
    ("http://www.hy.gov.cn/", False), ("//evil.example.com/", False),
    ("/\\evil.example.com", False), ("javascript:alert(1)", False), ("classes/c1", False)])
def test_a_link_is_https_or_a_path_in_the_app(link, accepted):
    try:
        PushRequest().load(dict(PUSH, link=link))
        assert accepted
    except ValidationError as refused:
        assert not accepted and "link" in refused.messages


@pytest.mark.parametrize("fields, field", [
    ({"kind": "job"}, "target_id"), ({"target_id": "x"}, "target_id"),
    ({"segment_id": "s1"}, "segment_id"), ({"filters": None}, "segment_id")])
def test_a_push_names_one_audience_and_a_target_where_its_kind_needs_one(fields, field):
    with pytest.raises(ValidationError) as refused:
        PushRequest().load(dict(PUSH, **fields))
    assert field in refused.value.messages


# ---- nothing of insight reaches departments ------------------------------------------

def test_insight_publishes_no_domain_events_and_the_archive_does_not_take_its_messages():
    assert not [source for source, _ in EVENT_SCHEMAS if source == "insight"]
    bound = {b.exchange.name for b in archive_queue().bindings}
    assert "insight.events" not in bound and "insight.live" not in bound
    assert not issubclass(InsightService, EventSource)  # no outbox relay
    assert isinstance(InsightService.relay, LiveFolder)
