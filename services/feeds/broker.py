"""The broker side of a department that takes its events over AMQP, through
RabbitMQ's management HTTP API (what production operators use; the plugin
is on wherever `make run` starts the broker): its own user, its own durable
queue bound to exactly its event types, and permissions that let the user
read that queue and do nothing else.

Every call is idempotent (PUT a user, a queue, a binding), so a
registration that failed half-way is finished by trying again.
"""
import logging
from urllib.parse import quote

import requests
from nameko.extensions import DependencyProvider


from shared.department_feed import (DEPARTMENT_EXCHANGE, department_queue, department_user,
                                    routing_key, vhost_of)
from shared.errors import Unavailable

TIMEOUT_SECONDS = 5

log = logging.getLogger(__name__)


def broker_unavailable():
    return Unavailable("BROKER_ADMIN_UNAVAILABLE", "消息服务器管理接口暂时不可用,请稍后再试")


class BrokerAdmin:
    def __init__(self, admin_url, vhost, session=None):
        self.admin_url = admin_url
        self.vhost = quote(vhost, safe="")
        self.http = session or requests.Session()

    def _call(self, method, path, body=None, missing_ok=False):
        try:
            answer = self.http.request(method, self.admin_url + "/api" + path, json=body,
                                       timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            raise broker_unavailable() from error
        if missing_ok and answer.status_code == 404:
            return None
        if answer.status_code >= 400:
            # Refused (the admin user's rights, a vhost that is not there) or
            # failing: nothing a caller can fix, the operator must; logged.
            log.error("broker management API: %s %s answered %s %s", method, path,
                      answer.status_code, answer.text[:200])
            raise broker_unavailable()
        return answer.json() if answer.content else None

    def declare_exchange(self):
        self._call("PUT", "/exchanges/{}/{}".format(self.vhost, DEPARTMENT_EXCHANGE),
                   {"type": "topic", "durable": True, "auto_delete": False})

    def provision(self, department_id, password, types):
        """The user (with ``password``), its queue bound to ``types``
        (``source.type`` names), and the one permission it has: read its
        queue. Half done when it failed: undone as far as it can be."""
        try:
            self._provision(department_id, password, types)
        except Exception:
            try:
                self.remove(department_id)
            except Exception:  # the user made has no permission: harmless
                log.warning("could not undo department %s on the broker", department_id)
            raise

    def _provision(self, department_id, password, types):
        user, queue = department_user(department_id), department_queue(department_id)
        self._call("PUT", "/users/{}".format(user), {"password": password, "tags": ""})
        self.declare_exchange()
        self._call("PUT", "/queues/{}/{}".format(self.vhost, quote(queue)),
                   {"durable": True, "auto_delete": False, "arguments": {}})
        self.bind(department_id, types)
        # Nothing to configure, nothing to write to; read: its own queue only.
        self._call("PUT", "/permissions/{}/{}".format(self.vhost, user),
                   {"configure": "^$", "write": "^$",
                    "read": "^{}$".format(queue.replace(".", r"\."))})

    def bind(self, department_id, types):
        """Bind the queue to exactly ``types``: missing keys added, others removed."""
        queue = quote(department_queue(department_id))
        path = "/bindings/{}/e/{}/q/{}".format(self.vhost, DEPARTMENT_EXCHANGE, queue)
        wanted = {routing_key(department_id, *name.split(".", 1)) for name in types}
        current = {binding["routing_key"]: binding["properties_key"]
                   for binding in self._call("GET", path) or ()
                   if binding["source"] == DEPARTMENT_EXCHANGE}
        for key in wanted - set(current):
            self._call("POST", path, {"routing_key": key, "arguments": {}})
        for key in set(current) - wanted:
            self._call("DELETE", path + "/" + quote(current[key], safe=""), missing_ok=True)

    def set_password(self, department_id, password):
        """A new password; connections opened with the old one are closed."""
        user = department_user(department_id)
        self._call("PUT", "/users/{}".format(user), {"password": password, "tags": ""})
        self.close_connections(department_id)

    def close_connections(self, department_id):
        self._call("DELETE", "/connections/username/{}".format(department_user(department_id)),
                   missing_ok=True)

    def remove(self, department_id):
        """The user (it can no longer connect), its connections, its queue."""
        self._call("DELETE", "/users/{}".format(department_user(department_id)),
                   missing_ok=True)
        self.close_connections(department_id)
        self._call("DELETE", "/queues/{}/{}".format(
            self.vhost, quote(department_queue(department_id))), missing_ok=True)

    def queue_state(self, department_id):
        """(messages waiting, time of the oldest as a POSIX timestamp or None)."""
        info = self._call("GET", "/queues/{}/{}".format(
            self.vhost, quote(department_queue(department_id))), missing_ok=True) or {}
        return info.get("messages", 0), info.get("head_message_timestamp")


class Broker(DependencyProvider):
    """Injects the BrokerAdmin of the service's vhost (AMQP_URI's), through
    the management API at BROKER_ADMIN_URL (an administrator's credentials)."""

    def setup(self):
        config = self.container.config
        self.admin = BrokerAdmin(config["BROKER_ADMIN_URL"].rstrip("/"),
                                 vhost_of(config["AMQP_URI"]))

    def get_dependency(self, worker_ctx):
        return self.admin
