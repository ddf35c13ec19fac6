"""ledger: one points balance per worker, and the statement that explains it.

Entrypoints only (the earning handlers are made from the table in
schemas.py): earning rules are in rules.py, expiry order in lots.py,
posting entries in posting.py, data and reports behind the store's verbs
(storage.py), which are told the time.
"""
from shared.rpc import rpc
from nameko.timer import timer

from services.ledger import schemas
from services.ledger.config import LedgerSettings
from services.ledger.schemas import EARNINGS
from services.ledger.storage import LedgerStore
from shared.caller import UNION_STAFF
from shared.clock import utcnow
from shared.batches import BatchEventConsumer, handles_in_batches
from shared.inbox import handles
from shared.mongo import MongoStore
from shared.outbox import EventSource
from shared.schemas import dump, load
from shared.service import ServiceBase, Settings
from shared.worker_facts import KeepsWorkerFacts

EXPIRY_INTERVAL_SECONDS = 60


def event_source(envelope):
    """An entry's unique source for an event: the same event posts once."""
    return "{}.{}:{}".format(envelope["source"], envelope["type"], envelope["id"])


HANDLER_PREFIX = "handle_"


def handler_name(code):
    return HANDLER_PREFIX + code


def earning_code(name):
    """The earning of a handler named by handler_name (a batch's deliveries
    name their handler)."""
    return name[len(HANDLER_PREFIX):]


def earning_handler(code, earning):
    """``handle_<code>``: the event through the current rules. It returns the
    points_awarded it recorded: they are published once the inbox's
    transaction commits. Its queue's deliveries are applied in batches
    (LedgerService.apply_event_batch); alone, it applies one event."""
    def handle(self, data, envelope, session):
        return self.store.earn(code, data, event_source(envelope), session, utcnow())
    handle.__name__ = handler_name(code)
    handle.__qualname__ = "LedgerService." + handle.__name__
    return handles_in_batches(earning.source, code)(handle)


def with_earning_handlers(cls):
    """One handler per entry of the earning table (services/ledger/schemas.py).
    Named ``handle_<event>`` as when they were written by hand: nameko names
    their queues after them, and events may be waiting there."""
    for code, earning in EARNINGS.items():
        setattr(cls, handler_name(code), earning_handler(code, earning))
    return cls


@with_earning_handlers
class LedgerService(ServiceBase, EventSource, BatchEventConsumer, KeepsWorkerFacts):
    """Also earns from every event of the earning table (with_earning_handlers),
    in batches."""
    name = "ledger"

    store = MongoStore(LedgerStore)
    settings = Settings(LedgerSettings.from_config)

    def apply_event_batch(self, events, session):
        """Earning events, in the order delivered (shared/batches.py)."""
        return self.store.earn_all(
            [(earning_code(handler), envelope["data"], event_source(envelope))
             for handler, envelope in events], session, utcnow())

    # ---- workers: balance, statement, rewards ------------------------------

    @rpc
    def get_my_points(self):
        worker = self.caller.require_authenticated()
        return dump(schemas.Balance, self.store.balance(worker.id, utcnow()))

    @rpc
    def list_my_entries(self, query):
        worker = self.caller.require_authenticated()
        return self._statement(worker.id, query)

    @rpc
    def list_rewards(self):
        self.caller.require_authenticated()
        return dump(schemas.RewardList, {"items": self.store.list_rewards()})

    @rpc
    def redeem_reward(self, reward_id, idempotency_key=None):
        worker = self.caller.require_authenticated()
        key = load(schemas.RequiredKey, {"idempotency_key": idempotency_key})["idempotency_key"]
        redemption, events = self.store.redeem(worker.id, reward_id, key, utcnow())
        self.relay.publish(events)
        return dump(schemas.RedemptionView, redemption)

    @rpc
    def list_my_redemptions(self, query):
        worker = self.caller.require_authenticated()
        params = load(schemas.StatementQuery, query)
        items, total = self.store.my_redemptions(worker.id, params["page"], params["per_page"])
        return dump(schemas.RedemptionPage, dict(params, items=items, total=total))

    def _statement(self, worker_id, query):
        params = load(schemas.StatementQuery, query)
        items, total = self.store.statement(worker_id, params["page"], params["per_page"])
        return dump(schemas.EntryPage, dict(params, items=items, total=total))

    # ---- staff -------------------------------------------------------------

    @rpc
    def get_account(self, worker_id):
        self.caller.require_role(UNION_STAFF)
        self.store.get_account(worker_id)
        return dump(schemas.Balance, self.store.balance(worker_id, utcnow()))

    @rpc
    def list_worker_entries(self, worker_id, query):
        self.caller.require_role(UNION_STAFF)
        self.store.get_account(worker_id)
        return self._statement(worker_id, query)

    @rpc
    def adjust_points(self, request, idempotency_key=None):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.AdjustmentRequest, request)
        key = load(schemas.RequiredKey, {"idempotency_key": idempotency_key})["idempotency_key"]
        entry, events = self.store.adjust(staff.id, fields, key, utcnow())
        self.relay.publish(events)
        return dump(schemas.EntryView, entry)

    @rpc
    def reverse_entry(self, entry_id, request):
        staff = self.caller.require_role(UNION_STAFF)
        why = load(schemas.ReversalRequest, request)["reason"]
        entry, events = self.store.reverse(entry_id, staff.id, why, utcnow())
        self.relay.publish(events)
        return dump(schemas.EntryView, entry)

    @rpc
    def get_rules(self):
        self.caller.require_role(UNION_STAFF)
        return self._rule_set(self.store.current_rules())

    @rpc
    def set_rules(self, request):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.RuleSetRequest, request)
        return self._rule_set(self.store.save_rules(
            fields["rules"], staff.id, fields.get("based_on_version"), utcnow()))

    @staticmethod
    def _rule_set(rule_set):
        return dump(schemas.RuleSet, dict(rule_set, version=rule_set["_id"]))

    @rpc
    def create_reward(self, request):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.RewardCreateRequest, request)
        return dump(schemas.RewardView, self.store.create_reward(fields, staff.id, utcnow()))

    @rpc
    def update_reward(self, reward_id, request):
        self.caller.require_role(UNION_STAFF)
        changes = load(schemas.RewardUpdateRequest, request)
        return dump(schemas.RewardView, self.store.update_reward(reward_id, changes, utcnow()))

    @rpc
    def get_leaderboard(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.LeaderboardQuery, query)
        return dump(schemas.Leaderboard, self.store.leaderboard(params, utcnow()))

    @rpc
    def export_entries_csv(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.ExportQuery, query)
        return dump(schemas.CsvExport, 
            self.store.export(params, self.settings.export_max_rows))

    @rpc
    def reconcile_balances(self, query=None):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.ReconcileQuery, query or {})
        return dump(schemas.Reconciliation, self.store.reconcile(params.get("worker_id")))

    # ---- expiry ------------------------------------------------------------

    @timer(interval=EXPIRY_INTERVAL_SECONDS)
    def expire_points(self):
        self.relay.publish(self.store.expire_due(utcnow()))

    # ---- what the ledger keeps from courses (from identity: KeepsWorkerFacts)

    @handles("courses", "class_published")
    def handle_class_published(self, data, envelope, session):
        self.store.remember_class(data, session)

    @handles("courses", "class_updated")
    def handle_class_updated(self, data, envelope, session):
        self.store.remember_class(data, session)


SERVICE = LedgerService
