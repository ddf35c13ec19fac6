"""A throwaway RabbitMQ vhost, so tests and benchmarks never meet each other's
queues (two runs' `identity` consumers in one vhost would share its RPCs)."""
import contextlib
import shutil
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import requests

from shared.config import setting
from shared.department_feed import department_user

BROKER = "amqp://guest:guest@127.0.0.1:5672/"
DEPARTMENT_USER_PREFIX = department_user("")


def rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True,
                   timeout=60)


def available():
    return shutil.which("rabbitmqctl") is not None


def create(prefix):
    vhost = "{}-{}".format(prefix, uuid.uuid4().hex[:8])
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    return vhost, BROKER + vhost


def delete_department_users(vhost):
    """Delete the departments' broker users (feeds makes one per AMQP
    department) with a permission in ``vhost``: users are the broker's, not
    the vhost's, and deleting the vhost would leave them behind, run after
    run. Through the management API, in one call (rabbitmqctl takes a second
    a call); best effort, like the vhost's deletion."""
    api = setting("BROKER_ADMIN_URL").rstrip("/") + "/api"
    try:
        listed = requests.get("{}/vhosts/{}/permissions".format(api, quote(vhost, safe="")),
                              timeout=10)
        listed.raise_for_status()
        users = [p["user"] for p in listed.json()
                 if p["user"].startswith(DEPARTMENT_USER_PREFIX)]
        if users:
            requests.post(api + "/users/bulk-delete", json={"users": users},
                          timeout=30).raise_for_status()
    except requests.RequestException as error:
        print("warning: could not delete the departments' users of vhost {} ({})".format(
            vhost, error), file=sys.stderr)


def delete(vhost, attempts=10):
    """Best effort, retried: a test may be restarting the broker right now,
    and a leftover vhost must not fail a run that passed. The departments'
    users go first."""
    delete_department_users(vhost)
    error = None
    for _ in range(attempts):
        try:
            rabbitmqctl("delete_vhost", vhost)
            return
        except (subprocess.SubprocessError, OSError) as exc:
            error = exc
            time.sleep(3)
    print("warning: could not delete vhost {} ({}); remove it with "
          "`rabbitmqctl delete_vhost {}`".format(vhost, error, vhost), file=sys.stderr)


@contextlib.contextmanager
def temporary_vhost(prefix):
    vhost, uri = create(prefix)
    try:
        yield uri
    finally:
        delete(vhost)
