"""The earning table (services/ledger/earnings.py) against the events it reads,
and the API schemas as the leaf module the gateway imports."""
import json
import string
import subprocess
import sys
from pathlib import Path

import pytest

from services.ledger import rules
from services.ledger.earnings import EARNINGS
from shared.events import schema_for

ROOT = Path(__file__).resolve().parents[2]
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


def test_the_api_schemas_load_no_ledger_logic():
    """The gateway imports services.ledger.schemas: it must not bring the
    ledger's rules, periods, storage or service along."""
    code = ("import json, sys, services.ledger.schemas; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('services'))))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                                       capture_output=True, text=True).stdout)
    assert loaded == ["services", "services.ledger", "services.ledger.earnings",
                      "services.ledger.schemas"]
