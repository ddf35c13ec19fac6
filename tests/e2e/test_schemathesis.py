"""schemathesis, driven by the OpenAPI document the gateway serves, against the
running system: no answer is a 500, every answer matches its documented
schema, what the document allows is accepted and what it does not allow is
refused. A bounded, deterministic run (the same cases every time), once with
a union staff token over every operation and once with a worker's token.

Where the document cannot say a rule (one field compared with another: a
class ends after it starts), the operation says so in its description
(gateway/openapi.cross_field_rules) and a 422 for schema-valid data is
expected there, for those operations only.
"""
import re
import subprocess
import sys

import pytest

from gateway.openapi import cross_field_rules
from gateway.routes import ROUTES
from scripts.staff import ensure_staff
from tests.conftest import unique_phone
from tests.e2e.conftest import bearer

CHECKS = ("not_a_server_error", "response_schema_conformance",
          "positive_data_acceptance", "negative_data_rejection")
# Accepted for schema-valid data anywhere (schemathesis' default) ...
ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]
# ... and 422 where a cross-field rule may refuse it.
ACCEPTED_WITH_CROSS_FIELD_RULES = ACCEPTED + ["422"]
MAX_EXAMPLES = 4
DEADLINE_SECONDS = 420


def with_cross_field_rules():
    return sorted(route.rpc for route in ROUTES
                  if any(cross_field_rules(schema)
                         for schema in (route.body, route.query) if schema is not None))


def only(operation_ids):
    return "^({})$".format("|".join(operation_ids))


def toml_list(values):
    return "[{}]".format(", ".join('"{}"'.format(value) for value in values))


def config_text():
    return "\n".join([
        "[generation]",
        "max-examples = {}".format(MAX_EXAMPLES),
        "deterministic = true",      # the same cases on every run
        'mode = "all"',              # positive and negative data
        'database = "none"',         # nothing remembered between runs
        "[checks.positive_data_acceptance]",
        "expected-statuses = {}".format(toml_list(ACCEPTED)),
        # Requests with methods a route does not have: 405, tested in test_bad_input.
        "[phases.coverage]",
        "unexpected-methods = []",
        # Sequences of calls (links) are not declared in the document.
        "[phases.stateful]",
        "enabled = false",
        "[[operations]]",
        'include-operation-id-regex = "{}"'.format(only(with_cross_field_rules())),
        "checks.positive_data_acceptance.expected-statuses = {}".format(
            toml_list(ACCEPTED_WITH_CROSS_FIELD_RULES)),
        "",
    ])


def run_schemathesis(system, tmp_path, headers, *arguments):
    config = tmp_path / "schemathesis.toml"
    config.write_text(config_text())
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
               system.url + "/openapi.json", "--checks", ",".join(CHECKS), "--workers", "1",
               "--request-timeout", "15", "--no-color", *arguments]
    for name, value in headers.items():
        command += ["--header", "{}: {}".format(name, value)]
    # cwd: whatever schemathesis keeps on disk stays out of the repository.
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                          timeout=DEADLINE_SECONDS)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    generated = re.search(r"(\d+) generated", done.stdout)
    assert generated and int(generated.group(1)) > 0, done.stdout[-5000:]


@pytest.fixture
def own_staff(system, mongo_uri, log_in):
    """A staff account of the run's own: a fuzzed login may lock an account
    it finds, and the other tests' staff account must stay usable."""
    phone, password = unique_phone(), "Staff2026ok"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MONGO_URI", mongo_uri)
        patch.setenv("MONGO_DB_PREFIX", "e2e_")
        ensure_staff(phone, password, "沈建芳")
    return bearer(log_in(phone, password))


def test_every_operation_as_union_staff(system, tmp_path, own_staff):
    # It may save fuzzed earning rules, classes, lessons and quizzes: each test
    # that depends on the earning rules saves its own first (test_points,
    # test_learning), and the others look only at what they made.
    run_schemathesis(system, tmp_path, own_staff, "--phases", "examples,coverage,fuzzing")


def test_the_operations_a_worker_may_call_as_a_worker(system, tmp_path, new_worker):
    # Staff routes answer a worker 403 before anything else, each of them
    # checked in test_bad_input; the coverage phase (the document's
    # boundaries, the same whoever calls) ran in the staff run.
    staff_only = sorted(route.rpc for route in ROUTES if route.roles)
    run_schemathesis(system, tmp_path, new_worker().headers, "--phases", "examples,fuzzing",
                     "--exclude-operation-id-regex", only(staff_only))
