"""Who sees which lessons, as pure functions."""
import pytest

from services.learning import visibility
from shared.caller import Caller
from shared.errors import Forbidden, NotFound

WORKER = Caller(id="w1", roles=("worker",), session_id="s1")
STAFF = Caller(id="s1", roles=("worker", "union_staff"), session_id="s2")
DRAFT, PUBLISHED = {"_id": "l1", "status": "draft"}, {"_id": "l2", "status": "published"}


@pytest.mark.parametrize("status", ["draft", "all"])
def test_only_staff_list_drafts(status):
    with pytest.raises(Forbidden):
        visibility.check_listable(status, WORKER)
    visibility.check_listable(status, STAFF)
    visibility.check_listable("published", WORKER)


def test_a_draft_does_not_exist_for_workers_and_nobody_completes_it():
    with pytest.raises(NotFound) as raised:
        visibility.check_readable(DRAFT, WORKER)
    assert raised.value.code == "LESSON_NOT_FOUND"
    visibility.check_readable(DRAFT, STAFF)
    with pytest.raises(NotFound):
        visibility.check_readable(DRAFT, STAFF, to_complete=True)
    for caller in (WORKER, STAFF):
        visibility.check_readable(PUBLISHED, caller)
        visibility.check_readable(PUBLISHED, caller, to_complete=True)
