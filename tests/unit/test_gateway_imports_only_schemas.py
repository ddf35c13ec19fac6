"""The gateway's routes and OpenAPI document need a service's API schemas and
nothing else of it: no entrypoints, store, rules or scoring. A schema module
that borrows a constant from the domain drags the domain (and what it
imports) into every gateway process, and lets a domain change alter the
public contract unseen; the domain imports from its schemas, not the reverse.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

import services

ROOT = Path(__file__).resolve().parents[2]
SERVICES = services.names()
# What reads the route table: the Flask routes (gateway.routes, used by
# gateway.app) and the document (gateway.openapi).
IMPORT_GATEWAY = """
import json, sys
import gateway.routes, gateway.openapi
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] == "services")))
"""


@pytest.fixture(scope="module")
def loaded():
    """The modules of the services package that importing the gateway's
    routes loads, in a fresh interpreter (this one has imported services)."""
    run = subprocess.run([sys.executable, "-c", IMPORT_GATEWAY], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("service", SERVICES)
def test_the_gateway_loads_only_the_api_schemas_of(service, loaded):
    package = "services.{}".format(service)
    beyond = [name for name in loaded if name.startswith(package + ".")
              and name != package + ".schemas"]
    assert beyond == [], "the gateway's routes load {} beyond {}.schemas".format(
        ", ".join(beyond), package)


def test_the_gateway_loads_nothing_of_services_but_service_packages(loaded):
    outside = [name for name in loaded
               if name != "services" and name.split(".")[1] not in SERVICES]
    assert outside == []
