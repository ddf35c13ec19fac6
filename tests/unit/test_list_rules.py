"""The cross-field rule that a list holds each key once (shared/schemas.
refuse_repeats), as the schemas that use it apply it."""
import pytest
from marshmallow import ValidationError

from services.learning.schemas import SubmissionRequest
from services.ledger.schemas import RuleSetRequest

RULE = {"code": "quiz_passed", "label": "红色知识答题", "points": 10, "unit": "event"}


def test_two_rules_for_one_code_are_refused_and_one_each_is_not():
    with pytest.raises(ValidationError) as refused:
        RuleSetRequest().load({"rules": [RULE, dict(RULE, points=20)]})
    assert refused.value.messages == {"rules": ["每类活动只能有一条规则"]}
    loaded = RuleSetRequest().load({"rules": [RULE, dict(RULE, code="lesson_completed")]})
    assert [rule["code"] for rule in loaded["rules"]] == ["quiz_passed", "lesson_completed"]


def test_two_answers_to_one_question_are_refused_and_one_each_is_not():
    with pytest.raises(ValidationError) as refused:
        SubmissionRequest().load({"answers": [{"question_id": "q1", "choices": [0]},
                                              {"question_id": "q1", "choices": [1]}]})
    assert refused.value.messages == {"answers": ["每道题只能作答一次"]}
    loaded = SubmissionRequest().load({"answers": [{"question_id": "q1", "choices": [0]},
                                                   {"question_id": "q2", "choices": [1]}]})
    assert len(loaded["answers"]) == 2
