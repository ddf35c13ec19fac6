"""Run one nameko service with settings from the environment.

    python -m shared.run identity

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


def service_class(name):
    module = importlib.import_module("services.{}.service".format(name))
    return module.SERVICE


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: python -m shared.run <service>")
    name = argv[1]
    logs.configure(name)
    config = nameko_config()
    module = importlib.import_module("services.{}.config".format(name))
    config.update(module.service_config())
    run([service_class(name)], config)


if __name__ == "__main__":
    main(sys.argv)
