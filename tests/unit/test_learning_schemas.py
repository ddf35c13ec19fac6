"""learning's API schemas are a leaf: the gateway imports them, so they must
not pull in the quiz's rules, the store or the service."""
import subprocess
import sys

PROBE = ("import sys, services.learning.schemas; "
         "print(' '.join(sorted(m for m in sys.modules if m.startswith('services'))))")


def test_importing_the_schemas_loads_no_other_learning_module():
    # A fresh interpreter: this one has already imported the whole service.
    loaded = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True,
                            text=True).stdout.split()
    assert loaded == ["services", "services.learning", "services.learning.schemas"]
