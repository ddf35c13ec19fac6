"""Which points a debit uses and which expire: oldest first. Pure functions.

Every credit opens a lot (its own points, when earned, when they expire); a
debit takes from the open lots oldest first, so what is left to expire is
always the newest points. The sum of the lots' ``remaining`` is the balance,
an invariant the reconciliation checks (services/ledger/reports.py).
"""


class NotEnoughPoints(Exception):
    """The lots hold less than the debit: the balance check was bypassed."""


def oldest_first(lots, first=None):
    """Open lots in the order they are used: ``first`` (a lot id) before the
    rest, then by when they were earned, then by entry order."""
    return sorted((lot for lot in lots if lot["remaining"] > 0),
                  key=lambda lot: (lot["_id"] != first, lot["earned_at"], lot["seq"]))


def take(lots, amount, first=None):
    """[(lot id, points taken)] adding up to ``amount``."""
    taken, left = [], amount
    for lot in oldest_first(lots, first):
        if left == 0:
            break
        part = min(left, lot["remaining"])
        taken.append((lot["_id"], part))
        left -= part
    if left:
        raise NotEnoughPoints("{} points short".format(left))
    return taken


def due_to_expire(lots, now):
    """Open lots whose points expire at or before ``now``, oldest first: what
    the expiry timer takes (LedgerStore.expire_due)."""
    return [lot for lot in oldest_first(lots)
            if lot.get("expires_at") is not None and lot["expires_at"] <= now]
