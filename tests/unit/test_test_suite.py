"""scripts/test_suite.py (make test): which arguments name tests (then one
ordinary pytest run) and which are options passed to both tiers' runs."""
import re
from pathlib import Path

import pytest

from scripts.test_suite import END_TO_END_TIER, IN_PROCESS_TIERS, OWN_SYSTEMS, names_tests


@pytest.mark.parametrize("argument", [
    "tests/unit/test_tokens.py", "tests/e2e", "tests/unit/test_tokens.py::test_a",
    "tests/e2e/test_console.py::test_staff_see_seats_fall_live_and_approve_a_membership"])
def test_a_path_or_a_node_id_names_tests(argument):
    assert names_tests(argument)


@pytest.mark.parametrize("argument", ["-x", "--durations=30", "-k", "insight and not live",
                                      "--junitxml=/tmp/report.xml"])
def test_options_and_their_values_do_not(argument):
    assert not names_tests(argument)


def test_the_runs_cover_every_folder_of_tests_once():
    folders = {path.parent.as_posix() for path in Path("tests").rglob("test_*.py")}
    assert sorted([END_TO_END_TIER] + IN_PROCESS_TIERS) == sorted(folders)


@pytest.mark.parametrize("path", OWN_SYSTEMS)
def test_the_e2e_files_moved_beside_start_their_own_systems(path):
    """The in-process run has no e2e ``system``: a test there taking it
    would start a second shared system."""
    text = Path(path).read_text()
    assert Path(path).parent.as_posix() == END_TO_END_TIER
    assert not re.search(r"def test_\w+\((?:[^)]*[\s,(])?system[,)]", text)
