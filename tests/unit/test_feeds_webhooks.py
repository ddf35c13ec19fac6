"""The webhook side of feeds without a network: what a POST carries and how
a department checks it (with the example receiver a department starts
from), where a webhook may point, and the backoff between attempts."""
import ipaddress
import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook

from examples.webhook_receiver import Receiver
from services.feeds import webhooks
from services.feeds.messages import department_event, http_body
from shared.events import new_event
from tests.support.event_samples import sample
from shared.event_schemas import EVENT_SCHEMAS

KEY = bytes(32)
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


@pytest.fixture
def receiver():
    secret = webhooks.new_secret()
    server = Receiver(("127.0.0.1", 0), secret, on_event=lambda event: None)
    yield server, secret
    server.server_close()


def delivery():
    envelope = new_event("stations", "station_visited",
                         sample(EVENT_SCHEMAS[("stations", "station_visited")]()), now=NOW)
    event = department_event(envelope, "dept-a", KEY)
    return event.get_id(), http_body(event)


def test_a_signed_delivery_is_taken_once_and_a_tampered_one_is_refused(receiver):
    server, secret = receiver
    event_id, body = delivery()
    headers = webhooks.signed_headers(secret, event_id, body, datetime.now(timezone.utc))
    assert headers["content-type"] == "application/cloudevents+json"
    assert server.take(body, headers) == 200
    assert server.take(body, headers) == 200  # a repeat: answered, not kept again
    assert [e["id"] for e in server.events] == [event_id]
    tampered = body.replace(b'"replayed": false', b'"replayed": true')
    assert tampered != body
    assert server.take(tampered, headers) == 400
    other = webhooks.signed_headers(webhooks.new_secret(), event_id, body,
                                    datetime.now(timezone.utc))
    assert server.take(body, other) == 400  # signed with another department's secret
    assert server.bad_signatures == 2 and len(server.events) == 1


def test_the_signature_is_standard_webhooks_over_id_time_and_body():
    secret = webhooks.new_secret()
    event_id, body = delivery()
    headers = webhooks.signed_headers(secret, event_id, body, NOW)
    assert headers["webhook-id"] == event_id and headers["webhook-timestamp"] == str(
        int(NOW.timestamp()))
    # verify() also checks the timestamp is recent: sign "now" for it.
    fresh = webhooks.signed_headers(secret, event_id, body, datetime.now(timezone.utc))
    assert Webhook(secret).verify(body, fresh)["id"] == event_id
    assert json.loads(body)["specversion"] == "1.0"


@pytest.mark.parametrize("url,allowed,refused", [
    ("https://93.184.216.34/hook", (), None),
    ("http://93.184.216.34/hook", (), "https"),
    ("https://10.0.0.8/hook", (), "内网"),
    ("https://192.168.1.2/hook", (), "内网"),
    ("https://127.0.0.1/hook", (), "内网"),
    ("https://[::1]/hook", (), "内网"),
    ("https://169.254.169.254/", (), "内网"),
    ("https://0.0.0.0/", (), "内网"),
    ("http://127.0.0.1:9000/hook", LOOPBACK, None),
    ("http://10.0.0.8/hook", LOOPBACK, "内网"),
    ("https://u:p@93.184.216.34/", (), "用户名"),
    ("https://93.184.216.34:notaport/", (), "格式"),
    ("file:///etc/passwd", (), "https"),
])
def test_where_a_webhook_may_point(url, allowed, refused):
    why = webhooks.refusal(url, allowed)
    assert (why is None) if refused is None else (refused in why)


def test_retries_back_off_doubling_to_ten_minutes():
    delays = [webhooks.retry_delay(n) for n in range(1, 15)]
    assert timedelta(seconds=0.8) <= delays[0] <= timedelta(seconds=1)
    assert timedelta(seconds=6.4) <= delays[3] <= timedelta(seconds=8)
    assert max(delays) <= timedelta(minutes=10) and delays[-1] >= timedelta(minutes=8)


def test_a_redirect_is_not_followed(tmp_path):
    """A 3xx is a failed attempt: following it could lead a signed event anywhere."""
    hits = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(302 if self.path == "/hook" else 200)
            self.send_header("Location", "/elsewhere")
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        event_id, body = delivery()
        why = webhooks.post("http://127.0.0.1:{}/hook".format(server.server_port),
                            webhooks.new_secret(), event_id, body, datetime.now(timezone.utc),
                            5, LOOPBACK)
    finally:
        server.shutdown()
        server.server_close()
    assert why == "HTTP 302" and hits == ["/hook"]
