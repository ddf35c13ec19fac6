"""gunicorn settings for the gateway. gthread workers, no monkey-patching:
gunicorn 26+ has no eventlet worker, and the standalone RPC proxy works in
plain threads (DESIGN.md)."""
from gunicorn.glogging import Logger

from shared import logs
from shared.config import int_setting, setting

bind = "{}:{}".format(setting("GATEWAY_HOST"), setting("PORT"))
worker_class = "gthread"
workers = int_setting("GATEWAY_WORKERS")
threads = int_setting("GATEWAY_THREADS")
# Each worker builds its own RPC pool after the fork (gateway.wsgi is imported
# in the worker, not the master), so no broker socket is shared across forks.
preload_app = False
timeout = 30
graceful_timeout = 10
accesslog = None  # the app logs every request as JSON with its request id


class GatewayLogger(Logger):
    """gunicorn's own lines (starting, workers booting or timing out) go where
    the gateway's do (shared/logs.py), as JSON with the process name. Set up
    in the master; the workers inherit it when they fork."""

    def setup(self, cfg):
        super().setup(cfg)
        logs.configure("gateway")
        for log in (self.error_log, self.access_log):
            log.handlers.clear()
            log.propagate = True


logger_class = GatewayLogger
# The runtime control socket has one default path per user; several gateways on
# one machine (make run beside the tests) would fight over it. Not used here.
control_socket_disable = True
