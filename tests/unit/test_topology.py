"""The subscription queues are read off the services' handlers
(shared/topology.py): written once, as a ``@handles`` method, or for the
ledger as an entry of its earning table."""
from nameko.containers import ServiceContainer
from nameko.events import EventHandler

from services.ledger import service as ledger_service
from services.ledger.schemas import EARNINGS, Earning
from services.ledger.service import LedgerService
from shared import topology
from shared.inbox import EventConsumer, handles
from shared.topology import handled_events, queue_name, subscriptions

CONFIG = {"AMQP_URI": "memory://"}


def nameko_queues(service_cls):
    """The queue names nameko itself gives the service's event handlers."""
    container = ServiceContainer(service_cls, CONFIG)
    names = set()
    for entrypoint in container.entrypoints:
        if isinstance(entrypoint, EventHandler):
            entrypoint.setup()
            names.add(entrypoint.queue.name)
    return names


def test_every_handler_of_every_service_is_declared_under_nameko_s_queue_name():
    declared = {queue_name(*s) for s in subscriptions()}
    for service_cls in topology.service_classes():
        assert nameko_queues(service_cls) <= declared, service_cls.name
    # Each service's handlers, as they were listed by hand before.
    assert queue_name("identity", "worker_registered", "courses",
                      "handle_worker_registered") in declared
    assert queue_name("identity", "profile_updated", "learning",
                      "handle_profile_updated") in declared
    assert queue_name("courses", "class_published", "ledger",
                      "handle_class_published") in declared


def test_a_new_handler_is_declared_by_being_written():
    class Newcomer(EventConsumer):
        name = "newcomer"

        @handles("courses", "seat_booked")
        def handle_seat_booked(self, data, envelope, session):
            pass

    assert handled_events(Newcomer) == (
        ("courses", "seat_booked", "newcomer", "handle_seat_booked"),)
    assert nameko_queues(Newcomer) == {"evt-courses-seat_booked--newcomer.handle_seat_booked"}


def test_a_method_that_overrides_a_handler_with_a_plain_one_is_not_declared():
    class Quiet(LedgerService):
        def handle_class_published(self, data, envelope, session):
            pass

    assert "handle_class_published" not in {s[3] for s in handled_events(Quiet)}
    assert "handle_class_updated" in {s[3] for s in handled_events(Quiet)}


def test_every_earning_in_the_table_has_a_handler_and_a_queue():
    declared = set(subscriptions())
    for code, earning in EARNINGS.items():
        method = "handle_" + code
        assert (earning.source, code, "ledger", method) in declared
        assert queue_name(earning.source, code, "ledger", method) in nameko_queues(LedgerService)


def test_an_earning_added_to_the_table_gets_its_handler_and_queue(monkeypatch):
    monkeypatch.setitem(EARNINGS, "job_completed",
                        Earning("jobs", "job_id", "completed_at", line="{label}"))

    @ledger_service.with_earning_handlers
    class Ledger(LedgerService):
        pass

    assert ("jobs", "job_completed", "ledger", "handle_job_completed") in handled_events(Ledger)
    assert "evt-jobs-job_completed--ledger.handle_job_completed" in nameko_queues(Ledger)
