"""Points over HTTP through the real gateway: a worker registers (the ledger
opens the account from identity's event), staff set the earning rules and
adjust the balance, the worker's statement explains each line, a redemption
with an Idempotency-Key replays its first answer, and bad input gets a 4xx."""
import uuid

from tests.e2e.conftest import assert_error
from tests.support.broker import wait_for

POINTS = "/api/v1/me/points"
RULES = [{"code": "quiz_passed", "label": "红色知识答题", "points": 10, "first_only": True},
         {"code": "station_visited", "label": "驿站打卡", "points": 2, "daily_cap": 6}]


def key():
    return "e2e-" + uuid.uuid4().hex[:12]


def adjust(api, staff, worker_id, amount, reason, idempotency_key=None):
    headers = dict(staff, **{"Idempotency-Key": idempotency_key or key()})
    return api.post("/api/v1/points/adjustments", headers=headers,
                    json={"worker_id": worker_id, "amount": amount, "reason": reason})


def test_adjust_statement_and_redeem_with_a_replayed_key(api, new_worker, staff, e2e_databases):
    worker = new_worker(name="赵凯锋")
    assert api.get(POINTS, headers=worker.headers).json()["balance"] == 0

    current = api.get("/api/v1/points/rules", headers=staff).json()
    saved = api.put("/api/v1/points/rules", headers=staff,
                    json={"rules": RULES, "based_on_version": current["version"]})
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == current["version"] + 1

    # The account opens when the ledger hears worker_registered from identity.
    adjustment_key = key()
    credited = wait_for(lambda: (lambda r: r if r.status_code == 201 else None)(
        adjust(api, staff, worker.id, 30, "参加工会志愿活动补录", adjustment_key)),
        what="the ledger to open the account")
    entry = credited.json()
    assert entry["line"] == "人工调整:参加工会志愿活动补录 +30"
    again = adjust(api, staff, worker.id, 30, "参加工会志愿活动补录", adjustment_key)
    assert again.status_code == 201 and again.json()["id"] == entry["id"]

    reward = api.post("/api/v1/rewards", headers=staff,
                      json={"name": "红驿保温杯", "cost": 20, "stock": 5})
    assert reward.status_code == 201, reward.text
    reward_id = reward.json()["id"]
    assert reward_id in [r["id"] for r in api.get("/api/v1/rewards",
                                                  headers=worker.headers).json()["items"]]

    redeem_url = "/api/v1/rewards/{}/redemptions".format(reward_id)
    redeem_key = {"Idempotency-Key": key()}
    first = api.post(redeem_url, headers=dict(worker.headers, **redeem_key))
    assert first.status_code == 201, first.text
    replay = api.post(redeem_url, headers=dict(worker.headers, **redeem_key))
    assert replay.status_code == 201 and replay.json() == first.json()
    assert first.json()["balance_after"] == 10
    mine = api.get("/api/v1/me/redemptions", headers=worker.headers).json()
    assert mine["total"] == 1 and mine["items"][0]["id"] == first.json()["id"]
    assert mine["items"][0]["status"] == "redeemed"

    # Staff write off more than is left (refused), restock, then withdraw it.
    reward_url = "/api/v1/rewards/" + reward_id
    assert_error(api.patch(reward_url, headers=staff, json={"add_stock": -5}),
                 409, "STOCK_WOULD_GO_NEGATIVE")
    restocked = api.patch(reward_url, headers=staff, json={"add_stock": 2})
    assert restocked.status_code == 200 and restocked.json()["stock"] == 6
    withdrawn = api.patch(reward_url, headers=staff, json={"status": "withdrawn"})
    assert withdrawn.json()["status"] == "withdrawn"
    assert reward_id not in [r["id"] for r in api.get(
        "/api/v1/rewards", headers=worker.headers).json()["items"]]
    assert_error(api.post(redeem_url, headers=dict(worker.headers, **{"Idempotency-Key": key()})),
                 409, "REWARD_UNAVAILABLE")

    statement = api.get(POINTS + "/entries", headers=worker.headers).json()
    assert statement["total"] == 2
    assert [i["line"] for i in statement["items"]] == [
        "兑换「红驿保温杯」 -20", "人工调整:参加工会志愿活动补录 +30"]
    assert api.get(POINTS, headers=worker.headers).json()["balance"] == 10
    stock = e2e_databases("ledger").rewards.find_one({"_id": reward_id})["stock"]
    assert stock == 6

    full = api.get("/api/v1/points/accounts/{}/entries".format(worker.id), headers=staff)
    assert full.status_code == 200 and full.json()["items"] == statement["items"]
    export = api.get("/api/v1/points/export", params={"worker_id": worker.id}, headers=staff)
    assert export.status_code == 200
    assert export.headers["Content-Type"].startswith("text/csv")
    assert "points-{}.csv".format(worker.id) in export.headers["Content-Disposition"]
    assert export.headers["X-Export-Truncated"] == "false"
    csv_lines = export.content.decode("utf-8-sig").splitlines()
    assert len(csv_lines) == 3 and "参加工会志愿活动补录" in export.content.decode()
    # The events reach the exchange: the outbox marks both as sent.
    outbox = e2e_databases("ledger").outbox
    wait_for(lambda: outbox.count_documents({"envelope.data.worker_id": worker.id,
                                             "sent_at": {"$ne": None}}) == 2,
             what="points events published")


