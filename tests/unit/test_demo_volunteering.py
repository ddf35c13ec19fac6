"""The demo's volunteer activities (scripts/demo_volunteering.py) are what the
volunteering API accepts: at demo stations, with known skills, shifts that
do not overlap, a dozen to come and past ones served by the demo workers."""
import pytest

from scripts import demo, demo_stations, demo_volunteering
from services.volunteering.schemas import ActivityCreateRequest
from shared.schemas import load

STATIONS = {station["name"]: "st-{}".format(n) for n, station in
            enumerate(demo_stations.STATIONS)}
EVERY = [pytest.param(activity[:6], id=activity[0]) for activity in demo_volunteering.COMING] \
    + [pytest.param(activity[:5] + ([activity[5]],), id=activity[0] + "(past)")
       for activity in demo_volunteering.DONE]


@pytest.mark.parametrize("activity", EVERY)
def test_each_activity_is_one_the_api_accepts(activity):
    title, description, station, venue, skills, shifts = activity
    assert station is None or station in STATIONS
    body = demo.activity_body(title, description, station, venue, skills,
                              [demo.shift_body(*shift) for shift in shifts], STATIONS)
    loaded = load(ActivityCreateRequest, body)
    assert loaded["title"] == title and len(loaded["shifts"]) == len(shifts)


def test_a_dozen_to_come_and_past_hours_for_the_demo_workers():
    assert len(demo_volunteering.COMING) >= 12
    assert all(shift[0] > 0 for activity in demo_volunteering.COMING for shift in activity[5])
    assert all(activity[5][0] < 0 for activity in demo_volunteering.DONE)
    phones = {worker["phone"] for worker in demo.WORKERS}
    served = [phone for activity in demo_volunteering.DONE for phone, _ in activity[6]]
    assert set(served) <= phones and demo_volunteering.RIDER in served


def test_times_are_china_time():
    starts = demo.china_at(3, 6, 30)
    assert (starts.hour, starts.minute, starts.utcoffset().total_seconds()) == (6, 30, 28800)
