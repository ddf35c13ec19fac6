"""The demo's employers and postings (scripts/demo_jobs.py) are ones the jobs
rules accept: credit codes that pass, known districts, skills, occupations,
shifts, pay units and settlements, sane pay, places among the same town's
demo stations, and exactly one posting held back for asking a deposit."""
import pytest

from scripts.demo_jobs import DELIVERY, EMPLOYERS, POSTINGS
from scripts.demo_stations import STATIONS
from services.jobs import schemas as words
from services.jobs.rules import fee_words_in
from shared.credit_codes import credit_code_problem
from shared.coordinates import distance_m
from shared.domain import DISTRICTS, MOBILE_PATTERN, OCCUPATIONS
from shared.positions import GCJ02

# A place shown in a town sits near that town's stations on the map.
NEAR_STATIONS_M = 3_000
NAMES = {employer["name"] for employer in EMPLOYERS}
EVERY_EMPLOYER = [pytest.param(employer, id=employer["name"]) for employer in EMPLOYERS]
EVERY_POSTING = [pytest.param(posting, id=posting["title"]) for posting in POSTINGS]
KINDS_OF_EMPLOYER = ("物流", "外卖", "超市", "家政", "紧固件")
# Pay a worker in Haiyan would recognise as real, per unit, in fen.
PAY_RANGES = {"order": (400, 1000), "piece": (20, 10_000), "hour": (2400, 3500),
              "day": (15_000, 25_000), "month": (500_000, 900_000)}


def near_a_station_of(district, position):
    here = (position["lat"], position["lng"])
    return min(distance_m(here, (s["position"]["lat"], s["position"]["lng"]))
               for s in STATIONS if s["district"] == district) <= NEAR_STATIONS_M


def test_five_employers_one_of_each_kind():
    assert len(EMPLOYERS) == len(NAMES) == 5
    for kind in KINDS_OF_EMPLOYER:
        assert sum(kind in name for name in NAMES) == 1, kind


def test_about_thirty_postings_in_every_street_and_town():
    assert 28 <= len(POSTINGS) <= 32
    assert {posting["place"]["district"] for posting in POSTINGS} == set(DISTRICTS)
    assert {posting["employer"] for posting in POSTINGS} == NAMES


@pytest.mark.parametrize("employer", EVERY_EMPLOYER)
def test_each_employer(employer):
    assert credit_code_problem(employer["credit_code"]) is None
    assert employer["credit_code"][2:8] == "330424"  # registered in Haiyan
    assert employer["credit_code"][:2] == "91"        # 工商 (market regulation), enterprise
    assert employer["district"] in DISTRICTS
    assert employer["address"].startswith("海盐县" + employer["district"])
    assert employer["name"].startswith("海盐") and employer["name"].endswith("有限公司")
    assert MOBILE_PATTERN.match(employer["contact"]["phone"])
    assert 2 <= len(employer["contact"]["name"]) <= 20
    assert employer["position"]["system"] == GCJ02
    assert near_a_station_of(employer["district"], employer["position"])


def test_credit_codes_and_phones_are_distinct():
    assert len({e["credit_code"] for e in EMPLOYERS}) == len(EMPLOYERS)
    assert len({e["contact"]["phone"] for e in EMPLOYERS}) == len(EMPLOYERS)


def test_credit_codes_are_made_up_not_borrowed():
    """The body "YLGF…" is not the form of issued codes, so no real company's."""
    assert all(e["credit_code"][8:12] == "YLGF" for e in EMPLOYERS)


def test_exactly_one_posting_asks_for_a_deposit():
    held = [(p["title"], fee_words_in(p["title"], p["description"])) for p in POSTINGS]
    held = [(title, found) for title, found in held if found]
    assert held == [("外卖骑手(沈荡站·可配车)", ["押金"])]


@pytest.mark.parametrize("posting", EVERY_POSTING)
def test_each_posting_uses_the_vocabulary(posting):
    assert posting["employer"] in NAMES
    assert 2 <= len(posting["title"]) <= 40
    assert 10 <= len(posting["description"]) <= 2000
    assert set(posting["skills"]) <= set(words.SKILLS)
    assert len(posting["skills"]) == len(set(posting["skills"]))
    assert posting["occupations"] and set(posting["occupations"]) <= set(OCCUPATIONS)
    assert len(posting["occupations"]) == len(set(posting["occupations"]))
    assert posting["shift"] in words.SHIFTS
    assert posting["pay"]["unit"] in words.PAY_UNITS
    assert posting["pay"]["settlement"] in words.SETTLEMENTS
    assert 1 <= posting["headcount"] <= 20
    assert 1 <= posting["closes_in_days"] <= 180


@pytest.mark.parametrize("posting", EVERY_POSTING)
def test_pay_is_a_range_of_real_money(posting):
    pay = posting["pay"]
    assert isinstance(pay["min_fen"], int) and isinstance(pay["max_fen"], int)
    assert 0 < pay["min_fen"] <= pay["max_fen"]
    low, high = PAY_RANGES[pay["unit"]]
    assert low <= pay["min_fen"] and pay["max_fen"] <= high


@pytest.mark.parametrize("posting", EVERY_POSTING)
def test_each_place_is_in_its_town(posting):
    place = posting["place"]
    assert place["district"] in DISTRICTS
    assert place["address"].startswith("海盐县" + place["district"])
    assert place["position"]["system"] == GCJ02
    for value in (place["position"]["lat"], place["position"]["lng"]):
        assert round(value, 6) == value
    assert near_a_station_of(place["district"], place["position"])


def test_titles_are_unique():
    titles = [posting["title"] for posting in POSTINGS]
    assert len(titles) == len(set(titles))


def test_riders_are_paid_per_order_and_every_pay_term_is_shown():
    riders = [p for p in POSTINGS if p["employer"] == DELIVERY and "骑手" in p["title"]]
    assert len(riders) >= 5 and all(p["pay"]["unit"] == "order" for p in riders)
    assert {p["pay"]["settlement"] for p in POSTINGS} == set(words.SETTLEMENTS)
    assert {p["shift"] for p in POSTINGS} == set(words.SHIFTS)
    assert {p["pay"]["unit"] for p in POSTINGS} == set(words.PAY_UNITS)
