"""The union-membership rules, apart from storage: who may apply, and what a
worker's membership says at each step (none → pending → member or
rejected). Pure functions, unit-tested in tests/unit/test_identity_membership.py.
"""
from services.identity import exceptions

NONE, PENDING, MEMBER, REJECTED = "none", "pending", "member", "rejected"
NO_MEMBERSHIP = {"status": NONE, "member_number": None, "application_id": None,
                 "applied_at": None, "decided_at": None, "reason": None}


def check_can_apply(membership):
    """Anyone but a member or a worker already waiting (a rejected worker may
    apply again)."""
    if membership["status"] == MEMBER:
        raise exceptions.already_member()
    if membership["status"] == PENDING:
        raise exceptions.application_pending()


def pending(application):
    """The worker's membership while ``application`` waits for staff."""
    return dict(NO_MEMBERSHIP, status=PENDING, application_id=application["_id"],
                applied_at=application["applied_at"])


def decision(approve, staff_id, reason, now):
    """What deciding sets on the application (an approval's member number is
    added by the store, which counts them)."""
    return {"status": "approved" if approve else "rejected", "decided_at": now,
            "decided_by": staff_id, "reason": reason}


def decided(application):
    """The worker's membership once ``application`` is decided."""
    approved = application["status"] == "approved"
    return {"status": MEMBER if approved else REJECTED,
            "member_number": application.get("member_number"),
            "application_id": application["_id"],
            "applied_at": application["applied_at"],
            "decided_at": application["decided_at"], "reason": application["reason"]}


def member_number(year, sequence):
    """HY + year + a six-digit sequence that restarts each year."""
    return "HY{}{:06d}".format(year, sequence)
