"""The membership rules as pure functions: who may apply, and what a worker's
membership says once they applied and once staff decided."""
from datetime import datetime, timedelta, timezone

import pytest

from services.identity import membership
from shared.errors import Conflict

APPLIED = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)
DECIDED = APPLIED + timedelta(days=1)
APPLICATION = {"_id": "a1", "worker_id": "w1", "status": "pending", "applied_at": APPLIED,
               "decided_at": None, "decided_by": None, "reason": None, "member_number": None}


@pytest.mark.parametrize("status, code", [("member", "ALREADY_MEMBER"),
                                          ("pending", "APPLICATION_PENDING")])
def test_members_and_workers_waiting_cannot_apply(status, code):
    with pytest.raises(Conflict) as raised:
        membership.check_can_apply(dict(membership.NO_MEMBERSHIP, status=status))
    assert raised.value.code == code


def test_anyone_else_may_apply_a_rejected_worker_too():
    membership.check_can_apply(membership.NO_MEMBERSHIP)
    membership.check_can_apply(dict(membership.NO_MEMBERSHIP, status="rejected"))


def test_an_application_makes_the_membership_pending():
    assert membership.pending(APPLICATION) == dict(
        membership.NO_MEMBERSHIP, status="pending", application_id="a1", applied_at=APPLIED)


def test_an_approval_makes_a_member_with_the_number():
    decision = membership.decision(True, "staff-1", None, DECIDED)
    assert decision == {"status": "approved", "decided_at": DECIDED,
                        "decided_by": "staff-1", "reason": None}
    approved = dict(APPLICATION, **decision, member_number="HY2026000007")
    assert membership.decided(approved) == {
        "status": "member", "member_number": "HY2026000007", "application_id": "a1",
        "applied_at": APPLIED, "decided_at": DECIDED, "reason": None}


def test_a_rejection_keeps_the_reason_and_gives_no_number():
    rejected = dict(APPLICATION, **membership.decision(False, "staff-1", "材料不全", DECIDED))
    assert membership.decided(rejected) == {
        "status": "rejected", "member_number": None, "application_id": "a1",
        "applied_at": APPLIED, "decided_at": DECIDED, "reason": "材料不全"}


def test_member_numbers_are_the_year_and_six_digits():
    assert membership.member_number(2026, 7) == "HY2026000007"
    assert membership.member_number(2027, 123456) == "HY2027123456"
