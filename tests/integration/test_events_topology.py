"""Every service declares every subscription queue at start-up, read off the
services' handlers: identity, which handles no event, declares the queues of
courses', learning's and the ledger's handlers (its earning table's too)."""
from services.identity.service import IdentityService
from services.ledger.schemas import EARNINGS
from shared.topology import queue_name, subscriptions
from tests.support import broker


def test_a_service_that_handles_nothing_declares_every_other_service_s_queues(
        container_factory, service_config, amqp_uri):
    everyone = subscriptions()
    assert {("ledger", "handle_" + code) for code in EARNINGS} <= \
        {(service, method) for _, _, service, method in everyone}
    broker.delete_queues(amqp_uri, everyone)
    container_factory(IdentityService, service_config).start()
    for subscription in everyone:
        assert broker.queue_exists(amqp_uri, queue_name(*subscription)), subscription