def test_bad_points_requests_get_a_4xx_with_a_code(api, new_worker, staff):
    worker = new_worker()
    reward = api.post("/api/v1/rewards", headers=staff,
                      json={"name": "帆布袋", "cost": 5, "stock": 1}).json()
    redeem_url = "/api/v1/rewards/{}/redemptions".format(reward["id"])
    assert_error(api.post(redeem_url, headers=worker.headers), 422, "VALIDATION_FAILED")
    assert_error(api.post(redeem_url, headers=dict(worker.headers, **{"Idempotency-Key": "x"})),
                 422, "VALIDATION_FAILED")
    assert_error(api.post(redeem_url, headers=dict(worker.headers,
                                                   **{"Idempotency-Key": key()})),
                 409, "INSUFFICIENT_POINTS")
    assert_error(api.post("/api/v1/rewards/nope/redemptions",
                          headers=dict(worker.headers, **{"Idempotency-Key": key()})),
                 404, "REWARD_NOT_FOUND")
    assert_error(adjust(api, staff, worker.id, "10", "补录"), 422, "VALIDATION_FAILED")
    assert_error(api.post("/api/v1/points/adjustments", headers=staff,  # no Idempotency-Key
                          json={"worker_id": worker.id, "amount": 10, "reason": "补录"}),
                 422, "VALIDATION_FAILED")
    assert_error(api.patch("/api/v1/rewards/" + reward["id"], headers=staff, json={}),
                 422, "VALIDATION_FAILED")
    assert_error(api.patch("/api/v1/rewards/nope", headers=staff, json={"add_stock": 1}),
                 404, "REWARD_NOT_FOUND")
    assert_error(api.post("/api/v1/points/adjustments", headers=staff, data="{"),
                 400, "MALFORMED_JSON")
    assert_error(api.post("/api/v1/points/entries/nope/reversal", headers=staff,
                          json={"reason": "误发"}), 404, "ENTRY_NOT_FOUND")
    assert_error(api.get("/api/v1/points/leaderboard", params={"period": "ever"},
                         headers=staff), 422, "VALIDATION_FAILED")
    assert_error(api.put("/api/v1/points/rules", headers=staff, json={"rules": []}),
                 422, "VALIDATION_FAILED")
    for method, path in (("GET", "/api/v1/points/leaderboard"), ("POST", "/api/v1/rewards"),
                         ("GET", "/api/v1/points/rules")):
        assert_error(api.request(method, path, headers=worker.headers,
                                 json={"name": "x", "cost": 1, "stock": 1}), 403, "FORBIDDEN")
    assert_error(api.get(POINTS), 401, "AUTH_REQUIRED")
