"""The search's answers are built without marshmallow (views.search_answer,
for speed): they must be exactly what the response schema dumps."""
from datetime import datetime, timezone

from services.jobs import schemas, views
from shared import positions
from shared.schemas import dump

POSTED = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)
POSTING = {
    "_id": "j1", "employer_id": "c1", "employer_name": "海盐驿通物流有限公司",
    "title": "快递员(武原网点)", "description": "负责武原城区快递派送," * 10,
    "skills": ["ebike"], "occupations": ["courier"], "shift": "full_time",
    "headcount": 3, "hired": 1, "status": "open", "terms": ["快递"], "seq": 7,
    "pay": {"unit": "piece", "min_fen": 120, "max_fen": 150, "settlement": "monthly"},
    "place": {"address": "海盐县武原街道新桥北路150号", "district": "武原街道",
              "positions": {system: {"lat": 30.5 + n / 1000, "lng": 120.9 + n / 1000}
                            for n, system in enumerate(positions.COORDINATE_SYSTEMS)}},
    "posted_at": POSTED, "closes_at": datetime(2027, 1, 1, 0, 0, tzinfo=timezone.utc),
}


def test_a_page_of_the_search_is_what_the_schema_dumps_in_every_system():
    for system in positions.COORDINATE_SYSTEMS:
        params = {"page": 2, "per_page": 20, "system": system, "q": "快递"}
        found = [(812.25, POSTING), (None, dict(POSTING, _id="j2", hired=0))]
        expected = dump(schemas.SearchPage, dict(params, total=41, items=[
            views.posting(doc, system, distance) for distance, doc in found]))
        assert views.search_answer(params, found, 41) == expected
    assert expected["items"][0]["pay"]["text"] == "每件 1.2–1.5 元,月结"
    assert len(expected["items"][0]["excerpt"]) == views.EXCERPT_CHARS
