"""Demo data for `make run`, loaded through the public API like a real client,
then a banner with where to go and whom to log in as.

Safe to run on every start: an account that exists already is left as it is,
and so is every class, rule, reward, lesson, question or quiz already there.
So each step may simply be run again: while the system answers that it is not
ready (no connection, 502-504, the database not reachable), it is, with a
growing pause, for at most LOAD_RETRY_SECONDS. A step that still fails, or is
refused, ends the loader with one clear line and a non-zero exit; supervisord
reports that and the system keeps running (scripts/run.py).
"""
import sys
import time
from datetime import datetime, timedelta, timezone

import requests
from pymongo.errors import ConnectionFailure

from scripts import demo_jobs, demo_learning, demo_stations, demo_volunteering
from scripts.staff import ensure_staff
from shared.config import setting
from shared.domain import CHINA_TZ

STAFF = {"phone": "13800000001", "password": "Hongyi2026staff", "name": "海盐县总工会 王老师"}
WORKERS = (
    {"phone": "13800000002", "password": "Hongyi2026", "name": "赵凯锋",
     "occupation": "food_delivery", "platform": "饿了么", "district": "武原街道"},
    {"phone": "13800000003", "password": "Hongyi2026", "name": "林家浩",
     "occupation": "courier", "platform": "申通快递", "district": "秦山街道"},
    {"phone": "13800000004", "password": "Hongyi2026", "name": "濮岳良",
     "occupation": "courier", "platform": "中通快递", "district": "沈荡镇"},
)
# 林家浩 is a union member already; 濮岳良 has applied and waits for review.
APPROVED, PENDING = "13800000003", "13800000004"
READY_TIMEOUT_SECONDS = 120
# Long enough for a service restarted by supervisord (its backoff) or the
# embedded database restarting; short enough that a broken system is reported.
LOAD_RETRY_SECONDS = 120
LONGEST_PAUSE_SECONDS = 5
NOT_READY_STATUSES = (502, 503, 504)
# 盐工学堂 classes, as the union announces them: (title, category, teacher, venue,
# days until it starts, hours long, seats, minutes until booking opens, members only)
CLASSES = (
    ("职工茶艺公益培训班", "tea_art", "沈老师", "海盐县武原街道 嘉里红驿·海盐武原城市红色驿站",
     7, 2, 26, 2, False),
    ("职工制香研学公益培训班", "incense", "朱老师", "海盐县秦山街道 海盐智慧城户外劳动者红色驿站",
     9, 3, 20, 0, False),
    ("法律小讲堂:劳动合同与工伤认定", "law", "县总工会法律援助律师",
     "海盐县总工会 职工服务中心", 5, 1.5, 60, 0, False),
    ("健身操跟练", "fitness", "金教练", "海盐县武原街道 职工文体中心", 3, 1, 30, 0, True),
    ("美食同分享:家常菜", "cooking", "王师傅", "海盐县沈荡镇 职工之家", 12, 2, 16, 0, False),
)

# 积分 earning rules the union starts with (staff edit them with
# PUT /api/v1/points/rules): a quiz counts once, a class once, volunteer hours
# per hour, station check-ins a few points a day; station points expire after
# a year, so a balance reflects recent involvement.
POINT_RULES = (
    {"code": "quiz_passed", "label": "红色知识答题", "points": 10, "first_only": True},
    {"code": "lesson_completed", "label": "星火课堂", "points": 5, "first_only": True,
     "daily_cap": 20},
    {"code": "class_attended", "label": "盐工学堂", "points": 20, "first_only": True},
    {"code": "volunteer_hours_confirmed", "label": "志愿服务", "points": 10, "unit": "hour",
     "daily_cap": 80},
    {"code": "station_visited", "label": "驿站打卡", "points": 2, "daily_cap": 6,
     "expire_days": 365},
)
# (name, description, cost, stock)
REWARDS = (
    ("红驿定制保温杯", "海盐县总工会定制 500ml 保温杯,到武原城市红色驿站领取", 200, 50),
    ("电动车头盔", "3C 认证骑行头盔,外卖、快递小哥出行更安全", 500, 20),
    ("职工体检套餐", "县职工服务中心合作医院基础体检一次", 1200, 10),
)


