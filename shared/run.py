"""Run one nameko service with settings from the environment.

    python -m shared.run identity
    python -m shared.run tests.support.subscriber   # a module path: tests' services

The same entry point serves `make run`, the tests, docker-compose and
Kubernetes, so a service is started one way everywhere.
"""
import os
import sys

# pymongo's getaddrinfo call is refused by eventlet's green DNS resolver; this
# must be set before eventlet is imported (DESIGN.md, known pitfalls).
os.environ.setdefault("EVENTLET_NO_GREENDNS", "yes")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import importlib  # noqa: E402

from nameko.cli.run import run  # noqa: E402

from shared import logs  # noqa: E402
from shared.config import nameko_config  # noqa: E402


def service_modules(name):
    """(module with SERVICE, module with service_config()): services/<name>/
    for a service name; the module itself for a dotted path (a test service)."""
    if "." in name:
        module = importlib.import_module(name)
        return module, module
    return (importlib.import_module("services.{}.service".format(name)),
            importlib.import_module("services.{}.config".format(name)))


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: python -m shared.run <service | package.module>")
    name = argv[1]
    logs.configure(name)
    config = nameko_config()
    service_module, config_module = service_modules(name)
    config.update(config_module.service_config())
    run([service_module.SERVICE], config)


if __name__ == "__main__":
    main(sys.argv)
