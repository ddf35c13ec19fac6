"""The rules of booking a seat, separate from where seats are stored.

``book`` answers one tap on "book": a seat (booked), a place in line
(waitlisted), or a refusal that says why. It is written for the rush: the
checks that can refuse are reads, and the writes are single conditional
updates: the worker's claim under the per-worker cap (claims.py), then a seat
or a place. The claim is kept only with a seat.
"""
from pymongo.errors import DuplicateKeyError

from services.courses import exceptions
from shared.errors import DomainError
from shared.outbox import Events


HOLDING_CODES = ("ALREADY_BOOKED", "ALREADY_WAITLISTED")


def answer(kind, held, store):
    """What the worker is told about what they hold in a class."""
    if kind == "seat":
        return {"class_id": held["class_id"], "status": held["state"], "position": None,
                "offer_expires_at": held.get("offer_expires_at"), "at": held["since"]}
    return {"class_id": held["class_id"], "status": "waitlisted",
            "position": store.position(held), "offer_expires_at": None, "at": held["since"]}


def check_bookable(store, settings, cls, worker_id, holdings, now):
    if cls["status"] != "published":
        raise exceptions.class_not_bookable()
    if now < cls["booking_opens_at"]:
        raise exceptions.booking_not_open(cls["booking_opens_at"])
    if now >= cls["booking_closes_at"] or now >= cls["starts_at"]:
        raise exceptions.booking_closed()
    if cls["members_only"] and not store.is_member(worker_id):
        raise exceptions.members_only()
    # A read refuses the plain case without a write; claim() holds the cap
    # against taps of the same worker on other classes at the same instant.
    if len(upcoming_seats(holdings, now)) >= settings.max_upcoming_bookings:
        raise exceptions.booking_limit_reached(settings.max_upcoming_bookings)


def upcoming_seats(holdings, now):
    return [held for kind, held in holdings if kind == "seat" and held["starts_at"] > now]


def claim(store, settings, cls, worker_id, holdings, now):
    """The worker's claim to one more seat under the cap, or the refusal.
    A refusal first drops the claims a dead process left (claims.py)."""
    held, cap = upcoming_seats(holdings, now), settings.max_upcoming_bookings
    token = store.claim_seat(worker_id, cls, held, cap, now)
    if token is None and store.drop_stale_claims(worker_id, held, now):
        token = store.claim_seat(worker_id, cls, held, cap, now)
    if token is None:
        raise exceptions.booking_limit_reached(cap)
    return token


def replay(holdings, cls, key, store):
    """The answer to repeat for this Idempotency-Key, or None if it took
    nothing. Only what a key took is replayed: a refusal took nothing, so a
    retry of a refused tap is answered afresh (and may find a freed seat)."""
    if not key:
        return None
    for kind, held in holdings:
        if held["key"] == key:
            if held["class_id"] != cls["_id"]:
                raise exceptions.idempotency_key_reused()
            return answer(kind, held, store), Events()
    return None


def already_holding(holdings, cls):
    for kind, held in holdings:
        if held["class_id"] == cls["_id"]:
            return exceptions.already_holding(kind)
    return None


def book(store, settings, cls, worker_id, key, now):
    """(answer, the events to publish: none for a replay)."""
    holdings = store.holdings(cls["_id"], worker_id, key, now)
    earlier = replay(holdings, cls, key, store)
    if earlier is not None:
        return earlier
    holding = already_holding(holdings, cls)
    if holding:
        raise holding
    check_bookable(store, settings, cls, worker_id, holdings, now)
    token = claim(store, settings, cls, worker_id, holdings, now)
    took_seat = False
    try:
        kind, result, events = take(store, cls, worker_id, key, token, now)
        took_seat = kind == "seat"
        return result, events
    except DomainError as refusal:
        if key and refusal.code in HOLDING_CODES:
            # A concurrent twin with this same key took it: that is the answer.
            earlier = replay(store.holdings(cls["_id"], worker_id, key, now), cls, key, store)
            if earlier is not None:
                return earlier
        raise
    finally:
        if not took_seat:  # the claim is for a seat only
            store.give_back_claim(worker_id, token)


def take(store, cls, worker_id, key, claim, now):
    """(kind taken, answer, the events of what was taken)."""
    try:
        seat, events = store.take_seat(cls, worker_id, key, claim, now)
    except DuplicateKeyError:  # a concurrent tap of the same worker won
        raise exceptions.already_booked()
    if seat is not None:
        return "seat", answer("seat", seat, store), events
    try:
        place, events = store.take_place(cls, worker_id, key, now)
    except DuplicateKeyError:
        raise exceptions.already_waitlisted()
    if place is None:
        raise exceptions.class_full()
    if store.seat_of(cls["_id"], worker_id) is not None:
        # Two taps at once: one took a seat, this one a place. Keep the seat.
        store.give_back_place(place, events, now)
        raise exceptions.already_booked()
    return "place", answer("place", place, store), events
