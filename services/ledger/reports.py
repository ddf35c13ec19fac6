"""What staff read off the ledger: the leaderboard, the CSV export, and the
reconciliation that recomputes every balance from the entries.

The reconciliation is the ledger checking itself (as TigerBeetle and Modern
Treasury do): an account's balance must equal the sum of its entries and of
its lots' unspent points, its ``seq`` the number of its entries, each entry's
``balance_after`` the running sum in ``seq`` order, and nothing may be negative.
"""
import csv
import io
from datetime import datetime, time, timedelta

from pymongo import ASCENDING, DESCENDING

from services.ledger.periods import period_start
from shared.domain import CHINA_TZ, china_time

CSV_COLUMNS = ("时间", "工号", "姓名", "街道/镇", "职业", "变动", "余额", "类型", "说明",
               "规则", "来源", "操作人")


# ---- leaderboard -------------------------------------------------------------

def leaderboard(db, query, now):
    """Workers ranked by points earned in the period (reversals deducted;
    spending does not lower a rank), within a district and occupation."""
    since = period_start(query["period"], now)
    facts = {key: query[key] for key in ("district", "occupation") if query.get(key)}
    if since is None:
        rows = db.accounts.find(dict(facts, earned={"$gt": 0}),
                                sort=[("earned", DESCENDING), ("_id", ASCENDING)],
                                limit=query["limit"])
        rows = [dict(row, points=row["earned"]) for row in rows]
    else:
        rows = db.entries.aggregate(earned_since(since, facts, query["limit"]))
    return {"period": query["period"], "since": since, "district": facts.get("district"),
            "occupation": facts.get("occupation"), "items": ranked(list(rows))}


def earned_since(since, facts, limit):
    account_facts = [{"$match": {"account." + key: value for key, value in facts.items()}}]
    return [
        {"$match": {"at": {"$gte": since}, "earned": {"$ne": 0}}},
        {"$group": {"_id": "$worker_id", "points": {"$sum": "$earned"}}},
        {"$match": {"points": {"$gt": 0}}},
        {"$lookup": {"from": "accounts", "localField": "_id", "foreignField": "_id",
                     "as": "account"}},
        {"$unwind": "$account"},
        *(account_facts if facts else []),
        {"$sort": {"points": -1, "_id": 1}},
        {"$limit": limit},
        {"$project": {"points": 1, "name": "$account.name", "district": "$account.district",
                      "occupation": "$account.occupation"}},
    ]


def ranked(rows):
    """Competition ranking: equal points share a rank (1, 1, 3)."""
    items, rank = [], 0
    for index, row in enumerate(rows):
        if index == 0 or row["points"] != rows[index - 1]["points"]:
            rank = index + 1
        items.append({"rank": rank, "worker_id": row["_id"], "points": row["points"],
                      **{key: row.get(key) for key in ("name", "district", "occupation")}})
    return items


# ---- CSV export ----------------------------------------------------------------

def export(db, query, max_rows):
    """Statement lines (oldest first) as CSV text; at most ``max_rows``."""
    criteria = export_criteria(query)
    entries = list(db.entries.find(criteria).sort([("recorded_at", ASCENDING),
                                                   ("_id", ASCENDING)]).limit(max_rows + 1))
    truncated = len(entries) > max_rows
    entries = entries[:max_rows]
    accounts = {a["_id"]: a for a in db.accounts.find(
        {"_id": {"$in": sorted({e["worker_id"] for e in entries})}})}
    return {"filename": export_filename(query), "rows": len(entries),
            "truncated": truncated, "content": to_csv(entries, accounts)}


def export_criteria(query):
    criteria = {}
    if query.get("worker_id"):
        criteria["worker_id"] = query["worker_id"]
    bounds = {}
    if query.get("since"):
        bounds["$gte"] = day_start(query["since"])
    if query.get("until"):
        bounds["$lt"] = day_start(query["until"] + timedelta(days=1))
    if bounds:
        criteria["recorded_at"] = bounds
    return criteria


def day_start(day):
    return datetime.combine(day, time(0), tzinfo=CHINA_TZ)


def export_filename(query):
    parts = ["points", query.get("worker_id") or "all"]
    parts += [str(query[key]) for key in ("since", "until") if query.get(key)]
    return "-".join(parts) + ".csv"


