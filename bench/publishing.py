"""What the event benchmarks share: publishing as a service does, the bare
publish rate their ratios are taken against, and where a service spends its
time (its processes' CPU, its database's operations per event).

Used by bench/ledger.py, bench/feeds.py and bench/insight.py.
"""
import time
from datetime import datetime, timezone

from kombu import Connection, Exchange, Producer, Queue

from bench import rush_setup
from bench.cpu import CpuMeter, embedded_mongo_pids
from shared.mongo import connect, database_name
from shared.topology import events_exchange

# The bare publish's exchange and queue: nothing else is bound or reads.
SINK = "bench.sink"
# top's kinds of operation (its "total" sums them; the locks count them again).
OPERATIONS = ("queries", "getmore", "insert", "update", "remove", "commands")


class Publisher:
    """Envelopes to a topic exchange as a nameko service publishes them:
    JSON, persistent, each confirmed by the broker, one connection."""

    def __init__(self, amqp_uri):
        self.connection = Connection(amqp_uri, transport_options={"confirm_publish": True})
        self.producer = Producer(self.connection.channel(), serializer="json")

    def publish(self, envelope, exchange=None):
        """To ``exchange``, by default its source's ``<source>.events``."""
        self.producer.publish(envelope, routing_key=envelope["type"], delivery_mode=2,
                              exchange=exchange or events_exchange(envelope["source"]).name)

    def publish_all(self, envelopes, exchange=None):
        """Each stamped with the time it is published (a latency starts
        there); the seconds it all took."""
        started = time.perf_counter()
        for envelope in envelopes:
            envelope["time"] = now_text()
            self.publish(envelope, exchange)
        return time.perf_counter() - started

    def bare_publish(self, envelopes):
        """Seconds to publish ``envelopes`` to a durable exchange and queue of
        the benchmark's own that nobody reads (so each is routed and stored
        as a real one is), emptied and deleted afterwards: the yardstick of
        an event benchmark's ratio, measured in the same run."""
        exchange = Exchange(SINK, type="topic", durable=True, auto_delete=False)
        queue = Queue(SINK, exchange=exchange, routing_key="#", durable=True,
                      auto_delete=False)(self.connection.channel())
        queue.declare()
        try:
            return self.publish_all(envelopes, SINK)
        finally:
            queue.delete()

    def close(self):
        self.connection.close()


def now_text():
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def through_gateway(url, work, *args):
    """``work(http, *args)`` on a connection of its own: one left idle
    through the runs would have been closed by the gateway (keep-alive)."""
    http = rush_setup.Http(url)
    try:
        return work(http, *args)
    finally:
        http.close()


class ServiceProbe:
    """A service's process(es)' and the database's CPU, and the service's
    database's operations and their time in the server (``top``)."""

    def __init__(self, target, service):
        env = target.system.env
        self.service = service
        self.pids = [p.pid for p in target.system.services[service] if p.poll() is None]
        self.database_pids = embedded_mongo_pids(env["MONGO_URI"])
        self.client = connect(env["MONGO_URI"])
        self.prefix = database_name(env["MONGO_DB_PREFIX"], service) + "."

    def meter(self):
        return CpuMeter({self.service: self.pids, "database": self.database_pids},
                        time.perf_counter)

    def operations(self):
        """{"<collection>.<operation>": (count, microseconds)} on the
        service's database so far; None where ``top`` is refused."""
        totals = top_totals(self.client)
        if totals is None:
            return None
        return {"{}.{}".format(ns[len(self.prefix):], op): (v["count"], v["time"])
                for ns, ops in totals.items() if ns.startswith(self.prefix)
                for op, v in ops.items() if op in OPERATIONS}

    def close(self):
        self.client.close()


def top_totals(client):
    """The server's ``top``: {namespace: {operation: {count, time}}} so far,
    or None where it is refused (a MongoDB user without the right): the
    figures are then missing, not wrong."""
    try:
        return client.admin.command("top")["totals"]
    except Exception:  # top is optional
        return None


def server_ms_by_service(client, prefix):
    """{service: milliseconds its database's operations spent in the server
    so far} (``top``; {} where it is refused): who kept a shared embedded
    server busy."""
    spent = {}
    for namespace, ops in (top_totals(client) or {}).items():
        database = namespace.split(".", 1)[0]
        if database.startswith(prefix) and "total" in ops:
            service = database[len(prefix):]
            spent[service] = spent.get(service, 0) + ops["total"]["time"] / 1000.0
    return spent


def per_event(before, after, count):
    """{"<collection>.<op>": [operations, server ms] per event} between two
    readings of ``ServiceProbe.operations`` (empty if it was refused)."""
    if before is None or after is None:
        return {}
    spent = {}
    for name, (ops, micros) in after.items():
        ops_before, micros_before = before.get(name, (0, 0))
        if ops > ops_before:
            spent[name] = [round((ops - ops_before) / count, 3),
                           round((micros - micros_before) / 1000.0 / count, 3)]
    return spent


def totals(by_operation):
    """(operations, server ms) per event in all; NaN when ``top`` was refused."""
    if not by_operation:
        return float("nan"), float("nan")
    return (sum(ops for ops, _ in by_operation.values()),
            sum(ms for _, ms in by_operation.values()))
