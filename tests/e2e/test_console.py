"""The union staff's console in a real headless browser (Debian's Chromium
driven by selenium) against the whole running system: a staff member logs
in, watches the live view while a worker books a seat over the API and sees
that class's seats-left figure fall within two seconds of the booking's
answer, and a problem reported at a station (on the county map) listed;
then approves a worker's membership application from the work
queue, which the API then reports approved; and opens the insight page.

A screenshot of each page is kept under var/test-artifacts/console/ (git
ignores var/). `make test` builds the console (`make console`) and makes
sure Chromium and its driver are installed (scripts/ensure_chromium.sh).
"""
import os
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from gateway.console import BUILD_DIR
from tests.e2e.test_classes import class_body, class_path
from tests.e2e.test_stations import station_body

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "test-artifacts" / "console"
# Named explicitly, so selenium never runs Selenium Manager (which would
# look for, and download, a browser and driver of its own).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
# What insight needs to see an event and the page to draw it: not the
# measured two seconds, which start at the booking's answer.
SETTLE_SECONDS = 15
LIVE_SECONDS = 2


@pytest.fixture(scope="module")
def browser():
    if not (BUILD_DIR / "index.html").is_file():
        pytest.fail("the console is not built: run `make console` (make test does)")
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.fail("Chromium or chromedriver is missing: run `make chromium` (make test does)")
    os.environ["SE_OFFLINE"] = "true"  # should Selenium Manager ever run: never download
    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1600,1000", "--lang=zh-CN",
                     "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-component-update"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def screenshot(driver, name):
    path = ARTIFACTS / "{}.png".format(name)
    driver.save_screenshot(str(path))
    print("screenshot:", path)


def wait(driver, seconds=SETTLE_SECONDS):
    """Polls until a condition holds. The console redraws parts of the page
    as events arrive, so an element a poll found may be replaced before it
    is read: that poll is tried again, as a missing element is (CI once
    failed on the live status replaced between find and read)."""
    return WebDriverWait(driver, seconds, poll_frequency=0.05,
                         ignored_exceptions=(StaleElementReferenceException,))


def text_of(driver, selector):
    elements = driver.find_elements(By.CSS_SELECTOR, selector)
    return elements[0].text if elements else None


def log_in_as_staff(driver, system, account):
    driver.get(system.url + "/console/")
    phone = wait(driver).until(lambda d: d.find_element(By.ID, "login-phone"))
    screenshot(driver, "0-login")
    phone.send_keys(account["phone"])
    driver.find_element(By.ID, "login-password").send_keys(account["password"])
    driver.find_element(By.ID, "login-submit").click()
    # The stream is open (its snapshot taken) once the status says so.
    wait(driver).until(lambda d: d.find_element(By.ID, "live-status")
                       .get_attribute("data-state") == "live")


def published_class(api, staff, seats):
    created = api.post("/api/v1/classes", json=class_body(title="茶艺体验课(直播)", seats=seats),
                       headers=staff)
    assert created.status_code == 201, created.text
    class_id = created.json()["id"]
    published = api.post(class_path(class_id, "/publish"), headers=staff)
    assert published.status_code == 200, published.text
    return class_id


def open_station(api, staff):
    made = api.post("/api/v1/stations", headers=staff, json=station_body(
        "红驿武原驿站" + os.urandom(2).hex(), 30.5262, 120.9460))
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_staff_see_seats_fall_live_and_approve_a_membership(system, api, staff, staff_account,
                                                             new_worker, browser):
    station_id = open_station(api, staff)  # on the map the page draws
    log_in_as_staff(browser, system, staff_account)
    class_id = published_class(api, staff, seats=5)
    seats_left = "#seats-left-" + class_id
    try:
        wait(browser).until(lambda d: text_of(d, seats_left) == "5")
    except TimeoutException:
        screenshot(browser, "1-live-class-missing")
        raise

    booked = api.post(class_path(class_id, "/bookings"), headers=new_worker().headers)
    assert booked.status_code == 201, booked.text
    try:
        wait(browser, LIVE_SECONDS).until(lambda d: text_of(d, seats_left) == "4")
    finally:
        screenshot(browser, "1-live")
    card = browser.find_element(By.CSS_SELECTOR, '.class-card[data-class-id="{}"]'.format(class_id))
    assert "/ 5 座" in card.text

    reported = api.post("/api/v1/stations/{}/reports".format(station_id),
                        json={"problem": "no_water"}, headers=new_worker().headers)
    assert reported.status_code == 201, reported.text
    problem = '#open-problems li[data-station-id="{}"]'.format(station_id)
    wait(browser).until(lambda d: "没水了" in (text_of(d, problem) or ""))
    screenshot(browser, "1-live-problem")

    applicant = new_worker(name="钱晓梅")
    applied = api.post("/api/v1/membership/applications", json={"note": "想加入工会"},
                       headers=applicant.headers)
    assert applied.status_code == 201, applied.text
    application_id = applied.json()["id"]
    approve_in_the_queue(browser, application_id)
    me = api.get("/api/v1/me", headers=applicant.headers)
    assert me.status_code == 200 and me.json()["membership"]["status"] == "member", me.text

    browser.get(system.url + "/console/#/insight")
    wait(browser).until(lambda d: (text_of(d, "#segment-size") or "").replace(",", "").isdigit())
    screenshot(browser, "3-insight")
    assert_nothing_refused(browser)


def approve_in_the_queue(driver, application_id):
    driver.get(driver.current_url.split("#")[0] + "#/queues/membership")
    item = '#queue-list a[data-item-id="{}"]'.format(application_id)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, item))
    driver.find_element(By.CSS_SELECTOR, item).click()
    approve = wait(driver).until(lambda d: d.find_element(
        By.CSS_SELECTOR, '#queue-detail button[data-action="approve"]'))
    assert "钱晓梅" in driver.find_element(By.ID, "queue-detail").text
    screenshot(driver, "2-queue-membership")
    approve.click()
    # Done: back to the list, which no longer holds it.
    wait(driver).until(lambda d: d.current_url.endswith("#/queues/membership")
                       and d.find_elements(By.CSS_SELECTOR, "#queue-list h2")
                       and not d.find_elements(By.CSS_SELECTOR, item))
    screenshot(driver, "2-queue-after")


def assert_nothing_refused(driver):
    """No request was blocked by the page's CSP, and no script failed."""
    problems = [entry["message"] for entry in driver.get_log("browser")
                if "Content Security Policy" in entry["message"] or "Uncaught" in entry["message"]]
    assert problems == []
