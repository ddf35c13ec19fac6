"""Tags and segments: the database and Python agree. Each operator is one
definition with its MongoDB filter beside its Python test (services/insight/
tags.py); here generated profiles (counts missing, zero or not, times
missing, old or recent) are stored in the embedded MongoDB, and for
generated conditions, rules and segments the count the database gives must
be exactly the profiles Python says match."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from services.insight.schemas import COUNT, FACTS, OPS
from services.insight.segments import segment_query
from services.insight.storage import InsightStore
from services.insight.tags import condition_holds, condition_query, rule_holds, tags_of
from shared.domain import DISTRICTS

NOW = datetime(2026, 12, 6, 9, 30, tzinfo=timezone.utc)
COUNT_FACTS = [fact for fact, (kind, _) in FACTS.items() if kind == COUNT]
TIME_FACTS = [fact for fact, (kind, _) in FACTS.items() if kind != COUNT]
# The database is emptied for each example (stored), so one per test will do.
RUNS = settings(max_examples=25, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

# A count is missing, 0 or small (so eq/lte/gte meet it); a time is missing,
# None, or some days around the cut-offs used.
counts = st.one_of(st.none(), st.integers(0, 4), st.sampled_from([2.5, 20.0]))
times = st.one_of(st.none(), st.integers(0, 40).map(
    lambda days: NOW - timedelta(days=days, minutes=1)))


@st.composite
def profiles(draw):
    profile = {"district": draw(st.sampled_from(DISTRICTS[:2])),
               "member": draw(st.booleans())}
    for fact in COUNT_FACTS:
        value = draw(counts)
        if value is not None:  # None: the profile does not have the count
            profile[fact] = value
    for fact in TIME_FACTS:
        value = draw(st.one_of(st.just("missing"), times))
        if value != "missing":
            profile[fact] = value
    return profile


@st.composite
def conditions(draw):
    op = draw(st.sampled_from(sorted(OPS)))
    kind = OPS[op][0]
    fact = draw(st.sampled_from(COUNT_FACTS if kind == COUNT else TIME_FACTS))
    value = draw(st.integers(0, 4) if kind == COUNT else st.sampled_from([1, 7, 14, 30]))
    return {"fact": fact, "op": op, "value": value}


rules = st.lists(conditions(), min_size=1, max_size=3).map(
    lambda items: {"tag": "t" + uuid.uuid4().hex[:8], "label": "t", "conditions": items})


@pytest.fixture
def profiles_db(mongo_client):
    name = "m{}_insight".format(uuid.uuid4().hex[:10])
    db = mongo_client[name]
    yield db
    mongo_client.drop_database(name)


def stored(db, generated):
    db.profiles.delete_many({})
    documents = [dict(profile, _id="w{}".format(n)) for n, profile in enumerate(generated)]
    db.profiles.insert_many(documents)
    return list(db.profiles.find())  # as the database gives them back (tz-aware times)


def ids_matching(db, query):
    return {doc["_id"] for doc in db.profiles.find(query, {"_id": 1})}


@RUNS
@given(generated=st.lists(profiles(), min_size=5, max_size=25),
       checked=st.lists(conditions(), min_size=5, max_size=10))
def test_every_operator_filters_what_its_python_test_accepts(profiles_db, generated, checked):
    back = stored(profiles_db, generated)
    for condition in checked:
        expected = {p["_id"] for p in back if condition_holds(condition, p, NOW)}
        assert ids_matching(profiles_db, condition_query(condition, NOW)) == expected, condition


@RUNS
@given(generated=st.lists(profiles(), min_size=5, max_size=25),
       defined=st.lists(rules, min_size=1, max_size=4), member=st.sampled_from([None, True,
                                                                                   False]))
def test_a_segment_counted_by_the_database_is_the_workers_whose_tags_include_its_tags(
        profiles_db, generated, defined, member):
    back = stored(profiles_db, generated)
    by_tag = {rule["tag"]: rule for rule in defined}
    filters = {"district": DISTRICTS[0], "member": member,
               "tags": [rule["tag"] for rule in defined[:2]]}
    expected = {p["_id"] for p in back
                if p["district"] == DISTRICTS[0]
                and (member is None or bool(p["member"]) == member)
                and {r["tag"] for r in defined[:2]}
                <= {r["tag"] for r in tags_of(p, defined, NOW)}}
    query = segment_query(filters, by_tag, NOW)
    assert profiles_db.profiles.count_documents(query) == len(expected)
    assert ids_matching(profiles_db, query) == expected
    for rule in defined:  # each tag on its own, too
        assert ids_matching(profiles_db, segment_query({"tags": [rule["tag"]]}, by_tag, NOW)) \
            == {p["_id"] for p in back if rule_holds(rule, p, NOW)}


def test_the_defaults_are_seeded_once_however_many_processes_start(mongo_client):
    name = "m{}_insight".format(uuid.uuid4().hex[:10])
    try:
        for _ in range(2):
            InsightStore.prepare(mongo_client[name])
        store = InsightStore(mongo_client[name])
        seeded = store.tag_rules()
        assert "night_rider" in {rule["tag"] for rule in seeded}
        store.delete_rule("night_rider")
        InsightStore.prepare(mongo_client[name])  # a restart
        assert "night_rider" not in {rule["tag"] for rule in store.tag_rules()}
        assert len(store.tag_rules()) == len(seeded) - 1
    finally:
        mongo_client.drop_database(name)
