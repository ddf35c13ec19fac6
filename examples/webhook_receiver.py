"""A department's webhook receiver for the Hongyi event feed: the smallest
correct one. It checks every POST's signature (Standard Webhooks, with the
`standardwebhooks` library), answers 2xx only once an event is kept, and
drops repeats by the event's id (delivery is at least once).

    python examples/webhook_receiver.py --port 9000 --secret whsec_...

Register its address with the platform (https://… in production), and give
--secret the webhook_secret shown when the department was registered.
--fail-first N answers 503 to the first N deliveries, to watch the platform
retry. A real receiver keeps the ids it has seen in its database, not in
memory, and replies quickly (store first, process later).
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, secret, fail_first=0, on_event=print):
        super().__init__(address, ReceiverHandler)
        self.webhook = Webhook(secret)
        self.failures_left = fail_first
        self.on_event = on_event
        self.seen = set()
        self.events = []        # each event once, in the order received
        self.attempts = 0       # every POST, repeats and refusals included
        self.bad_signatures = 0
        self.lock = threading.Lock()

    def take(self, body, headers):
        """The HTTP status to answer a delivery with."""
        with self.lock:
            self.attempts += 1
            try:
                event = self.webhook.verify(body, headers)
            except WebhookVerificationError:
                self.bad_signatures += 1
                return 400
            if self.failures_left > 0:  # --fail-first: pretend to be down
                self.failures_left -= 1
                return 503
            if event["id"] in self.seen:
                return 200  # a repeat: kept already
            self.seen.add(event["id"])
            self.events.append(event)
        self.on_event(event)
        return 200


class ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(self.server.take(body, dict(self.headers)))
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass  # one line per event is printed instead


def show(event):
    print("{} {}.{}{} {}".format(
        event["time"], event["source"], event["type"],
        " (replayed)" if event.get("replayed") else "",
        json.dumps(event["data"], ensure_ascii=False)), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret", required=True, help="whsec_…")
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    server = Receiver((args.host, args.port), args.secret, args.fail_first, show)
    print("listening on http://{}:{}/".format(args.host, server.server_port), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
