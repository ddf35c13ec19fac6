"""The demo's 志愿先锋 activities (scripts/demo_volunteering.py) load through
the public API, twice without duplicates: the dozen to come at the demo
stations, and the past ones with the demo rider's hours recorded and
confirmed, so 赵凯锋 sees his hours and a certificate that verifies.

The loader runs as a staff account of its own, as `make run`'s does: the
e2e tier's shared staff account also organizes what other tests publish
(schemathesis publishes the schema's example title, 清凉驿站送水), and the
loader counts the activities its account organizes."""
import pytest

from scripts import demo, demo_volunteering
from scripts.demo import all_items, load_stations, load_volunteering
from tests.e2e.conftest import DB_PREFIX, bearer, make_staff
from tests.support.broker import wait_for


@pytest.fixture
def loader_staff(system, mongo_uri, log_in):
    account = make_staff(mongo_uri, DB_PREFIX)
    return bearer(log_in(account["phone"], account["password"]))


def test_the_demo_activities_load_once_with_the_riders_hours(api, system, loader_staff,
                                                             e2e_databases):
    staff = loader_staff
    for worker in demo.WORKERS:  # the demo's own accounts, as `make run` registers them
        api.post("/api/v1/auth/register", json=worker)
    ids = [api.get("/api/v1/workers", headers=staff, params={"phone": w["phone"]}).json()["id"]
           for w in demo.WORKERS]
    known = e2e_databases("volunteering").workers
    wait_for(lambda: known.count_documents({"_id": {"$in": ids}}) == len(ids),
             what="volunteering's copy of the demo workers")
    load_stations(system.url, staff)
    load_volunteering(system.url, staff)
    load_volunteering(system.url, staff)  # every `make run` loads it again

    mine = all_items(system.url, staff, "/api/v1/volunteer-activities", mine="true",
                     include_past="true")
    titles = [activity["title"] for activity in mine]
    demo_titles = [activity[0] for activity in demo_volunteering.COMING + demo_volunteering.DONE]
    for title in demo_titles:  # a title may be both to come and past
        assert titles.count(title) == demo_titles.count(title), title

    rider = demo.WORKERS[0]
    headers = demo.log_in(system.url, rider["phone"], rider["password"])
    served = sum(hours for activity in demo_volunteering.DONE
                 for phone, hours in activity[6] if phone == rider["phone"])
    record = api.get("/api/v1/me/volunteering", headers=headers).json()
    assert record["total_hours"] == served
    pdf = api.get("/api/v1/me/volunteering/certificate.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