def base_url():
    return "http://127.0.0.1:{}".format(setting("PORT"))


def wait_until_healthy(url):
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/health", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit("demo: the system did not become healthy within {} s".format(
        READY_TIMEOUT_SECONDS))


def checked(answer):
    """The answer, or requests.HTTPError naming the call and the API's error."""
    if answer.status_code >= 400:
        request = answer.request
        raise requests.HTTPError("{} {} answered {} {}".format(
            request.method, request.path_url, answer.status_code, answer.text[:200].strip()),
            response=answer)
    return answer


def call(method, url, **kwargs):
    return checked(requests.request(method, url, timeout=15, **kwargs))


def log_in(url, phone, password):
    answer = call("POST", url + "/api/v1/auth/login",
                  json={"phone": phone, "password": password})
    return {"Authorization": "Bearer " + answer.json()["access_token"]}


def staff_session(url):
    return log_in(url, STAFF["phone"], STAFF["password"])


def not_ready(err):
    """The system is starting or restarting a part, rather than refusing."""
    if isinstance(err, requests.HTTPError):
        return err.response is not None and err.response.status_code in NOT_READY_STATUSES
    return isinstance(err, (requests.ConnectionError, requests.Timeout, ConnectionFailure))


class LoadFailed(Exception):
    pass


def retrying(what, step):
    """step(), again after a growing pause while the system is not ready."""
    deadline = time.monotonic() + LOAD_RETRY_SECONDS
    pause = 0.5
    while True:
        try:
            return step()
        except Exception as err:
            if not not_ready(err) or time.monotonic() + pause > deadline:
                raise LoadFailed("{}: {}".format(what, err)) from err
            print("demo: {} not ready ({}), again in {:.1f} s".format(what, err, pause),
                  flush=True)
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)


def load(url):
    retrying("the staff account",
             lambda: ensure_staff(STAFF["phone"], STAFF["password"], STAFF["name"]))
    for worker in WORKERS:
        retrying("the worker " + worker["phone"], lambda: load_worker(url, worker))
    for what, step in (("the classes", load_classes),
                       ("the points rules and rewards", load_points),
                       ("the lessons and quizzes", load_learning),
                       ("the stations", load_stations),
                       ("the volunteer activities", load_volunteering),
                       ("the employers and their jobs", load_jobs)):
        retrying(what, lambda: step(url, staff_session(url)))


def load_worker(url, worker):
    """Registered; 林家浩 a member, 濮岳良 with an application waiting. Done from
    the worker's state, so a second run finishes what a failed one began."""
    answer = requests.post(url + "/api/v1/auth/register", json=worker, timeout=15)
    if answer.status_code != 409:  # 409: registered by an earlier run
        checked(answer)
    if worker["phone"] not in (APPROVED, PENDING):
        return
    headers = log_in(url, worker["phone"], worker["password"])
    membership = call("GET", url + "/api/v1/me", headers=headers).json()["membership"]
    if membership["status"] == "none":
        membership = {"status": "pending", "application_id": call(
            "POST", url + "/api/v1/membership/applications",
            json={"employer": worker["platform"]}, headers=headers).json()["id"]}
    if worker["phone"] == APPROVED and membership["status"] == "pending":
        call("POST", url + "/api/v1/membership/applications/{}/approve".format(
            membership["application_id"]), headers=staff_session(url))


def iso_in(**delta):
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat()


