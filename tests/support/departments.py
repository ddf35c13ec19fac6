"""A department's side of the feed, for tests: register one as staff, read
its queue with its own credentials, receive its webhooks (the examples under
examples/ are the receivers; these drive them)."""
import json
import threading

from kombu import Connection
from standardwebhooks.webhooks import Webhook

from examples.webhook_receiver import Receiver

QUEUED_TYPES = ["identity.worker_registered", "stations.station_visited"]


def amqp_department(feeds, types=QUEUED_TYPES, name="县人力社保局"):
    """Registered through ``feeds`` (a staff proxy or client): (view, credentials)."""
    created = feeds.register_department({
        "name": name, "contact": "就业科 0573-86000000", "purpose": "岗位供需分析",
        "event_types": types, "delivery": "amqp"})
    return created["department"], created["credentials"]


def webhook_department(feeds, url, types=QUEUED_TYPES, name="县交通运输局"):
    created = feeds.register_department({
        "name": name, "contact": "运输科", "purpose": "货车司机服务",
        "event_types": types, "delivery": "https", "webhook_url": url})
    return created["department"], created["credentials"]


def read_queue(credentials, at_most=1000):
    """Every message now on the department's queue (taken and acked), parsed."""
    events = []
    with Connection(credentials["amqp"]["url"]) as connection:
        channel = connection.channel()
        while len(events) < at_most:
            message = channel.basic_get(credentials["amqp"]["queue"], no_ack=True)
            if message is None:
                return events
            events.append(json.loads(message.body))
    return events


class RunningReceiver:
    """examples/webhook_receiver.py's Receiver on a free loopback port, in a thread."""

    # Until the department is registered (its URL is this receiver's) and
    # the platform has made its secret: use_secret().
    PLACEHOLDER = "whsec_" + "QUFB" * 10

    def __init__(self, fail_first=0, secret=PLACEHOLDER):
        self.server = Receiver(("127.0.0.1", 0), secret, fail_first, on_event=lambda e: None)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:{}/hook".format(self.server.server_port)

    def use_secret(self, secret):
        self.server.webhook = Webhook(secret)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
