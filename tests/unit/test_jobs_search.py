"""jobs' in-memory index of open postings: keywords, filters, orders, the
closing date and paging, each order checked against brute force too."""
import random
from datetime import datetime, timedelta, timezone

import pytest

from services.jobs.search import JobIndex
from services.jobs.terms import posting_terms
from shared.coordinates import distance_m

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)
TOWN_HALL = (30.5236, 120.9421)  # 武原街道


def posting(posting_id, title, description="招聘启事，详情电话咨询。", *, at=TOWN_HALL,
            district="武原街道", occupations=("courier",), skills=(), shift="full_time",
            pay=("month", 600000, 800000), hours_ago=1, closes_in_days=30, employer="海盐某公司"):
    unit, min_fen, max_fen = pay
    return {
        "_id": posting_id, "employer_id": "e1", "employer_name": employer, "title": title,
        "description": description, "skills": list(skills), "occupations": list(occupations),
        "place": {"address": "海盐县", "district": district,
                  "positions": {"wgs84": {"lat": at[0], "lng": at[1]}}},
        "shift": shift, "headcount": 5, "hired": 0,
        "pay": {"unit": unit, "min_fen": min_fen, "max_fen": max_fen, "settlement": "monthly"},
        "posted_at": NOW - timedelta(hours=hours_ago),
        "closes_at": NOW + timedelta(days=closes_in_days), "status": "open",
        "terms": posting_terms(title, description, employer_name=employer), "seq": 1}


CATALOG = [
    posting("courier", "招聘快递员", at=(30.5300, 120.9421), hours_ago=1,
            pay=("piece", 150, 200), skills=("e_bike",)),
    posting("sorter", "快递分拣员", "仓库分拣打包工，夜班，包吃住。", at=(30.5500, 120.9421),
            hours_ago=2, shift="part_time", pay=("hour", 2000, 2500)),
    posting("rider", "外卖骑手", "美团外卖骑手，兼职全职均可，日结。", at=(30.5240, 120.9421),
            hours_ago=3, occupations=("food_delivery",), shift="gig", pay=("order", 600, 800),
            skills=("e_bike",)),
    posting("rider_qintang", "外卖骑手(秦山)", "饿了么专送，日结。", at=(30.4500, 120.9421),
            district="秦山街道", hours_ago=4, occupations=("food_delivery",), shift="gig",
            pay=("order", 700, 800)),
    posting("driver", "货车司机", "持A2驾照，五险一金。", at=(30.6000, 120.9421),
            district="西塘桥街道", hours_ago=5, occupations=("truck_driver",),
            pay=("month", 700000, 900000), employer="海盐顺达物流有限公司"),
    posting("cleaner", "家政保洁员", "上门保洁，需要有司机开车接送。", at=(30.5236, 120.9500),
            hours_ago=6, occupations=("domestic",), shift="part_time", pay=("hour", 3000, 4000)),
    posting("expired", "快递员急招", at=(30.5237, 120.9421), hours_ago=7, closes_in_days=-1),
    posting("closing_now", "快递员 今日截止", at=(30.5238, 120.9421), hours_ago=8,
            closes_in_days=0),
]


@pytest.fixture
def index():
    jobs = JobIndex()
    for each in CATALOG:
        jobs.add(each)
    return jobs


def search(index, now=NOW, page=1, per_page=50, **params):
    found, total = index.search(dict(params, page=page, per_page=per_page), now)
    return [each["_id"] for _, each in found], total


