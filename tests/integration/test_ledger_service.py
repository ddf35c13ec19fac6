"""ledger over real RabbitMQ and the embedded MongoDB: earning from events
(applied once, first pass only, caps), redemptions that cannot overdraw or
oversell under concurrency, Idempotency-Key replays, reversals at most once,
expiry oldest first, the staff reports, and 4xx answers to bad input."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from services.ledger import reports
from services.ledger.service import LedgerService
from shared.caller import Caller
from shared.clock import utcnow
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.broker import wait_for
from tests.support.callers import STAFF, worker
from tests.support.concurrency import run_together

SERVICE = LedgerService
SERVICE_CONFIG = {"EXPORT_MAX_ROWS": 50}
RULES = [
    {"code": "quiz_passed", "label": "红色知识答题", "points": 10, "first_only": True},
    {"code": "station_visited", "label": "驿站打卡", "points": 2, "daily_cap": 3,
     "expire_days": 30},
    {"code": "volunteer_hours_confirmed", "label": "志愿服务", "points": 10, "unit": "hour"},
    {"code": "class_attended", "label": "盐工学堂", "points": 20, "first_only": True},
]


def new_key():
    return "key-" + uuid.uuid4().hex[:12]


@pytest.fixture(autouse=True)
def with_rules(as_staff):
    """Every test here runs the ledger with these rules."""
    as_staff.set_rules({"rules": RULES})


@pytest.fixture
def account(store):
    """account(balance=0, **facts) -> a worker Caller with an open account."""
    def make(balance=0, district="武原街道", occupation="courier"):
        caller = worker()
        facts = {"worker_id": caller.id, "name": "林家浩", "district": district,
                 "occupation": occupation}
        store.in_transaction(lambda session: store.remember_worker(facts, utcnow(), session))
        if balance:
            store.adjust(STAFF.id, {"worker_id": caller.id, "amount": balance,
                                    "reason": "期初积分"}, new_key(), utcnow())
        return caller
    return make


def balance_of(store, worker_id):
    return store.db.accounts.find_one({"_id": worker_id})["balance"]


def assert_books_balance(store, *worker_ids):
    """The reconciliation finds nothing wrong, entry by entry."""
    for worker_id in worker_ids:
        report = reports.reconcile(store.db, worker_id)
        assert report["ok"], report["mismatches"]
    assert reports.reconcile(store.db)["ok"]


def quiz_data(worker_id, quiz_id="q3", at=None):
    return {"worker_id": worker_id, "quiz_id": quiz_id, "quiz_title": "第3期", "score": 95,
            "passed_at": at or datetime.now(timezone.utc)}


def retrying_busy(call):
    """What a client does with LEDGER_BUSY: the same request again."""
    def run():
        for _ in range(20):
            try:
                return call()
            except Conflict as error:
                if error.code != "LEDGER_BUSY":
                    raise
        raise AssertionError("still busy after 20 tries")
    return run


# ---- earning from events --------------------------------------------------

def test_the_same_event_twice_changes_nothing(as_staff, store, publish, rpc_as):
    me = worker()
    publish("identity", "worker_registered", {
        "worker_id": me.id, "name": "赵凯锋", "phone_masked": "138****0002",
        "occupation": "food_delivery", "platform": "饿了么", "district": "武原街道",
        "roles": ["worker"], "registered_at": datetime.now(timezone.utc)})
    envelope = publish("learning", "quiz_passed", quiz_data(me.id))
    publish("learning", "quiz_passed", None, envelope=envelope)  # redelivered
    wait_for(lambda: store.db.entries.count_documents({"worker_id": me.id}),
             what="the quiz award")
    # Another pass of the same quiz is a new event but not a first pass.
    second = publish("learning", "quiz_passed", quiz_data(me.id))
    wait_for(lambda: store.db.processed_events.count_documents(
        {"_id": {"$regex": second["id"]}}), what="the second pass")
    statement = rpc_as(me).ledger.list_my_entries({})
    assert statement["total"] == 1
    line = statement["items"][0]
    assert line["line"] == "红色知识答题 第3期 首次通过 +10"
    assert line["source"] == "learning.quiz_passed:" + envelope["id"]
    assert line["rule"] == {"code": "quiz_passed", "version": 1}
    assert rpc_as(me).ledger.get_my_points()["balance"] == 10
    # Even past the inbox, the entry's unique source refuses a second posting.
    with pytest.raises(Exception) as raised:
        store.in_transaction(lambda session: store.earn(
            "quiz_passed", quiz_data(me.id, quiz_id="q-other"), line["source"], session,
            utcnow()))
    assert "duplicate key" in str(raised.value).lower()
    assert balance_of(store, me.id) == 10
    assert_books_balance(store, me.id)


def test_station_visits_stop_at_the_daily_cap(as_staff, store, publish, account):
    me = account()
    for _ in range(3):  # 2 + 1 (cut by the cap of 3) + 0
        publish("stations", "station_visited", {
            "worker_id": me.id, "station_id": "st-1", "station_name": "武原城市红色驿站",
            "visited_at": datetime.now(timezone.utc)})
    wait_for(lambda: store.db.processed_events.count_documents(
        {"_id": {"$regex": "^handle_station_visited:"}}) >= 3, what="three visits")
    entries = list(store.db.entries.find({"worker_id": me.id}).sort("seq", 1))
    assert [e["amount"] for e in entries] == [2, 1]
    assert entries[1]["reason"].endswith("(已达每日上限)")
    assert all(e["expires_at"] for e in entries)
    assert balance_of(store, me.id) == 3


def test_classes_and_volunteer_hours_explain_themselves(as_staff, store, publish, account,
                                                        rpc_as):
    me = account()
    now = datetime.now(timezone.utc)
    publish("courses", "class_published", {
        "class_id": "c-tea", "title": "职工茶艺公益培训班", "category": "tea_art",
        "starts_at": now, "ends_at": now, "seats": 26, "waitlist_limit": 26,
        "members_only": False, "booking_opens_at": now, "booking_closes_at": now})
    wait_for(lambda: store.db.classes.find_one({"_id": "c-tea"}), what="the class title")
    publish("courses", "class_attended", {"class_id": "c-tea", "worker_id": me.id,
                                          "category": "tea_art", "hours": 2.0,
                                          "attended_at": now})
    publish("volunteering", "volunteer_hours_confirmed", {
        "worker_id": me.id, "activity_id": "a-1", "activity_title": "文明交通劝导",
        "signup_id": "s-1", "shift_id": "sh-1", "hours": 2.5, "confirmed_by": STAFF.id, "confirmed_at": now})
    wait_for(lambda: store.db.entries.count_documents({"worker_id": me.id}) == 2,
             what="two awards")
    lines = {item["line"] for item in rpc_as(me).ledger.list_my_entries({})["items"]}
    assert lines == {"盐工学堂「职工茶艺公益培训班」签到 +20",
                     "志愿服务 2.5 小时(文明交通劝导) +25"}


def test_profile_updates_move_a_worker_on_the_leaderboard(as_staff, store, publish, account):
    me = account(balance=40, district="武原街道")
    publish("identity", "profile_updated", {
        "worker_id": me.id, "name": "林家浩", "phone_masked": "138****0003",
        "occupation": "courier", "platform": "申通快递", "district": "秦山街道",
        "changed": ["district"], "updated_at": datetime.now(timezone.utc)})
    wait_for(lambda: store.db.accounts.find_one({"_id": me.id, "district": "秦山街道"}),
             what="the new district")
    for period in ("month", "all"):
        board = as_staff.get_leaderboard({"period": period, "district": "秦山街道"})
        assert [(r["rank"], r["worker_id"], r["points"]) for r in board["items"]] == \
            [(1, me.id, 40)]
        old_district = as_staff.get_leaderboard({"period": period, "district": "武原街道"})
        assert me.id not in [r["worker_id"] for r in old_district["items"]]


# ---- spending ---------------------------------------------------------------

def test_concurrent_redemptions_cannot_overdraw(as_staff, store, account, rpc_as):
    me = account(balance=50)
    reward = as_staff.create_reward({"name": "保温杯", "cost": 20, "stock": 100})
    calls = [retrying_busy(lambda i=i: rpc_as(me).ledger.redeem_reward(
        reward["id"], idempotency_key="redeem-{:04d}".format(i))) for i in range(8)]
    outcomes = run_together(calls)
    done = [o for o in outcomes if isinstance(o, dict)]
    assert len(done) == 2, outcomes
    assert outcomes.count("INSUFFICIENT_POINTS") == 6
    assert balance_of(store, me.id) == 10
    assert sorted(e["balance_after"] for e in store.db.entries.find({"worker_id": me.id})) == \
        [10, 30, 50]
    assert store.db.rewards.find_one({"_id": reward["id"]})["stock"] == 98
    assert_books_balance(store, me.id)


def test_stock_never_goes_below_zero(as_staff, store, account, rpc_as):
    reward = as_staff.create_reward({"name": "充电宝", "cost": 1, "stock": 3})
    workers = [account(balance=5) for _ in range(8)]
    outcomes = run_together([retrying_busy(lambda w=w: rpc_as(w).ledger.redeem_reward(
        reward["id"], idempotency_key="stock-" + w.id)) for w in workers])
    assert sum(isinstance(o, dict) for o in outcomes) == 3, outcomes
    assert outcomes.count("OUT_OF_STOCK") == 5
    stored = store.db.rewards.find_one({"_id": reward["id"]})
    assert (stored["stock"], stored["redeemed"]) == (0, 3)
    assert sum(balance_of(store, w.id) for w in workers) == 8 * 5 - 3
    assert_books_balance(store, *(w.id for w in workers))


def test_a_redemption_key_replays_the_first_answer(as_staff, store, account, rpc_as):
    me = account(balance=30)
    cup, bag = (as_staff.create_reward({"name": n, "cost": 10, "stock": 5})
                for n in ("保温杯", "帆布袋"))
    first = rpc_as(me).ledger.redeem_reward(cup["id"], idempotency_key="key-000000001")
    again = rpc_as(me).ledger.redeem_reward(cup["id"], idempotency_key="key-000000001")
    assert first == again and first["balance_after"] == 20
    assert store.db.entries.count_documents({"worker_id": me.id, "kind": "redemption"}) == 1
    with pytest.raises(InvalidInput) as raised:
        rpc_as(me).ledger.redeem_reward(bag["id"], idempotency_key="key-000000001")
    assert raised.value.code == "IDEMPOTENCY_KEY_REUSED"
    # Twins of one request sent at once: one redemption, the same answer.
    twins = run_together([retrying_busy(lambda: rpc_as(me).ledger.redeem_reward(
        bag["id"], idempotency_key="key-twin-0001")) for _ in range(4)])
    assert all(t == twins[0] for t in twins) and twins[0]["balance_after"] == 10
    assert balance_of(store, me.id) == 10


# ---- staff: adjustments and reversals -------------------------------------------

def test_a_reversal_happens_at_most_once(as_staff, store, account, rpc_as):
    me = account()
    entry = as_staff.adjust_points({"worker_id": me.id, "amount": 30, "reason": "补录活动积分"},
                                   idempotency_key="adj-00000001")
    assert entry["actor"] == STAFF.id and entry["reason"] == "人工调整:补录活动积分"
    replay = as_staff.adjust_points({"worker_id": me.id, "amount": 30, "reason": "补录活动积分"},
                                    idempotency_key="adj-00000001")
    assert replay["id"] == entry["id"] and balance_of(store, me.id) == 30
    # The same request three times at once (a retry after a lost answer, a
    # double click): one reversal, and every answer is that reversal.
    staff_desks = [rpc_as(STAFF).ledger for _ in range(3)]  # one proxy per thread
    outcomes = run_together([retrying_busy(lambda desk=desk: desk.reverse_entry(
        entry["id"], {"reason": "重复录入"})) for desk in staff_desks])
    assert store.db.entries.count_documents({"reverses": entry["id"]}) == 1
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert len({o["id"] for o in outcomes}) == 1
    reversal = outcomes[0]
    assert reversal["reverses"] == entry["id"] and reversal["amount"] == -30
    # Anything else is told it was done already: another reason, another staff.
    other_staff = Caller(id="staff-2", roles=("worker", "union_staff"), session_id="s2")
    for desk, why in ((as_staff, "另一个原因"), (rpc_as(other_staff).ledger, "重复录入")):
        with pytest.raises(Conflict) as raised:
            desk.reverse_entry(entry["id"], {"reason": why})
        assert raised.value.code == "ALREADY_REVERSED"
    assert balance_of(store, me.id) == 0
    with pytest.raises(Conflict) as raised:  # a reversal is not itself reversed
        as_staff.reverse_entry(reversal["id"], {"reason": "撤销撤销"})
    assert raised.value.code == "NOT_REVERSIBLE"
    statement = as_staff.list_worker_entries(me.id, {})
    assert statement["items"][1]["reversed_by"] == reversal["id"]
    assert_books_balance(store, me.id)


def test_a_reversal_never_makes_the_balance_negative(as_staff, store, account, rpc_as):
    me = account()
    award = as_staff.adjust_points({"worker_id": me.id, "amount": 30, "reason": "活动奖励"},
                                   idempotency_key=new_key())
    reward = as_staff.create_reward({"name": "保温杯", "cost": 20, "stock": 1})
    spent = rpc_as(me).ledger.redeem_reward(reward["id"], idempotency_key="spend-0000001")
    with pytest.raises(Conflict) as raised:
        as_staff.reverse_entry(award["id"], {"reason": "误发"})
    assert raised.value.code == "REVERSAL_WOULD_OVERDRAW"
    assert balance_of(store, me.id) == 10
    # Cancelling the redemption refunds it and puts the item back in stock.
    refund = as_staff.reverse_entry(spent["entry_id"], {"reason": "奖品缺货,取消兑换"})
    assert refund["amount"] == 20 and balance_of(store, me.id) == 30
    assert store.db.rewards.find_one({"_id": reward["id"]})["stock"] == 1
    assert store.db.redemptions.find_one({"_id": spent["id"]})["status"] == "cancelled"
    assert rpc_as(me).ledger.redeem_reward(reward["id"], idempotency_key="spend-0000001") \
        ["status"] == "cancelled"  # the key still replays the first answer
    as_staff.reverse_entry(award["id"], {"reason": "误发"})
    assert balance_of(store, me.id) == 0
    assert_books_balance(store, me.id)


def test_points_expire_oldest_first(as_staff, store, account):
    me = account()
    old, new = (datetime.now(timezone.utc) - timedelta(days=d) for d in (40, 10))
    for at, station in ((old, "st-old"), (new, "st-new")):
        store.in_transaction(lambda session, at=at, station=station: store.earn("station_visited", {
            "worker_id": me.id, "station_id": station, "station_name": "驿站",
            "visited_at": at}, "test:" + station, session, utcnow()))
    assert balance_of(store, me.id) == 4
    as_staff.adjust_points({"worker_id": me.id, "amount": -1, "reason": "核减"},
                           idempotency_key=new_key())
    events = store.expire_due(utcnow())  # only the old lot (30 days) is due
    assert [e["data"]["amount"] for e in events] == [-1]  # 1 of its 2 was spent first
    assert balance_of(store, me.id) == 2
    assert store.expire_due(utcnow()) == []
    later = store.expire_due(utcnow() + timedelta(days=25))
    assert [e["data"]["amount"] for e in later] == [-2] and balance_of(store, me.id) == 0
    assert_books_balance(store, me.id)


def test_due_lots_expire_in_the_order_they_were_earned(as_staff, store, account):
    """lots.due_to_expire decides, oldest points first, even when a later rule
    gave newer points a shorter life (so they fell due earlier)."""
    me = account()
    now = utcnow()

    def visit(station, days_ago):
        store.in_transaction(lambda session: store.earn("station_visited", {
            "worker_id": me.id, "station_id": station, "station_name": station,
            "visited_at": now - timedelta(days=days_ago)}, "test:" + station, session, now))
    visit("甲站", 40)  # 30-day points: due 10 days ago
    as_staff.set_rules({"rules": [dict(r, expire_days=5) if r["code"] == "station_visited"
                                  else r for r in RULES]})
    visit("乙站", 20)  # 5-day points: due 15 days ago
    events = store.expire_due(now)
    assert [e["data"]["reason"] for e in events] == ["积分过期:驿站打卡「甲站」打卡",
                                                     "积分过期:驿站打卡「乙站」打卡"]
    assert balance_of(store, me.id) == 0
    assert_books_balance(store, me.id)


def test_a_write_is_dated_by_the_time_it_is_given(store, account):
    me = account()
    then = datetime(2026, 3, 4, 4, 0, tzinfo=timezone.utc)
    entry, events = store.adjust(STAFF.id, {"worker_id": me.id, "amount": 7, "reason": "补录"},
                                 new_key(), then)
    stored = store.db.entries.find_one({"_id": entry["_id"]})
    assert stored["at"] == stored["recorded_at"] == then
    assert store.db.accounts.find_one({"_id": me.id})["updated_at"] == then
    assert events[0]["time"] == then.isoformat(timespec="microseconds")


def test_reports_for_staff(as_staff, store, account):
    me = account()
    as_staff.adjust_points({"worker_id": me.id, "amount": 15, "reason": "=1+1 表彰"},
                           idempotency_key=new_key())
    export = as_staff.export_entries_csv({"worker_id": me.id})
    assert export["rows"] == 1 and not export["truncated"]
    lines = export["content"].lstrip("\ufeff").splitlines()
    assert lines[0].startswith("时间,工号,姓名") and "'人工调整" not in lines[1]
    assert "人工调整:=1+1 表彰" in lines[1] and ",15,15," in lines[1]
    assert as_staff.reconcile_balances({"worker_id": me.id})["ok"]
    rules = as_staff.get_rules()
    assert rules["version"] == 1 and len(rules["rules"]) == len(RULES)


# ---- refusals -------------------------------------------------------------------

def test_bad_input_is_refused_with_a_code(as_staff, account, rpc_as):
    me = account(balance=5)
    mine = rpc_as(me).ledger
    refusals = [
        (InvalidInput, "VALIDATION_FAILED", lambda: as_staff.adjust_points(
            {"worker_id": me.id, "amount": 0, "reason": "零"}, idempotency_key=new_key())),
        (InvalidInput, "VALIDATION_FAILED", lambda: as_staff.adjust_points(
            {"worker_id": me.id, "amount": {"$gt": 0}, "reason": "注入"},
            idempotency_key=new_key())),
        (InvalidInput, "VALIDATION_FAILED", lambda: as_staff.adjust_points(
            {"worker_id": me.id, "amount": 5, "reason": "没有幂等键"})),
        (NotFound, "ACCOUNT_NOT_FOUND", lambda: as_staff.adjust_points(
            {"worker_id": "nobody", "amount": 5, "reason": "补录"},
            idempotency_key=new_key())),
        (Conflict, "INSUFFICIENT_POINTS", lambda: as_staff.adjust_points(
            {"worker_id": me.id, "amount": -6, "reason": "核减"}, idempotency_key=new_key())),
        (InvalidInput, "VALIDATION_FAILED", lambda: mine.redeem_reward("r-1")),
        (NotFound, "REWARD_NOT_FOUND", lambda: mine.redeem_reward(
            "no-such-reward", idempotency_key="key-00000042")),
        (NotFound, "ENTRY_NOT_FOUND", lambda: as_staff.reverse_entry("nope", {"reason": "误发"})),
        (InvalidInput, "VALIDATION_FAILED", lambda: as_staff.set_rules(
            {"rules": [{"code": "lottery", "label": "抽奖", "points": 5}]})),
        (Conflict, "RULES_CHANGED", lambda: as_staff.set_rules(
            {"rules": RULES, "based_on_version": 0})),
        (InvalidInput, "VALIDATION_FAILED", lambda: as_staff.get_leaderboard({"period": "ever"})),
        (InvalidInput, "VALIDATION_FAILED", lambda: as_staff.create_reward(
            {"name": "杯子", "cost": -1, "stock": 1})),
        (Forbidden, "FORBIDDEN", lambda: mine.adjust_points(
            {"worker_id": me.id, "amount": 100, "reason": "自己加分"},
            idempotency_key=new_key())),
        (Forbidden, "FORBIDDEN", lambda: mine.get_leaderboard({})),
    ]
    for kind, code, call in refusals:
        with pytest.raises(kind) as raised:
            call()
        assert raised.value.code == code, (code, raised.value)
        assert raised.value.message
    assert mine.get_my_points()["balance"] == 5


# ---- what a request costs the database ------------------------------------------

def test_the_commands_a_request_sends_are_counted_in_the_process(account, rpc_as):
    me = account(balance=5)
    before = rpc_as(me).ledger.report_database_commands()
    rpc_as(me).ledger.get_my_points()  # the account, then its lots expiring soon
    after = rpc_as(me).ledger.report_database_commands()
    assert after["service"] == "ledger"
    assert after["commands"]["find"] - before["commands"]["find"] >= 2
    assert after["total"] == sum(after["commands"].values()) > before["total"]
