"""A department's consumer of its own queue on the Hongyi broker: the
smallest correct one. It reads with the department's own user (which may
read that one queue and do nothing else, so it declares nothing), acks each
message once it is handled, and drops repeats by the event's id (delivery is
at least once). Each message is a CloudEvent in structured mode
(application/cloudevents+json).

    python examples/amqp_consumer.py --url amqp://dept-…:…@127.0.0.1:5672/ --queue dept.…

Both values are in the credentials shown when the department was registered
(or its credentials rotated). --limit N stops after N events. A real
consumer keeps the ids it has seen in its database, not in memory.
"""
import argparse
import json
import socket

from kombu import Connection, Consumer, Queue


def consume(url, queue_name, on_event, limit=None, idle_seconds=None):
    """Hand each new event to ``on_event``; returns the events taken. Stops
    after ``limit`` events, or ``idle_seconds`` without one."""
    seen, taken = set(), []

    def on_message(message):
        event = json.loads(message.body)
        if event["id"] not in seen:
            seen.add(event["id"])
            taken.append(event)
            on_event(event)
        message.ack()

    with Connection(url) as connection:
        # no_declare: the department's user may not declare anything; its
        # queue is there already, bound to exactly its event types.
        queue = Queue(queue_name, no_declare=True)
        with Consumer(connection, queues=[queue], on_message=on_message, prefetch_count=50):
            while limit is None or len(taken) < limit:
                try:
                    connection.drain_events(timeout=idle_seconds)
                except socket.timeout:
                    break
    return taken


def show(event):
    print("{} {}.{}{} {}".format(
        event["time"], event["source"], event["type"],
        " (replayed)" if event.get("replayed") else "",
        json.dumps(event["data"], ensure_ascii=False)), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="amqp://user:password@host:port/vhost")
    parser.add_argument("--queue", required=True, help="dept.<department id>")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--idle-seconds", type=float, default=None)
    args = parser.parse_args()
    consume(args.url, args.queue, show, args.limit, args.idle_seconds)


if __name__ == "__main__":
    main()
