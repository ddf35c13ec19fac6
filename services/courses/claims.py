"""The per-worker cap, held under concurrency (a part of CoursesStore).

A worker may hold MAX_UPCOMING_BOOKINGS seats in classes not yet started.
Counting their seats and then taking one lets two taps on two classes at
once both pass the count, so a booking first takes a *claim*: one
conditional write on the worker's own ``claims`` document that counts the
upcoming claims there and adds one only below the cap. Then the seat, which
records its claim (``seat["claim"]``). A tap that took no seat gives the
claim back at once; every path that frees a seat (leaving, an offer running
out, a cancelled class) takes its claim away in the same write or
transaction, and a seat offered from the waitlist gets a claim with it. A
claim ends by itself when its class starts, as the cap counts only classes
not yet started.

A process that dies between the claim and the seat leaves a claim no seat
backs. It cannot be told from a tap still in flight until it is older than
CLAIM_LEASE; the next tap of that worker refused by the cap drops such
claims and tries once more (``drop_stale_claims``).
"""
from datetime import timedelta

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from shared.ids import new_id

# Far longer than any booking takes (the RPC timeout is seconds): an unbacked
# claim this old was left by a process that died.
CLAIM_LEASE = timedelta(minutes=2)


def create_claim_indexes(db):
    # Cancelling or moving a class finds its claims.
    db.claims.create_index([("claims.class_id", ASCENDING)])


def claim_token(seat):
    """The claim a held seat stands for; a seat taken before claims existed
    stands for one named after itself."""
    return seat.get("claim") or "seat:" + seat["_id"]


def claim_of(seat):
    return {"token": claim_token(seat), "class_id": seat["class_id"],
            "starts_at": seat["starts_at"], "at": seat["since"]}


def upcoming(claims, now):
    return {"$filter": {"input": claims, "as": "claim",
                        "cond": {"$gt": ["$$claim.starts_at", now]}}}


class ClaimsMixin:
    def claim_seat(self, worker_id, cls, held_seats, cap, now):
        """A new claim's token, or None when the worker's claims are for
        ``cap`` other classes not yet started. ``held_seats`` are the
        worker's upcoming seats as just read: a worker's first claims
        document starts from them. Past claims are dropped in the same write."""
        # {"$literal"} so that nothing in the seats' values is read as an expression.
        claims = upcoming({"$ifNull": ["$claims", {"$literal": [
            claim_of(seat) for seat in held_seats]}]}, now)
        token = new_id()
        new = {"token": token, "class_id": cls["_id"], "starts_at": cls["starts_at"], "at": now}

        # Taps of the worker on this same class (a double tap, a retry) may
        # each claim: only one of them can take its seat (one_per_worker).
        other_classes = {"$setUnion": [{"$map": {
            "input": claims, "as": "claim", "in": "$$claim.class_id"}}, []]}
        other_classes = {"$setDifference": [other_classes, [cls["_id"]]]}

        def attempt(upsert):
            written = self.db.claims.update_one(
                {"_id": worker_id, "$expr": {"$lt": [{"$size": other_classes}, cap]}},
                [{"$set": {"claims": {"$concatArrays": [claims, {"$literal": [new]}]}}}],
                upsert=upsert)
            return token if written.modified_count or written.upserted_id else None
        try:
            return attempt(upsert=True)
        except DuplicateKeyError:
            # The document exists and is at the cap, or a concurrent first
            # claim just made it: ask it again, without making one.
            return attempt(upsert=False)

    def give_back_claim(self, worker_id, token, session=None):
        self.db.claims.update_one({"_id": worker_id}, {"$pull": {"claims": {"token": token}}},
                                  session=session)

    def drop_stale_claims(self, worker_id, held_seats, now):
        """Drop the worker's claims that no held seat backs and that are
        older than CLAIM_LEASE (left by a process that died mid-booking);
        True if there were any."""
        doc = self.db.claims.find_one({"_id": worker_id}) or {"claims": []}
        backed = {claim_token(seat) for seat in held_seats}
        stale = [claim["token"] for claim in doc["claims"]
                 if claim["token"] not in backed and claim["at"] <= now - CLAIM_LEASE]
        if stale:
            self.db.claims.update_one({"_id": worker_id},
                                      {"$pull": {"claims": {"token": {"$in": stale}}}})
        return bool(stale)

    # ---- inside the transactions that free or offer seats ---------------------

    def _give_back_seat_claim(self, seat, session):
        self.give_back_claim(seat["holder"], claim_token(seat), session)

    def _add_claim(self, worker_id, seat, session):
        """The claim of a seat offered from the waitlist (the cap is not
        asked: the worker was let into the line below it)."""
        held = self.db.seats.find({"holder": worker_id, "starts_at": {"$gt": seat["since"]},
                                   "_id": {"$ne": seat["_id"]}}, session=session)
        seed = {"$literal": [claim_of(other) for other in held]}
        self.db.claims.update_one(
            {"_id": worker_id},
            [{"$set": {"claims": {"$concatArrays": [
                upcoming({"$ifNull": ["$claims", seed]}, seat["since"]),
                {"$literal": [claim_of(seat)]}]}}}],
            upsert=True, session=session)

    def _drop_class_claims(self, class_id, session):
        self.db.claims.update_many({"claims.class_id": class_id},
                                   {"$pull": {"claims": {"class_id": class_id}}},
                                   session=session)

    def _move_class_claims(self, class_id, starts_at, session):
        self.db.claims.update_many({"claims.class_id": class_id},
                                   {"$set": {"claims.$[moved].starts_at": starts_at}},
                                   array_filters=[{"moved.class_id": class_id}],
                                   session=session)
