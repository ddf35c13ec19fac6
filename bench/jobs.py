"""The job search (驿路共富) by keyword and distance through the gateway over
N open postings (10,000), as calls/s and p99 against the gateway's no-op
round trip (GET /api/v1/ping) measured side by side: each repeat runs both,
back to back, at each concurrency. Target: at least 0.5x the calls/s.

Set-up (not timed as a figure; its time is reported): a few employer
accounts (bench/job_postings.py), each registered, given the employer role
by staff, signed in again (the role is in tokens issued after the grant),
its company registered and verified by staff; then N postings through the
gateway, shared among them, at random over Haiyan county. A rerun reuses
what each employer has posted. Each call searches for one of KEYWORDS, half
Chinese words and half pinyin initials as workers type them, nearest first
from a random position in the county, in WGS-84 as a phone reports it.

Settings: BENCH_JOBS (N, 10000), BENCH_JOBS_CONCURRENCIES ("1,16"), and the
shared BENCH_DURATION, BENCH_WARMUP, BENCH_REPEATS.
"""
import random
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlencode

from bench import job_postings, rush_setup, side_by_side
from bench.county import random_point

NAME = "jobs"
SEARCH = "search"
JOBS_PATH, MINE_PATH = "/api/v1/jobs", "/api/v1/jobs/mine"
# Each finds a share of the postings (checked against their terms): a
# search that finds nothing would measure only the request.
KEYWORDS = ("快递", "骑手", "司机", "分拣", "保洁", "仓库", "叉车", "外卖", "护理", "电工",
            "kdy", "wmqs", "sj", "fjy", "bjy", "hcsj", "wyc", "ccg", "zjy", "djsj")
# Access tokens live 15 minutes by default and seeding may take longer:
# an account logs in again well before.
TOKEN_RENEW_SECONDS = 600
JOBS = 10000  # BENCH_JOBS


class Account:
    """A signed-in account whose token is renewed as it ages (thread-safe)."""

    def __init__(self, url, phone):
        self.url, self.phone = url, phone
        self.lock = threading.Lock()
        self._token, self._at = None, None

    def token(self):
        with self.lock:
            if self._at is None or time.monotonic() - self._at > TOKEN_RENEW_SECONDS:
                http = rush_setup.Http(self.url)
                try:
                    self._token = rush_setup.log_in(http, self.phone)
                finally:
                    http.close()
                self._at = time.monotonic()
            return self._token


def employer_account(url, staff, index):
    """Company ``index``'s account, with the role and its company verified."""
    company = job_postings.employer(index)
    phone = company["contact"]["phone"]
    http = rush_setup.Http(url, timeout=60)
    try:
        status, body = http.call("POST", "/api/v1/auth/register", {
            "phone": phone, "password": rush_setup.PASSWORD,
            "name": company["contact"]["name"], "occupation": "other",
            "platform": company["name"][:20], "district": company["district"]})
        if status != 409:  # 409: registered by an earlier run
            rush_setup.expect(status, body, 201, "register an employer")
        worker = rush_setup.expect(*http.call(
            "GET", "/api/v1/workers?" + urlencode({"phone": phone}), token=staff.token()),
            200, "find an employer")
        rush_setup.expect(*http.call(  # granting a role held already changes nothing
            "PUT", "/api/v1/workers/{}/roles/employer".format(worker["id"]),
            token=staff.token()), 200, "grant the employer role")
        account = Account(url, phone)
        verified(http, staff, account.token(), company)
    finally:
        http.close()
    return account


def verified(http, staff, token, company):
    """The account's company, registered unless an earlier run did, and
    verified by staff."""
    status, body = http.call("GET", "/api/v1/employers/mine", token=token)
    if status == 404:
        body = rush_setup.expect(*http.call("POST", "/api/v1/employers", company, token=token),
                                 201, "register a company")
    else:
        rush_setup.expect(status, body, 200, "read my company")
    if body["status"] == "pending":
        rush_setup.expect(*http.call(
            "POST", "/api/v1/employers/{}/decision".format(body["employer_id"]),
            {"decision": "verified"}, token=staff.token()), 200, "verify a company")


def seed(url, staff, count, say):
    """Post until the employers have ``count`` postings between them."""
    accounts = [employer_account(url, staff, i) for i in range(len(job_postings.COMPANIES))]
    shares = [count // len(accounts) + (i < count % len(accounts)) for i in range(len(accounts))]
    now = datetime.now(timezone.utc)

    def missing():
        """(employer, n) of each posting an employer lacks, employers taking turns."""
        have = [side_by_side.total(url, MINE_PATH, account.token(), "list my postings")
                for account in accounts]
        return sorted(((index, n) for index, share in enumerate(shares)
                       for n in range(have[index], share)), key=lambda item: item[1])

    def post(http, item):
        index, n = item
        body = job_postings.posting(index, n, random.Random(index * 1_000_003 + n), now)
        side_by_side.create(http, JOBS_PATH, body, accounts[index].token(), "post a job")
    return side_by_side.seed(url, missing, post, count, "postings", say)


def search_path(rng):
    lat, lng = random_point(rng)
    return JOBS_PATH + "?" + urlencode({
        "q": rng.choice(KEYWORDS), "sort": "distance", "lat": lat, "lng": lng,
        "system": "wgs84", "per_page": 20})


def run(target, settings, baseline=None, progress=None):
    say = progress or (lambda text: None)
    own = side_by_side.CatalogSettings.from_env("BENCH_JOBS", JOBS)
    rush_setup.staff_token(target)  # the staff account exists
    staff = Account(target.url, rush_setup.STAFF_PHONE)
    seeded = seed(target.url, staff, own.size, say)
    subject = side_by_side.Subject(
        SEARCH, "keyword + distance (→ jobs)",
        "Job search by keyword, nearest first, over {:,} postings".format(own.size),
        {"jobs": own.size, "employers": len(job_postings.COMPANIES)}, own.concurrencies)
    factories = side_by_side.client_factories(target, SEARCH, staff.token(), search_path)
    return side_by_side.measure(subject, factories, settings, seeded, say)
