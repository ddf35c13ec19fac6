"""Backfills: a service's own handlers given the archived events they
handle, so a new service (or one whose data was lost) catches up with what
the platform published before.

Each archived envelope of a type the service handles goes, as it was
published (no pseudonyms: it never leaves the platform), onto each of that
service's handler queues for it (shared/topology.py names and declares
them), as if its producer had published it again. Events the service
already has are harmless: every handler's inbox drops an event id it has
applied before (shared/inbox.py). A backfill is a job like a department's
replay and is worked through by the same machinery (replays.py): leased,
paged in archive order, its cursor saved once a page is confirmed."""
from pymongo import ASCENDING, DESCENDING

import services
from services.feeds import exceptions
from services.feeds.replays import create_job_indexes
from shared.department_feed import event_type_name
from shared.store import found
from shared.topology import handled_events, service_class

BACKFILLS = "backfills"
LISTED = 100


def create_backfill_indexes(db):
    create_job_indexes(db, BACKFILLS)
    db.backfills.create_index([("created_at", ASCENDING)])


def handlers_of(service):
    """Each handler of ``service``: its event (``<source>.<type>``) and what
    names the queue nameko's event_handler reads it from. 422 for a name
    that is no service, or a service that handles no event."""
    if service not in services.names():
        raise exceptions.unknown_service(service, backfillable())
    handlers = [{"event_type": event_type_name(source, event_type), "source": source,
                 "type": event_type, "service": name, "method": method}
                for source, event_type, name, method in handled_events(service_class(service))]
    if not handlers:
        raise exceptions.service_handles_nothing(service, backfillable())
    return handlers


def backfillable():
    """The services that handle at least one event."""
    return [name for name in services.names() if handled_events(service_class(name))]


def handlers_by_type(backfill):
    """{<source>.<type>: [handler, …]} of a backfill."""
    grouped = {}
    for handler in backfill["handlers"]:
        grouped.setdefault(handler["event_type"], []).append(handler)
    return grouped


class BackfillsMixin:
    def add_backfill(self, backfill):
        self.db.backfills.insert_one(backfill)
        return backfill

    def get_backfill(self, backfill_id):
        return found(self.db.backfills.find_one({"_id": backfill_id}),
                     exceptions.backfill_not_found)

    def list_backfills(self):
        """The latest ones, newest first."""
        return list(self.db.backfills.find().sort("created_at", DESCENDING).limit(LISTED))
