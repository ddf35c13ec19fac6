"""The console's reader rules for live deltas (console/src/livestate.js),
checked by Node's own test runner: the page's logic, run as the page runs
it, without a browser. `make test` has Node (it builds the console)."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CONSOLE = Path(__file__).resolve().parents[2] / "console"


def test_the_live_view_applies_deltas_by_version_and_period():
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: `make test` needs it to build the console")
    done = subprocess.run([node, "--test", "test/"], cwd=CONSOLE, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    passed = re.search(r"^# pass (\d+)$", done.stdout, re.M)
    assert passed and int(passed.group(1)) >= 5 and "# fail 0" in done.stdout, done.stdout
