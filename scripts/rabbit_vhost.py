"""A throwaway RabbitMQ vhost, so tests and benchmarks never meet each other's
queues (two runs' `identity` consumers in one vhost would share its RPCs)."""
import contextlib
import shutil
import subprocess
import sys
import time
import uuid

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


def department_users(vhost):
    """The departments' broker users (feeds makes one per AMQP department)
    with a permission in ``vhost``. Users are the broker's, not the vhost's:
    deleting the vhost would leave them behind, run after run."""
    listed = subprocess.run(["rabbitmqctl", "-q", "list_permissions", "-p", vhost],
                            check=True, capture_output=True, text=True, timeout=60)
    names = (line.split("\t")[0] for line in listed.stdout.splitlines()[1:])
    return [name for name in names if name.startswith(DEPARTMENT_USER_PREFIX)]


def delete(vhost, attempts=10):
    """Best effort, retried: a test may be restarting the broker right now,
    and a leftover vhost must not fail a run that passed. The departments'
    users go first."""
    error = None
    for _ in range(attempts):
        try:
            for user in department_users(vhost):
                rabbitmqctl("delete_user", user)
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
