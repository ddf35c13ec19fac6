"""What staff and departments see: a department with its delivery figures,
credentials (once), a replay, a parked delivery."""
from datetime import datetime, timezone

from services.feeds.schemas import AMQP
from services.feeds.schemas import STATUSES
from shared.department_feed import department_queue, department_user


def department(document, stats):
    return {"id": document["_id"], "name": document["name"], "contact": document["contact"],
            "purpose": document["purpose"], "event_types": document["event_types"],
            "delivery": document["delivery"], "webhook_url": document.get("webhook_url"),
            "status": document["status"], "status_label": STATUSES[document["status"]],
            "created_at": document["created_at"], "updated_at": document.get("updated_at"),
            "stats": stats}


def utc_from_timestamp(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc) if seconds else None


def stats(document, waiting, failed, oldest_waiting, now):
    lag = (now - oldest_waiting).total_seconds() if oldest_waiting and waiting else 0.0
    return {"delivered": document.get("delivered", 0), "waiting": waiting, "failed": failed,
            "last_delivery_at": document.get("last_delivery_at"), "lag_seconds": max(lag, 0.0)}


def credentials(department_id, api_key, delivery, amqp_url, password=None, secret=None):
    shown = {"department_id": department_id, "api_key": api_key, "amqp": None,
             "webhook_secret": secret}
    if delivery == AMQP:
        user = department_user(department_id)
        scheme, rest = amqp_url.split("://", 1)
        shown["amqp"] = {"url": "{}://{}:{}@{}".format(scheme, user, password, rest),
                         "queue": department_queue(department_id),
                         "username": user, "password": password}
    return shown


def replay(document):
    return {"id": document["_id"], "department_id": document["department_id"],
            "since": document["since"], "until": document["until"],
            "event_types": document["event_types"], "status": document["status"],
            "total": document["total"], "delivered": document["delivered"],
            "requested_by": document["requested_by"], "created_at": document["created_at"],
            "finished_at": document.get("finished_at")}


def parked(item):
    return {"id": item["_id"], "event_id": item["event_id"], "event_type": item["event_type"],
            "event_time": datetime.fromisoformat(item["event_time"]), "replayed": item["replayed"],
            "attempts": item["attempts"], "first_failed_at": item["first_failed_at"],
            "last_error": item["last_error"]}


def backfill(document):
    # ``delivered`` is the job machinery's counter (replays.py): here, sent.
    return {"id": document["_id"], "service": document["service"],
            "since": document["since"], "until": document["until"],
            "event_types": document["event_types"], "status": document["status"],
            "total": document["total"], "sent": document["delivered"],
            "requested_by": document["requested_by"], "created_at": document["created_at"],
            "finished_at": document.get("finished_at")}
