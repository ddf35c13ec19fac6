"""feeds: other departments subscribe to the platform's events.

Every event every service publishes reaches ``take_event`` through one
queue bound to all their exchanges (declared by every service at start-up,
shared/topology.py): it is delivered to the departments that take its type,
each getting its own privacy-limited copy (messages.py), then archived once
for replays. Staff register departments, change, pause, rotate and revoke
them; a department replays from its own API key. Staff also backfill a
service: the archived events its handlers take, put on its own handler
queues, so a new service catches up (backfills.py). A timer sends HTTPS
deliveries on and works through replays and backfills.

Entrypoints only: the rules are rules.py's, the data storage.py's, the
broker's users and queues broker.py's, the webhook POST webhooks.py's.
"""
from datetime import timedelta

from marshmallow import ValidationError
from nameko.messaging import consume

from services.feeds import backfills, exceptions, rules, schemas, sender, views, webhooks
from services.feeds.amqp import DepartmentQueues, HandlerQueues
from services.feeds.backfills import BACKFILLS
from services.feeds.broker import Broker
from services.feeds.config import FeedsSettings
from services.feeds.counts import QueuedCounts
from services.feeds.fanout import Feed
from services.feeds.replays import QUEUED, REPLAYS, RUNNING
from services.feeds.schemas import ACTIVE, AMQP, HTTPS, PAUSED, REVOKED
from services.feeds.storage import FeedsStore
from shared.caller import UNION_STAFF
from shared.clock import utcnow
from shared.department_feed import event_type_name
from shared.events import UnknownEvent, read_event
from shared.inbox import EventConsumer
from shared.mongo import MongoStore
from shared.rpc import rpc
from shared.schemas import dump, load
from shared.service import ServiceBase, Settings
from shared.timers import every
from shared.topology import archive_queue

REPLAY_PAGE = 200
REPLAY_PAGES_PER_TICK = 5
REPLAY_LEASE = timedelta(seconds=30)


