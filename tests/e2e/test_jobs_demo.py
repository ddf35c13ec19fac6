"""The demo's 驿路共富 (scripts/demo_jobs.py) loads through the public API,
twice without duplicates: five verified employers, each with an account of
its own, their postings live but the one asking for a deposit, which waits
for staff review; a worker finds 快递员 by its pinyin initials."""
from scripts import demo_jobs
from scripts.demo import EMPLOYER_PASSWORD, all_items, load_jobs, log_in


def test_the_demo_jobs_load_once_and_the_deposit_waits_for_review(api, system, staff,
                                                                  new_worker):
    load_jobs(system.url, staff)
    load_jobs(system.url, staff)  # every `make run` loads it again

    for employer in demo_jobs.EMPLOYERS:
        headers = log_in(system.url, employer["contact"]["phone"], EMPLOYER_PASSWORD)
        company = api.get("/api/v1/employers/mine", headers=headers).json()
        assert company["status"] == "verified" and company["name"] == employer["name"]
        titles = sorted(job["title"] for job in all_items(system.url, headers,
                                                          "/api/v1/jobs/mine"))
        assert titles == sorted(p["title"] for p in demo_jobs.POSTINGS
                                if p["employer"] == employer["name"])
    held = api.get("/api/v1/jobs/review", headers=staff).json()["items"]
    assert [job["fee_words"] for job in held if job["employer"]["name"] in
            {e["name"] for e in demo_jobs.EMPLOYERS}] == [["押金"]]
    found = api.get("/api/v1/jobs", headers=new_worker().headers, params={"q": "kdy"}).json()
    assert found["total"] > 0 and {job["job_id"] for job in found["items"]}.isdisjoint(
        job["job_id"] for job in held)