def load_classes(url, staff):
    """Publish the demo classes once: a title already listed is left alone
    (published, if an earlier run stopped before publishing it)."""
    listed = call("GET", url + "/api/v1/classes", headers=staff,
                  params={"upcoming": "false", "per_page": 100}).json()["items"]
    known = {c["title"]: c for c in listed}
    for title, category, teacher, venue, days, hours, seats, opens_in, members in CLASSES:
        cls = known.get(title) or call("POST", url + "/api/v1/classes", headers=staff, json={
            "title": title, "category": category, "teacher": teacher,
            "venue": {"address": venue}, "seats": seats, "members_only": members,
            "description": "海盐县总工会「盐工学堂」公益培训课,{}个名额,欲报从速!".format(seats),
            "starts_at": iso_in(days=days), "ends_at": iso_in(days=days, hours=hours),
            "booking_opens_at": iso_in(minutes=opens_in, seconds=-5)}).json()
        if cls["status"] == "draft":
            call("POST", url + "/api/v1/classes/{}/publish".format(cls["id"]), headers=staff)


def load_points(url, staff):
    """The starting earning rules (only if none were ever saved) and the
    rewards (a name already on offer is left alone)."""
    rules = call("GET", url + "/api/v1/points/rules", headers=staff).json()
    if rules["version"] == 0:
        call("PUT", url + "/api/v1/points/rules", headers=staff,
             json={"rules": list(POINT_RULES), "based_on_version": 0})
    offered = call("GET", url + "/api/v1/rewards", headers=staff).json()["items"]
    known = {r["name"] for r in offered}
    for name, description, cost, stock in REWARDS:
        if name not in known:
            call("POST", url + "/api/v1/rewards", headers=staff, json={
                "name": name, "description": description, "cost": cost, "stock": stock})


def all_items(url, staff, path, **params):
    """Every item of a paginated staff listing."""
    items, page = [], 1
    while True:
        listing = call("GET", url + path, headers=staff,
                       params=dict(params, page=page, per_page=100)).json()
        items += listing["items"]
        if page * listing["per_page"] >= listing["total"]:
            return items
        page += 1


def load_learning(url, staff):
    """红动海盐 (scripts/demo_learning.py): the lessons, published; the question
    bank; the first quiz, open from now. Each once: a lesson or quiz title or
    a question text already there is left alone (a lesson still a draft is
    published)."""
    lessons = all_items(url, staff, "/api/v1/lessons", status="all")
    known = {lesson["title"]: lesson for lesson in lessons}
    for fields in demo_learning.LESSONS:
        lesson = known.get(fields["title"]) or call(
            "POST", url + "/api/v1/lessons", headers=staff, json=fields).json()
        if lesson["status"] == "draft":
            call("POST", url + "/api/v1/lessons/{}/publish".format(lesson["id"]),
                 headers=staff)
    texts = {q["text"] for q in all_items(url, staff, "/api/v1/quiz-questions")}
    for question in demo_learning.QUESTIONS:
        if question["text"] not in texts:
            call("POST", url + "/api/v1/quiz-questions", headers=staff, json=question)
    quiz = dict(demo_learning.QUIZ)
    days = quiz.pop("open_days")
    if quiz["title"] not in {q["title"] for q in all_items(url, staff, "/api/v1/quizzes",
                                                          state="all")}:
        call("POST", url + "/api/v1/quizzes", headers=staff, json=dict(
            quiz, opens_at=iso_in(minutes=-1), closes_at=iso_in(days=days)))


def load_stations(url, staff):
    """主题驿站 (scripts/demo_stations.py): each station whose name is not in
    the catalog yet (open or closed) is opened."""
    known = {s["name"] for s in all_items(url, staff, "/api/v1/stations", status="all")}
    for station in demo_stations.STATIONS:
        if station["name"] not in known:
            call("POST", url + "/api/v1/stations", headers=staff, json=station)


def china_at(days, hour, minute):
    """An instant ``days`` from today's China date, at hour:minute China time."""
    day = (datetime.now(CHINA_TZ) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA_TZ)