# (params, the postings found in this order, postings that must not be found).
# From TOWN_HALL: rider 44 m, courier 712 m, cleaner 757 m, sorter 2.9 km,
# rider_qintang 8.2 km, driver 8.5 km.
TABLE = [
    ({}, ["courier", "sorter", "rider", "rider_qintang", "driver", "cleaner"],
     {"expired", "closing_now"}),                                   # newest first, open only
    ({"q": "快递"}, ["courier", "sorter"], {"rider", "expired"}),    # 快递员 and 快递分拣员
    ({"q": "快递员"}, ["courier"], {"sorter"}),
    ({"q": "kdy"}, ["courier"], {"sorter"}),                          # pinyin initials
    ({"q": "kuaidiyuan"}, ["courier"], {"sorter"}),                   # full pinyin
    ({"q": "kd"}, ["courier", "sorter"], {"rider"}),
    ({"q": "分拣"}, ["sorter"], {"courier"}),
    ({"q": "打包"}, ["sorter"], {"courier"}),
    ({"q": "骑手 日结"}, ["rider", "rider_qintang"], {"courier"}),
    ({"q": "骑手 美团"}, ["rider"], {"rider_qintang"}),              # AND
    ({"q": "司机"}, ["driver", "cleaner"], {"courier"}),
    ({"q": "sj"}, ["driver"], {"cleaner"}),
    ({"q": "a2"}, ["driver"], {"courier"}),
    ({"q": "顺达"}, ["driver"], {"courier"}),
    ({"q": "程序员"}, [], {"courier"}),
    ({"q": "，的"}, ["courier", "sorter", "rider", "rider_qintang", "driver", "cleaner"],
     {"expired"}),                                                  # nothing to search by
    ({"district": "秦山街道"}, ["rider_qintang"], {"rider"}),
    ({"occupation": "food_delivery"}, ["rider", "rider_qintang"], {"courier"}),
    ({"skill": "e_bike"}, ["courier", "rider"], {"rider_qintang"}),
    ({"shift": "part_time"}, ["sorter", "cleaner"], {"courier"}),
    ({"q": "骑手", "district": "武原街道"}, ["rider"], {"rider_qintang"}),
    ({"pay_unit": "hour"}, ["sorter", "cleaner"], {"courier"}),
    ({"pay_unit": "hour", "min_pay_fen": 2500}, ["sorter", "cleaner"], {"courier"}),  # max 2500
    ({"pay_unit": "hour", "min_pay_fen": 2501}, ["cleaner"], {"sorter"}),
    ({"pay_unit": "order", "sort": "pay"}, ["rider_qintang", "rider"], {"courier"}),  # then min
    ({"pay_unit": "hour", "sort": "pay"}, ["cleaner", "sorter"], {"rider"}),
    ({"sort": "distance", "position": TOWN_HALL},
     ["rider", "courier", "cleaner", "sorter", "rider_qintang", "driver"], {"expired"}),
    ({"sort": "distance", "position": TOWN_HALL, "radius_m": 1000},
     ["rider", "courier", "cleaner"], {"sorter", "expired"}),
    ({"position": TOWN_HALL, "radius_m": 1000}, ["courier", "rider", "cleaner"], {"sorter"}),
    ({"q": "快递", "sort": "distance", "position": TOWN_HALL}, ["courier", "sorter"],
     {"expired"}),
]


@pytest.mark.parametrize("params, expected, must_not", TABLE,
                         ids=[str(row[0]) for row in TABLE])
def test_a_search_finds_what_it_should_in_order_and_no_more(index, params, expected, must_not):
    found, total = search(index, **params)
    assert found == expected
    assert total == len(expected)
    assert not set(found) & must_not


def test_a_posting_is_left_out_from_its_closing_time_on(index):
    assert "closing_now" in search(index, now=NOW - timedelta(microseconds=1), q="快递员")[0]
    assert "closing_now" not in search(index, now=NOW, q="快递员")[0]
    assert "courier" not in search(index, now=NOW + timedelta(days=30), q="快递员")[0]


def test_distances_come_with_a_position_and_only_with_one(index):
    found, _ = index.search({"q": "快递", "position": TOWN_HALL, "page": 1, "per_page": 5}, NOW)
    assert [round(distance) for distance, _ in found] == [
        round(distance_m(TOWN_HALL, (30.53, 120.9421))),
        round(distance_m(TOWN_HALL, (30.55, 120.9421)))]
    found, _ = index.search({"q": "快递", "page": 1, "per_page": 5}, NOW)
    assert [distance for distance, _ in found] == [None, None]


def test_pages_split_the_order_and_each_has_the_total(index):
    everything, _ = search(index)
    pages = [search(index, page=page, per_page=4) for page in (1, 2, 3)]
    assert [ids for ids, _ in pages] == [everything[:4], everything[4:], []]
    assert {total for _, total in pages} == {6}


def test_adding_again_replaces(index):
    index.add(posting("courier", "仓库管理员", at=(30.6, 121.0), hours_ago=100))
    assert search(index, q="快递员")[0] == []
    assert search(index, q="管理员")[0] == ["courier"]
    assert search(index)[0][-1] == "courier"
    assert len(index) == len(CATALOG)


