"""gunicorn settings for the gateway. gthread workers, no monkey-patching:
gunicorn 26+ has no eventlet worker, and the standalone RPC proxy works in
plain threads (DESIGN.md)."""
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
# The runtime control socket has one default path per user; several gateways on
# one machine (make run beside the tests) would fight over it. Not used here.
control_socket_disable = True
