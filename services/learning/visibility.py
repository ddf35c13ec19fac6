"""Who sees which lessons, apart from storage: drafts are for staff, and a
lesson is finished only once it is published. Pure functions, unit-tested in
tests/unit/test_learning_visibility.py.
"""
from services.learning import exceptions
from services.learning.schemas import PUBLISHED
from shared.caller import UNION_STAFF


def check_listable(status, caller):
    """Only staff list drafts (or everything)."""
    if status != PUBLISHED and UNION_STAFF not in caller.roles:
        raise exceptions.drafts_are_for_staff()


def check_readable(lesson, caller, to_complete=False):
    """An unpublished lesson does not exist for workers (404, not 403), nor
    for anyone finishing it: staff may read a draft but not complete it."""
    if lesson["status"] != PUBLISHED and (to_complete or UNION_STAFF not in caller.roles):
        raise exceptions.lesson_not_found()