def test_removing_forgets_a_posting_and_an_absent_one_is_no_error(index):
    index.remove("courier")
    index.remove("courier")
    assert search(index, q="快递")[0] == ["sorter"]
    assert "courier" not in search(index, sort="distance", position=TOWN_HALL)[0]
    assert "courier" not in search(index, pay_unit="piece", sort="pay")[0]
    assert len(index) == len(CATALOG) - 1


def test_only_open_postings_are_listed():
    assert JobIndex.lists(CATALOG[0])
    for status in ("pending_review", "closed", "taken_down", "rejected"):
        assert not JobIndex.lists(dict(CATALOG[0], status=status))


def test_an_emptied_index_finds_nothing(index):
    for each in CATALOG:
        index.remove(each["_id"])
    assert search(index) == ([], 0)
    assert search(index, sort="distance", position=TOWN_HALL, radius_m=500) == ([], 0)
    assert search(index, pay_unit="hour", sort="pay", min_pay_fen=1) == ([], 0)


# ---- every order against brute force, over many random postings ---------------------

WORDS = ["快递员", "外卖骑手", "货车司机", "保洁员", "分拣员", "网约车司机"]


def random_catalog(seed, count=400):
    rng = random.Random(seed)
    return [posting(f"p{n:04d}", rng.choice(WORDS),
                    at=(rng.uniform(30.40, 30.65), rng.uniform(120.75, 121.05)),
                    # whole hours: many ties on posted_at and on pay
                    hours_ago=rng.randrange(48), closes_in_days=rng.choice([-1, 0, 5, 30]),
                    pay=("hour", rng.choice([2000, 2500]), rng.choice([2500, 3000, 4000])))
            for n in range(count)]


@pytest.fixture(scope="module")
def many():
    catalog = random_catalog(seed=7)
    jobs = JobIndex()
    for each in catalog:
        jobs.add(each)
    return catalog, jobs


def brute_force(catalog, params):
    open_now = [p for p in catalog if p["closes_at"] > NOW
                and (not params.get("q") or params["q"] in p["title"])
                and p["pay"]["max_fen"] >= params.get("min_pay_fen", 0)]
    position = params.get("position")
    distance = {p["_id"]: distance_m(position, (p["place"]["positions"]["wgs84"]["lat"],
                                                p["place"]["positions"]["wgs84"]["lng"]))
                for p in open_now} if position else {}
    if "radius_m" in params:
        open_now = [p for p in open_now if distance[p["_id"]] <= params["radius_m"]]
    orders = {
        "distance": lambda p: (distance.get(p["_id"]), p["_id"]),
        "newest": lambda p: (-p["posted_at"].timestamp(), p["_id"]),
        "pay": lambda p: (-p["pay"]["max_fen"], -p["pay"]["min_fen"],
                          -p["posted_at"].timestamp(), p["_id"]),
    }
    return [p["_id"] for p in sorted(open_now, key=orders[params.get("sort", "newest")])]


def queries(seed, count=30):
    rng = random.Random(seed)
    for _ in range(count):
        params = {"sort": rng.choice(["distance", "newest", "pay"]),
                  "position": (rng.uniform(30.35, 30.70), rng.uniform(120.70, 121.10)),
                  "pay_unit": "hour"}
        if rng.random() < 0.5:
            params["q"] = rng.choice(WORDS)  # one word: a fifth of the postings or fewer
        if rng.random() < 0.3:
            params["radius_m"] = rng.choice([500, 3000, 10_000])
        if rng.random() < 0.3:
            params["min_pay_fen"] = rng.choice([2500, 3000, 4000])
        yield params


@pytest.mark.parametrize("per_page", [1, 7, 500])
def test_every_order_agrees_with_brute_force_page_by_page(many, per_page):
    catalog, jobs = many
    for params in queries(seed=per_page):
        expected = brute_force(catalog, params)
        for page in (1, 2, 3):
            found, total = search(jobs, page=page, per_page=per_page, **params)
            assert total == len(expected), params
            assert found == expected[(page - 1) * per_page:page * per_page], params


def test_distances_agree_with_brute_force(many):
    catalog, jobs = many
    positions = {p["_id"]: p["place"]["positions"]["wgs84"] for p in catalog}
    for params in queries(seed=99):
        found, _ = jobs.search(dict(params, page=1, per_page=20), NOW)
        for distance, each in found:
            where = positions[each["_id"]]
            assert distance == pytest.approx(distance_m(params["position"],
                                                        (where["lat"], where["lng"])))
