"""A pool of standalone nameko RPC proxies for gunicorn's threads.

A ClusterRpcProxy must never serve two requests at once ("Second simultaneous
read on fileno"), so each request borrows one. Creating one costs a broker
connection and a reply queue, so they are kept and reused; a proxy that saw any
error other than a domain error (connection lost, timeout, ...) is thrown away,
because its reply queue may now hold a stale answer.
"""
import logging
import queue
import threading

from nameko.exceptions import BadRequest, RemoteError, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

from gateway.errors import service_unavailable
from shared.errors import DomainError

log = logging.getLogger(__name__)

# The service answered (or the broker said it has no such service): the
# proxy's connection and reply queue are fine, so it goes back to the pool.
ANSWERED = (DomainError, RemoteError, BadRequest, UnknownService)


class PooledProxy:
    def __init__(self, config, timeout):
        self.standalone = ClusterRpcProxy(config, timeout=timeout)
        self.cluster = self.standalone.start()

    def call(self, service, method, context, kwargs):
        # Context data (caller, request id) travels as message headers. The
        # standalone proxy reads them from its worker context at publish
        # time; a pooled proxy serves one request at a time, so setting it
        # per call is safe.
        self.standalone._worker_ctx.data = dict(context)
        return getattr(getattr(self.cluster, service), method)(**kwargs)

    def close(self):
        try:
            self.standalone.stop()
        except Exception:  # already broken; nothing more to release
            log.debug("closing a broken RPC proxy failed", exc_info=True)


class RpcPool:
    def __init__(self, amqp_uri, size, timeout, connect=PooledProxy):
        self.config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        self.timeout = timeout
        self.connect = connect
        self.idle = queue.LifoQueue()
        self.slots = threading.BoundedSemaphore(size)

    def call(self, service, method, context, **kwargs):
        if not self.slots.acquire(timeout=self.timeout):
            raise service_unavailable("服务繁忙,请稍后再试")
        try:
            return self._call(service, method, context, kwargs)
        finally:
            self.slots.release()

    def _call(self, service, method, context, kwargs):
        proxy = self._borrow()
        try:
            result = proxy.call(service, method, context, kwargs)
        except ANSWERED as exc:
            self.idle.put(proxy)
            if isinstance(exc, UnknownService):
                raise service_unavailable() from exc
            raise  # a domain error is the answer; anything else is a bug: 500
        except Exception as exc:
            proxy.close()
            log.warning("RPC %s.%s failed: %r", service, method, exc)
            raise service_unavailable() from exc
        self.idle.put(proxy)
        return result

    def _borrow(self):
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            pass
        try:
            return self.connect(self.config, self.timeout)
        except Exception as exc:
            log.warning("cannot reach the broker: %r", exc)
            raise service_unavailable() from exc

    def close(self):
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                return
