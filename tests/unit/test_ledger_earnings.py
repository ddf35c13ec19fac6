"""The earning table (services/ledger/schemas.py) against the events it reads.
(That the schemas stay a leaf is tests/unit/test_gateway_imports_only_schemas.py.)"""
import string

import pytest

from services.ledger import rules
from services.ledger.schemas import EARNINGS
from shared.events import schema_for

RULE = {"code": "any", "label": "标签", "points": 1, "unit": "event"}


def named_in(line):
    return {name for _, name, _, _ in string.Formatter().parse(line) if name}


@pytest.mark.parametrize("code", sorted(EARNINGS))
def test_every_earning_reads_fields_its_event_has(code):
    earning = EARNINGS[code]
    carried = set(schema_for(earning.source, code).fields)  # UnknownEvent if no schema
    assert {earning.subject, earning.time} <= carried
    if earning.has_hours:
        assert "hours" in carried
    assert named_in(earning.line) <= carried | set(rules.line_words(RULE, {}))
