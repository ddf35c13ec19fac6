"""The events one write recorded, with the outbox that holds them.

courses keeps events in two kinds of outbox: the outbox collection, written in
a transaction with the change, and on the rush's hot path the seat or place
document itself (shared/outbox.EmbeddedOutbox). The relay marks events sent
where they are stored, so every write verb returns its events as ``Events``:
service.py hands them on as they come, ``relay.publish(events, events.outbox)``,
without knowing which write keeps them where.
"""


class Events(list):
    """Envelopes (what the relay publishes) that know their outbox. An empty
    ``Events()`` recorded nothing, so it needs none."""

    def __init__(self, envelopes=(), outbox=None):
        super().__init__(envelopes)
        self.outbox = outbox
