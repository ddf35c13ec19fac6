"""The RPC entrypoint every service uses: nameko's, plus deadlines.

``from shared.rpc import rpc`` instead of nameko's. A request whose caller
has stopped waiting is acknowledged and dropped before any work starts, and
one that starts is first announced to a caller that asked (shared/deadlines.py).
The check is made when the message is handed to the service, which is when
a worker starts: nameko prefetches no more messages than it has workers, so
a message never waits for one after this point. Messages a paused process
had prefetched are the ones this refuses when it resumes.
"""
import logging
import sys
import time

from nameko import rpc as nameko_rpc
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_URI_CONFIG_KEY
from pymongo.errors import ConnectionFailure

from shared import deadlines
from shared.errors import UNAVAILABLE_CODE, UNAVAILABLE_MESSAGE, Unavailable

log = logging.getLogger(__name__)


class Rpc(nameko_rpc.Rpc):
    def setup(self):
        super().setup()
        self.notes = Publisher(self.container.config[AMQP_URI_CONFIG_KEY],
                               serializer="json", retry=False)
        self.exchange = nameko_rpc.get_rpc_exchange(self.container.config)

    def handle_message(self, body, message):
        deadline = deadlines.deadline_of(message.headers)
        if deadline is not None and not self.admitted(deadline, message):
            self.rpc_consumer.queue_consumer.ack_message(message)
            return
        super().handle_message(body, message)

    def admitted(self, deadline, message):
        now = time.time()
        if now > deadline:
            self.refuse(message, "its caller stopped waiting {:.1f} s ago".format(
                now - deadline))
            return False
        if not deadlines.wants_note(message.headers):
            return True
        self.announce_start(message)
        if deadlines.late_for_note(deadline):
            self.refuse(message, "its started note may have come too late")
            return False
        return True

    def announce_start(self, message):
        properties = message.properties
        self.notes.publish({"started": True}, exchange=self.exchange,
                           routing_key=properties["reply_to"],
                           correlation_id=deadlines.note_id(properties["correlation_id"]))

    def handle_result(self, message, worker_ctx, result, exc_info):
        if exc_info is not None and isinstance(exc_info[1], ConnectionFailure):
            log.warning("%s: the database did not answer: %r",
                        worker_ctx.entrypoint.method_name, exc_info[1])
            exc_info = database_unavailable()
        return super().handle_result(message, worker_ctx, result, exc_info)

    def refuse(self, message, why):
        log.warning("not running %s: %s", message.delivery_info.get("routing_key"), why)


def database_unavailable():
    """The exc_info of the answer a caller gets while the database is down
    or restarting: a 503, not the driver's error as a 500."""
    try:
        raise Unavailable(UNAVAILABLE_CODE, UNAVAILABLE_MESSAGE)
    except Unavailable:
        return sys.exc_info()


rpc = Rpc.decorator
