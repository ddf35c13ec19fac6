"""The relay marks events sent where they are stored: the outbox collection,
or the outbox an ``Events`` names (a seat's or place's own document)."""
from shared.outbox import Events, Relay


class FakeOutbox:
    def __init__(self, stale=()):
        self.stale, self.sent, self.released = list(stale), [], []

    def claim_stale(self):
        return list(self.stale)

    def mark_sent(self, event_ids):
        self.sent += list(event_ids)

    def release(self, event_ids):
        self.released += list(event_ids)


def envelope(event_id):
    return {"id": event_id, "type": "seat_booked"}


def relay_over(collection, *embedded, refuse=()):
    published = []

    def dispatch(event_type, payload):
        if payload["id"] in refuse:
            raise ConnectionError("broker down")
        published.append(payload["id"])
    return Relay(dispatch, collection, embedded), published


def test_a_plain_list_is_marked_sent_in_the_outbox_collection():
    collection, seats = FakeOutbox(), FakeOutbox()
    relay, published = relay_over(collection, seats)
    relay.publish([envelope("e1"), envelope("e2")])
    assert published == ["e1", "e2"]
    assert (collection.sent, seats.sent) == (["e1", "e2"], [])


def test_events_that_name_their_outbox_are_marked_sent_there():
    collection, seats = FakeOutbox(), FakeOutbox()
    relay, _ = relay_over(collection, seats)
    relay.publish(Events([envelope("e1")], seats))
    assert (collection.sent, seats.sent) == ([], ["e1"])


def test_a_refused_publish_leaves_it_and_the_rest_to_the_timer_where_they_are():
    collection, seats = FakeOutbox(), FakeOutbox()
    relay, published = relay_over(collection, seats, refuse={"e2"})
    relay.publish(Events([envelope("e1"), envelope("e2"), envelope("e3")], seats))
    assert published == ["e1"]
    assert (seats.sent, seats.released) == (["e1"], ["e2", "e3"])


def test_the_timer_republishes_each_outboxs_stale_events_and_marks_them_there():
    collection = FakeOutbox([envelope("c1")])
    seats, places = FakeOutbox([envelope("s1")]), FakeOutbox([envelope("p1")])
    relay, published = relay_over(collection, seats, places)
    relay.republish_stale()
    assert published == ["c1", "s1", "p1"]
    assert (collection.sent, seats.sent, places.sent) == (["c1"], ["s1"], ["p1"])