def shift_body(days, hour, minute, hours, places):
    starts = china_at(days, hour, minute)
    return {"starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=hours)).isoformat(), "places": places}


def activity_body(title, description, station, venue, skills, shifts, stations):
    first = min(shift["starts_at"] for shift in shifts)
    closes = datetime.fromisoformat(first) - timedelta(hours=12)
    return {"title": title, "description": description, "skills": skills,
            "station_id": stations[station] if station else None, "venue": venue,
            "signup_closes_at": closes.isoformat(), "late_cancel_hours": 24,
            "shifts": shifts}


def load_volunteering(url, staff):
    """志愿先锋 (scripts/demo_volunteering.py): each activity to come whose title
    is not among those to come, and each past one not among the past ones, is
    published; for a past one, each demo worker who served and is not on its
    roster yet is recorded (补录), and the hours pending are confirmed."""
    stations = {s["name"]: s["id"] for s in all_items(url, staff, "/api/v1/stations")}
    now = datetime.now(timezone.utc)
    mine = all_items(url, staff, "/api/v1/volunteer-activities", mine="true",
                     include_past="true")
    def over(activity):
        return max(datetime.fromisoformat(s["ends_at"]) for s in activity["shifts"]) <= now
    # A title may be both past and to come (the same kind of activity again).
    ended = {a["title"]: a for a in mine if a["status"] == "published" and over(a)}
    coming = {a["title"] for a in mine if not over(a)}
    for title, description, station, venue, skills, shifts in demo_volunteering.COMING:
        if title not in coming:
            call("POST", url + "/api/v1/volunteer-activities", headers=staff, json=activity_body(
                title, description, station, venue, skills,
                [shift_body(*shift) for shift in shifts], stations))
    for title, description, station, venue, skills, shift, served in demo_volunteering.DONE:
        activity = ended.get(title) or call(
            "POST", url + "/api/v1/volunteer-activities", headers=staff, json=activity_body(
                title, description, station, venue, skills, [shift_body(*shift)],
                stations)).json()
        record_served(url, staff, activity, served)


def record_served(url, staff, activity, served):
    base = url + "/api/v1/volunteer-activities/" + activity["activity_id"]
    shift = activity["shifts"][0]
    roster = call("GET", base + "/signups", headers=staff).json()["items"]
    on_it = {entry["worker_id"] for entry in roster}
    starts = datetime.fromisoformat(shift["starts_at"])
    for phone, hours in served:
        worker = call("GET", url + "/api/v1/workers", headers=staff,
                      params={"phone": phone}).json()
        if worker["id"] in on_it:
            continue
        call("POST", base + "/shifts/{}/attendance-records".format(shift["shift_id"]),
             headers=staff, json={
                 "worker_id": worker["id"], "contact": {"name": worker["name"], "phone": phone},
                 "checked_in_at": starts.isoformat(),
                 "checked_out_at": (starts + timedelta(hours=hours)).isoformat(),
                 "reason": demo_volunteering.RECORD_REASON})
    call("POST", base + "/hours/confirmations", headers=staff, json={})


EMPLOYER_PASSWORD = "Hongyi2026hr"


def load_jobs(url, staff):
    """驿路共富 (scripts/demo_jobs.py): each employer an account of its own
    (its contact's phone) with the employer role, its company registered and
    verified, and its postings not posted yet (by title) posted."""
    for employer in demo_jobs.EMPLOYERS:
        headers = employer_session(url, staff, employer)
        company = company_of(url, headers, employer)
        if company["status"] == "pending":
            call("POST", url + "/api/v1/employers/{}/decision".format(company["employer_id"]),
                 headers=staff, json={"decision": "verified"})
        posted = {job["title"] for job in all_items(url, headers, "/api/v1/jobs/mine")}
        for posting in demo_jobs.POSTINGS:
            if posting["employer"] == employer["name"] and posting["title"] not in posted:
                call("POST", url + "/api/v1/jobs", headers=headers, json=job_body(posting))


def employer_session(url, staff, employer):
    """The employer's account, registered and given the role, logged in (a
    token issued after the role was granted carries it)."""
    phone = employer["contact"]["phone"]
    answer = requests.post(url + "/api/v1/auth/register", timeout=15, json={
        "phone": phone, "password": EMPLOYER_PASSWORD, "name": employer["contact"]["name"],
        "occupation": "other", "platform": employer["name"][:20],
        "district": employer["district"]})
    if answer.status_code != 409:  # 409: registered by an earlier run
        checked(answer)
    worker = call("GET", url + "/api/v1/workers", headers=staff,
                  params={"phone": phone}).json()
    if "employer" not in worker["roles"]:
        call("PUT", url + "/api/v1/workers/{}/roles/employer".format(worker["id"]),
             headers=staff)
    return log_in(url, phone, EMPLOYER_PASSWORD)


def company_of(url, headers, employer):
    answer = requests.get(url + "/api/v1/employers/mine", headers=headers, timeout=15)
    if answer.status_code == 404:
        return call("POST", url + "/api/v1/employers", headers=headers, json=employer).json()
    return checked(answer).json()


def job_body(posting):
    body = {key: value for key, value in posting.items()
            if key not in ("employer", "closes_in_days")}
    return dict(body, closes_at=iso_in(days=posting["closes_in_days"]), no_fee_pledge=True)


def banner(url):
    lines = ["", "=" * 64, "红驿 Hongyi is running",
             "  API      {}/api/v1".format(url),
             "  Docs     {}/docs   (OpenAPI: {}/openapi.json)".format(url, url),
             "  Health   {}/health".format(url),
             "  Logs     {}/<process>.log (every line, as JSON; this console shows "
             "requests, warnings and errors)".format(setting("LOG_DIR")),
             "  Classes  GET {}/api/v1/classes (the tea-art class opens for booking "
             "2 minutes after the first start)".format(url),
             "  Points   GET {}/api/v1/me/points, GET {}/api/v1/rewards".format(url, url),
             "  Learning GET {}/api/v1/lessons?column=spark_class, GET {}/api/v1/quizzes "
             "(start: POST /api/v1/quizzes/<id>/attempts)".format(url, url),
             "  Stations GET {}/api/v1/stations/nearest?lat=30.5262&lng=120.9433&system=gcj02 "
             "(武原街道)".format(url),
             "  Volunteer GET {}/api/v1/volunteer-activities; as 赵凯锋: GET "
             "/api/v1/me/volunteering, /api/v1/me/volunteering/certificate.pdf".format(url),
             "  Jobs     GET {}/api/v1/jobs?q=kdy (快递员, by pinyin initials), "
             "?sort=distance&lat=30.5262&lng=120.9433&system=gcj02".format(url),
             "  Events   {}/docs/events (AsyncAPI: {}/asyncapi.json); departments "
             "subscribe: POST /api/v1/departments (staff), README".format(url, url),
             "  Console  {}/console/ (union staff: the live view, work queues, 精准画像; "
             "a worker's inbox: GET /api/v1/me/notifications)".format(url),
             "Demo accounts (phone / password):",
             "  union staff  {} / {}".format(STAFF["phone"], STAFF["password"])]
    lines += ["  worker       {} / {}  {}".format(w["phone"], w["password"], w["name"])
              for w in WORKERS]
    employer = demo_jobs.EMPLOYERS[0]
    lines += ["  employer     {} / {}  {} ({})".format(
        employer["contact"]["phone"], EMPLOYER_PASSWORD, employer["contact"]["name"],
        employer["name"])]
    lines += ["Ctrl-C stops everything.", "=" * 64, ""]
    print("\n".join(lines), flush=True)


def main():
    """Exits 0 after the banner, 1 with one line saying what failed."""
    url = base_url()
    wait_until_healthy(url)
    try:
        load(url)
    except LoadFailed as err:
        sys.exit("demo: loading the demo data failed at {}".format(err))
    banner(url)


if __name__ == "__main__":
    main()