def to_csv(entries, accounts):
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads a BOM-less UTF-8 file as GBK and garbles Chinese
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        account = accounts.get(entry["worker_id"], {})
        rule = entry.get("rule")
        writer.writerow([
            china_time(entry["recorded_at"]).isoformat(timespec="seconds"), entry["worker_id"],
            account.get("name", ""), account.get("district", ""), account.get("occupation", ""),
            entry["amount"], entry["balance_after"], entry["kind"], safe_cell(entry["reason"]),
            "{}@v{}".format(rule["code"], rule["version"]) if rule else "",
            entry["source"], entry.get("actor") or ""])
    return out.getvalue()


def safe_cell(value):
    """A reason typed by staff that starts with = + - @ would run as a formula
    in a spreadsheet (CSV injection); a leading quote keeps it text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# ---- reconciliation ------------------------------------------------------------

def reconcile(db, worker_id=None, session=None):
    """Every account (or one, then also entry by entry) recomputed from its
    entries and lots; the mismatches. Pass a snapshot session
    (``reconcile_at_one_time``) to read all of it at one point in time: read piece
    by piece while the ledger writes, an entry and its account's balance may
    be seen on either side of their transaction and look like drift."""
    only = {"worker_id": worker_id} if worker_id else {}
    sums = {row["_id"]: row for row in db.entries.aggregate([
        {"$match": only},
        {"$group": {"_id": "$worker_id", "amount": {"$sum": "$amount"},
                    "entries": {"$sum": 1}, "lowest": {"$min": "$balance_after"}}}],
        session=session)}
    entries = sum(row["entries"] for row in sums.values())
    lots = {row["_id"]: row["remaining"] for row in db.lots.aggregate([
        {"$match": only}, {"$group": {"_id": "$worker_id", "remaining": {"$sum": "$remaining"}}}],
        session=session)}
    mismatches, accounts = [], 0
    for account in db.accounts.find({"_id": worker_id} if worker_id else {},
                                    {"balance": 1, "seq": 1}, session=session):
        accounts += 1
        mismatches += account_mismatches(account, sums.pop(account["_id"], None),
                                         lots.get(account["_id"], 0))
    for orphan, row in sums.items():  # entries of an account that does not exist
        mismatches.append(mismatch(orphan, "entries_without_account", 0, row["entries"]))
    if worker_id:
        mismatches += running_balance_breaks(db, worker_id, session)
    return {"ok": not mismatches, "accounts": accounts, "entries": entries,
            "mismatches": mismatches}


def reconcile_at_one_time(db, worker_id=None):
    """``reconcile`` on a snapshot: every read sees the database as of the
    first one, so a busy ledger shows no drift that is not there."""
    with db.client.start_session(snapshot=True) as session:
        return reconcile(db, worker_id, session)


def account_mismatches(account, sums, lots_remaining):
    sums = sums or {"amount": 0, "entries": 0, "lowest": 0}
    worker_id, balance = account["_id"], account["balance"]
    checks = (("balance_is_sum_of_entries", sums["amount"], balance),
              ("balance_is_sum_of_lots", lots_remaining, balance),
              ("seq_is_entry_count", sums["entries"], account["seq"]),
              ("balance_never_negative", 0, min(0, balance, sums["lowest"] or 0)))
    return [mismatch(worker_id, problem, expected, found)
            for problem, expected, found in checks if expected != found]


def mismatch(worker_id, problem, expected, found):
    return {"worker_id": worker_id, "problem": problem, "expected": expected, "found": found}


def running_balance_breaks(db, worker_id, session=None):
    """Entries of one account whose ``balance_after`` is not the running sum
    in ``seq`` order (an entry changed, lost or inserted out of turn)."""
    total, breaks = 0, []
    for seq, entry in enumerate(db.entries.find({"worker_id": worker_id},
                                                session=session).sort("seq", 1), 1):
        total += entry["amount"]
        if entry["balance_after"] != total or entry["seq"] != seq:
            breaks.append(mismatch(worker_id, "running_balance:" + entry["_id"],
                                   total, entry["balance_after"]))
    return breaks
