"""What callers see: activities, sign-ups, rosters (and their CSV), a
worker's own record. The phone in full only on the organizer's roster; a
sign-up's answer shows it masked."""
import csv
import io
from collections import defaultdict

from services.volunteering import rules
from services.volunteering.schemas import (
    CHECKED_OUT, HOURS_CONFIRMED, HOURS_PENDING, NO_SHOW, SIGNED_UP, WAITLISTED)
from services.volunteering.signups import PLACES
from shared.domain import china_time


def activity(doc, counts, mine):
    shifts = [dict(shift, **counts[shift["shift_id"]]) for shift in doc["shifts"]]
    return dict(doc, activity_id=doc["_id"], shifts=shifts, mine=mine)


def status_of(pool_name):
    return SIGNED_UP if pool_name == PLACES else WAITLISTED


def position_of(pool_name, slot, store):
    return None if pool_name == PLACES else store.position(slot)


def my_signup(pool_name, slot, store):
    return {"signup_id": slot["signup_id"], "shift_id": slot["shift_id"],
            "status": status_of(pool_name), "position": position_of(pool_name, slot, store)}


def sign_up_answer(pool_name, slot, store):
    return dict(my_signup(pool_name, slot, store), activity_id=slot["activity_id"],
                at=slot["since"], **rules.masked(slot["contact"]))


def attendance(place):
    return {"signup_id": place["signup_id"], "shift_id": place["shift_id"],
            "attendance": place["attendance"], "checked_in_at": place["checked_in_at"],
            "checked_out_at": place["checked_out_at"],
            "hours": (place.get("hours") or {}).get("served")}


# ---- the organizer's roster ------------------------------------------------------------

def roster_entry(pool_name, slot, store):
    return {"signup_id": slot["signup_id"], "shift_id": slot["shift_id"],
            "worker_id": slot["holder"], "contact_name": slot["contact"]["name"],
            "phone": slot["contact"]["phone"], "note": slot["note"],
            "status": status_of(pool_name), "position": position_of(pool_name, slot, store),
            "late": False, "attendance": slot["attendance"],
            "checked_in_at": slot["checked_in_at"], "checked_out_at": slot["checked_out_at"],
            "flag": slot["flag"], "hours": slot["hours"],
            "recorded_reason": (slot.get("recorded") or {}).get("reason")}


def record_entry(record):
    """A sign-up that ended before its shift (cancelled)."""
    return {"signup_id": record["_id"], "shift_id": record["shift_id"],
            "worker_id": record["worker_id"], "contact_name": record["contact"]["name"],
            "phone": record["contact"]["phone"], "note": record["note"],
            "status": record["status"], "position": None, "late": record["late"],
            "attendance": None, "checked_in_at": None, "checked_out_at": None,
            "flag": None, "hours": None, "recorded_reason": None}


def roster_entries(slots, records, store, shift_id=None):
    entries = ([roster_entry(name, slot, store) for name, slot in slots]
               + [record_entry(record) for record in records])
    return [entry for entry in entries if shift_id is None or entry["shift_id"] == shift_id]


def roster(doc, entries):
    return {"activity_id": doc["_id"], "title": doc["title"], "totals": totals(entries),
            "items": entries}


def totals(entries):
    def hours_in(state):
        return [entry["hours"] for entry in entries
                if entry["hours"] and entry["hours"]["state"] == state]
    return {
        "signed_up": sum(entry["status"] == SIGNED_UP for entry in entries),
        "waitlisted": sum(entry["status"] == WAITLISTED for entry in entries),
        "cancelled": sum(entry["status"] not in (SIGNED_UP, WAITLISTED) for entry in entries),
        "late_cancellations": sum(entry["late"] for entry in entries),
        "attended": sum(entry["attendance"] == CHECKED_OUT for entry in entries),
        "no_shows": sum(entry["attendance"] == NO_SHOW for entry in entries),
        "hours_confirmed": round(sum(h["credited"] for h in hours_in(HOURS_CONFIRMED)), 1),
        "hours_pending": len(hours_in(HOURS_PENDING)),
    }


def pending_hours(place, titles):
    """A place whose hours wait, across activities (the staff's work queue):
    the contact's name as the roster shows it, no phone."""
    return {"signup_id": place["signup_id"], "activity_id": place["activity_id"],
            "activity_title": titles.get(place["activity_id"], place["activity_title"]),
            "shift_id": place["shift_id"], "starts_at": place["starts_at"],
            "ends_at": place["ends_at"], "contact_name": place["contact"]["name"],
            "hours": place["hours"]["served"], "flag": place["flag"],
            "checked_in_at": place["checked_in_at"],
            "checked_out_at": place["checked_out_at"]}


CSV_COLUMNS = ("班次", "姓名", "手机号", "状态", "候补序号", "迟取消", "出勤", "签到时间",
               "签退时间", "标记", "服务时长", "确认时长", "时长状态", "备注")


def roster_csv(doc, entries):
    """UTF-8 with BOM, so Excel shows the Chinese; times in China time."""
    starts = {shift["shift_id"]: shift["starts_at"] for shift in doc["shifts"]}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        hours = entry["hours"] or {}
        writer.writerow([
            shown_time(starts.get(entry["shift_id"])), entry["contact_name"], entry["phone"],
            entry["status"], entry["position"] or "", "是" if entry["late"] else "",
            entry["attendance"] or "", shown_time(entry["checked_in_at"]),
            shown_time(entry["checked_out_at"]), entry["flag"] or "",
            hours.get("served", ""), hours.get("credited") or "", hours.get("state", ""),
            entry["note"]])
    day = china_time(min(starts.values())).strftime("%Y%m%d")
    return {"filename": "志愿活动-{}-{}.csv".format(day, doc["_id"]),
            "content": "\ufeff" + out.getvalue(), "truncated": False}


def shown_time(moment):
    return china_time(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# ---- a worker's own record -----------------------------------------------------------------

def my_record(pool_name, slot, store):
    return {"signup_id": slot["signup_id"], "activity_id": slot["activity_id"],
            "title": slot["activity_title"], "shift_id": slot["shift_id"],
            "starts_at": slot["starts_at"], "ends_at": slot["ends_at"],
            "status": status_of(pool_name), "position": position_of(pool_name, slot, store),
            "attendance": slot["attendance"], "hours": slot["hours"]}


def my_ended(record):
    return {"signup_id": record["_id"], "activity_id": record["activity_id"],
            "title": record["activity_title"], "shift_id": record["shift_id"],
            "starts_at": record["starts_at"], "ends_at": record["ends_at"],
            "status": record["status"], "position": None, "attendance": None, "hours": None}


def mine(slots, records, store, now):
    items = ([my_record(name, slot, store) for name, slot in slots]
             + [my_ended(record) for record in records])
    items.sort(key=lambda item: item["starts_at"])
    by_year = defaultdict(float)
    for item in items:
        hours = item["hours"]
        if hours and hours["state"] == HOURS_CONFIRMED:
            by_year[china_time(item["starts_at"]).year] += hours["credited"]
    return {"upcoming": [item for item in items if item["ends_at"] > now],
            "past": [item for item in items if item["ends_at"] <= now][::-1],
            "hours_by_year": [{"year": year, "hours": round(hours, 1)}
                              for year, hours in sorted(by_year.items(), reverse=True)],
            "total_hours": round(sum(by_year.values()), 1)}