class FeedsService(ServiceBase, EventConsumer):
    name = "feeds"

    store = MongoStore(FeedsStore)
    settings = Settings(FeedsSettings.from_config)
    broker = Broker()
    publish = DepartmentQueues()
    send_to_handler = HandlerQueues()
    queued = QueuedCounts()

    # ---- every event: to the departments, then into the archive ----------------------

    @consume(archive_queue(), requeue_on_error=True)
    def take_event(self, payload):
        try:
            envelope = read_event(payload)
        except (ValidationError, UnknownEvent, TypeError) as exc:
            self.inbox.dead_letter("take_event", payload, "invalid event: {!r}".format(exc), 0)
            return
        if self.store.is_archived(envelope["id"]):
            return  # a repeat: delivered and archived the first time
        type_name = event_type_name(envelope["source"], envelope["type"])
        now = utcnow()
        # payload, not envelope: departments get the data as it was sent.
        self.queued.add(self._feed().deliver(payload, self.store.receivers_of(type_name), now))
        self.store.archive(payload, type_name, self.settings.retention_days, now)

    def _feed(self):
        return Feed(self.store, self.publish, self.settings.pseudonym_key)

    # ---- staff: departments ------------------------------------------------------------

    @rpc
    def register_department(self, request):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.DepartmentCreateRequest, request)
        if fields["delivery"] == HTTPS:
            rules.check_webhook(fields["webhook_url"], self.settings.allowed_networks)
        department_id = rules.new_id()
        api_key, key_hash = rules.new_api_key(department_id)
        now = utcnow()
        document = dict(fields, _id=department_id, status=ACTIVE, key_hash=key_hash,
                        created_at=now, created_by=staff.id, delivered=0)
        password, secret = self._provision(document)
        self.store.add_department(document)
        return dump(schemas.DepartmentCreated, {
            "department": views.department(document, self._stats(document, now)),
            "credentials": self._credentials(document, api_key, password, secret)})

    def _provision(self, document):
        """The broker user and queue of an AMQP department (password), or the
        signing secret of an HTTPS one (kept in ``document``)."""
        if document["delivery"] == AMQP:
            password = rules.new_broker_password()
            self.broker.provision(document["_id"], password, document["event_types"])
            return password, None
        document["webhook_secret"] = webhooks.new_secret()
        return None, document["webhook_secret"]

    def _credentials(self, document, api_key, password, secret):
        return views.credentials(document["_id"], api_key, document["delivery"],
                                 self.settings.department_amqp_url, password, secret)

    @rpc
    def list_departments(self):
        self.caller.require_role(UNION_STAFF)
        now = utcnow()
        return dump(schemas.DepartmentList, {"items": [
            views.department(document, self._stats(document, now))
            for document in self.store.list_departments()]})

    @rpc
    def get_department(self, department_id):
        self.caller.require_role(UNION_STAFF)
        return self._view(self.store.get_department(department_id))

    def _view(self, document):
        return dump(schemas.DepartmentView,
                    views.department(document, self._stats(document, utcnow())))

    def _stats(self, document, now):
        if document["status"] == REVOKED:
            return views.stats(document, 0, 0, None, now)
        counts = self.store.delivery_counts(document["_id"])
        if document["delivery"] == AMQP:
            waiting, oldest = self.broker.queue_state(document["_id"])
            oldest = views.utc_from_timestamp(oldest)
        else:
            waiting, oldest = counts["pending"], self.store.oldest_waiting(document["_id"])
        return views.stats(document, waiting, counts["parked"], oldest, now)

    @rpc
    def update_department(self, department_id, request):
        self.caller.require_role(UNION_STAFF)
        changes = load(schemas.DepartmentUpdateRequest, request)
        document = self.store.get_department(department_id)
        rules.check_not_revoked(document)
        now = utcnow()
        if "webhook_url" in changes:
            rules.check_webhook_change(document, changes["webhook_url"],
                                       self.settings.allowed_networks)
        if "event_types" in changes and document["delivery"] == AMQP:
            self.broker.bind(department_id, changes["event_types"])
        resumed_from = self._pause_change(document, changes, now)
        document = self.store.update_department(department_id, changes, now)
        if resumed_from is not None:  # nothing published while paused is missed
            self._start_replay(document, {"since": resumed_from, "until": now,
                                          "event_types": None}, "resume", now)
        return self._view(document)

    @staticmethod
    def _pause_change(document, changes, now):
        """Turn ``paused`` into the status change; when resuming, since when
        the department missed events."""
        paused = changes.pop("paused", None)
        if paused is True and document["status"] == ACTIVE:
            changes.update(status=PAUSED, paused_at=now)
        elif paused is False and document["status"] == PAUSED:
            changes.update(status=ACTIVE, paused_at=None)
            return document["paused_at"]
        return None

    @rpc
    def rotate_credentials(self, department_id):
        """New credentials, shown once; the old ones stop working at once."""
        self.caller.require_role(UNION_STAFF)
        document = self.store.get_department(department_id)
        rules.check_not_revoked(document)
        api_key, key_hash = rules.new_api_key(department_id)
        password = secret = None
        if document["delivery"] == AMQP:
            password = rules.new_broker_password()
            self.broker.set_password(department_id, password)
        else:
            secret = webhooks.new_secret()
        changes = {"key_hash": key_hash}
        if secret:
            changes["webhook_secret"] = secret
        document = self.store.update_department(department_id, changes, utcnow())
        return dump(schemas.Credentials, self._credentials(document, api_key, password, secret))

    @rpc
    def revoke_department(self, department_id):
        """For good: its broker user, queue and connections go, its API key
        and signing secret stop working, nothing waiting is sent."""
        self.caller.require_role(UNION_STAFF)
        document = self.store.get_department(department_id)
        rules.check_not_revoked(document)
        if document["delivery"] == AMQP:
            self.broker.remove(department_id)
        now = utcnow()
        document = self.store.update_department(department_id, {
            "status": REVOKED, "revoked_at": now, "key_hash": None, "webhook_secret": None},
            now)
        self.store.drop_deliveries(department_id)
        self.store.end_replays(department_id, now)
        return self._view(document)

    # ---- parked HTTPS deliveries ---------------------------------------------------------

    @rpc
    def list_parked(self, department_id):
        self.caller.require_role(UNION_STAFF)
        self._webhook_department(department_id)
        return dump(schemas.ParkedList, {"items": [
            views.parked(item) for item in self.store.parked(department_id)]})

    @rpc
    def redeliver_parked(self, department_id):
        self.caller.require_role(UNION_STAFF)
        self._webhook_department(department_id)
        return dump(schemas.Redelivered, {
            "redelivered": self.store.redeliver_parked(department_id, utcnow())})

    def _webhook_department(self, department_id):
        document = self.store.get_department(department_id)
        if document["delivery"] != HTTPS:
            raise exceptions.not_webhook()
        return document

    # ---- replays: staff, or the department with its key ----------------------------------

    @rpc
    def request_replay(self, department_id, request):
        staff = self.caller.require_role(UNION_STAFF)
        document = self.store.get_department(department_id)
        return self._replay_requested(document, request, "staff:" + staff.id)

    @rpc
    def request_own_replay(self, request, department_key=None):
        return self._replay_requested(self._by_key(department_key), request, "department")

    def _replay_requested(self, document, request, requested_by):
        fields = load(schemas.ReplayRequest, request)
        rules.check_not_revoked(document)
        replay = self._start_replay(document, fields, requested_by, utcnow())
        return dump(schemas.ReplayView, views.replay(replay))

    def _start_replay(self, document, fields, requested_by, now):
        until = fields["until"] or now
        rules.check_replay_window(fields["since"], until, now)
        types = rules.replay_types(document, fields["event_types"])
        return self.store.add_replay({
            "_id": rules.new_id(), "department_id": document["_id"],
            "since": fields["since"], "until": until, "event_types": types,
            "status": RUNNING, "after": None, "lease_until": None, "delivered": 0,
            "total": self.store.count_archived(types, fields["since"], until),
            "requested_by": requested_by, "created_at": now})

    @rpc
    def get_replay(self, department_id, replay_id):
        self.caller.require_role(UNION_STAFF)
        return dump(schemas.ReplayView,
                    views.replay(self.store.get_replay(department_id, replay_id)))

    @rpc
    def get_own_replay(self, replay_id, department_key=None):
        document = self._by_key(department_key)
        return dump(schemas.ReplayView,
                    views.replay(self.store.get_replay(document["_id"], replay_id)))

    def _by_key(self, department_key):
        key = load(schemas.DepartmentKeyHeader, {"department_key": department_key})
        document = self.store.department_by_key_hash(rules.key_hash(key["department_key"]))
        if document is None:
            raise exceptions.bad_department_key()
        return document

    # ---- backfills: a service's handlers given the archive (staff) -------------------------

    @rpc
    def request_backfill(self, request):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.BackfillRequest, request)
        now = utcnow()
        handlers = backfills.handlers_of(fields["service"])
        until = fields["until"] or now
        rules.check_backfill_window(fields["since"], until, now, self.settings.retention_days)
        types = sorted({handler["event_type"] for handler in handlers})
        backfill = self.store.add_backfill({
            "_id": rules.new_id(), "service": fields["service"], "handlers": handlers,
            "since": fields["since"], "until": until, "event_types": types,
            "status": QUEUED, "after": None, "lease_until": None, "delivered": 0,
            "total": self.store.count_archived(types, fields["since"], until),
            "requested_by": "staff:" + staff.id, "created_at": now})
        return dump(schemas.BackfillView, views.backfill(backfill))

    @rpc
    def get_backfill(self, backfill_id):
        self.caller.require_role(UNION_STAFF)
        return dump(schemas.BackfillView, views.backfill(self.store.get_backfill(backfill_id)))

    @rpc
    def list_backfills(self):
        self.caller.require_role(UNION_STAFF)
        return dump(schemas.BackfillList, {"items": [
            views.backfill(document) for document in self.store.list_backfills()]})

    # ---- the timer: HTTPS deliveries, replays and backfills move on -----------------------

    @every("FEEDS_SEND_SECONDS")
    def send_on(self):
        self._job_pages(REPLAYS, self._replay_page)
        self._job_pages(BACKFILLS, self._backfill_page)
        sender.send_due(self.store, self.settings)
        self.queued.flush(self.store, utcnow())

    def _job_pages(self, jobs, send_page):
        """Up to REPLAY_PAGES_PER_TICK pages of one kind of job (replays.py),
        oldest job first. A page's cursor is saved only once ``send_page``
        has sent all of it: a crash in between sends that page again."""
        for _ in range(REPLAY_PAGES_PER_TICK):
            now = utcnow()
            job = self.store.claim_replay(now, REPLAY_LEASE, jobs)
            if job is None:
                return
            page = send_page(job, now)
            if page is None:
                continue  # not now: its lease runs out, it is taken up again later
            after = (page[-1]["time"], page[-1]["_id"]) if page else job["after"]
            self.store.advance_replay(job["_id"], after, len(page),
                                      len(page) < REPLAY_PAGE, now, jobs)

    def _archived_page(self, job):
        return self.store.archived_page(job["event_types"], job["since"], job["until"],
                                        job["after"], REPLAY_PAGE)

    def _replay_page(self, replay, now):
        department = self.store.get_department(replay["department_id"])
        if department["status"] != ACTIVE:
            return None  # paused
        page = self._archived_page(replay)
        feed = self._feed()
        for entry in page:
            self.queued.add(feed.deliver(entry["envelope"], [department], now,
                                         replay_id=replay["_id"]))
        return page

    def _backfill_page(self, backfill, now):
        """Each envelope as it was published, onto each handler queue of the
        service for its type (confirmed one by one)."""
        page = self._archived_page(backfill)
        handlers = backfills.handlers_by_type(backfill)
        for entry in page:
            envelope = entry["envelope"]
            for handler in handlers[event_type_name(envelope["source"], envelope["type"])]:
                self.send_to_handler(handler, envelope)
        return page


SERVICE = FeedsService
