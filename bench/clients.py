"""Client factories for bench.measure.run_load: each call of a factory builds
one caller's own client (a callable with .close()), never shared between
threads.

No eventlet monkey-patching here: the bench process calls from plain OS
threads, as the gateway's gthread workers do.
"""
import http.client
import json
from urllib.parse import urlsplit

from nameko.standalone.rpc import ClusterRpcProxy

RPC_TIMEOUT_SECONDS = 10
HTTP_TIMEOUT_SECONDS = 10


class UnexpectedAnswer(Exception):
    pass


def rpc_client(amqp_uri, service, method, kwargs_for=None, check=None):
    """Factory of standalone-proxy callers of `service.method(**kwargs)`.
    kwargs_for(): fresh kwargs per call (default none); check(result): raise
    if the answer is wrong."""
    config = {"AMQP_URI": amqp_uri, "serializer": "json"}

    def make():
        standalone = ClusterRpcProxy(config, timeout=RPC_TIMEOUT_SECONDS)
        proxy = standalone.start()
        bound = getattr(getattr(proxy, service), method)

        def call():
            result = bound(**(kwargs_for() if kwargs_for else {}))
            if check is not None:
                check(result)
            return result

        call.close = standalone.stop
        return call

    return make


def http_client(base_url, method, path, body_for=None, headers=None, expect_status=200,
                check=None, path_for=None):
    """Factory of keep-alive HTTP/1.1 callers (one connection per caller;
    http.client is lighter than requests, so the client steals less CPU from
    the server on a shared machine). body_for(): a JSON-able body per call;
    path_for(): the path (with its query) per call, instead of ``path``."""
    parts = urlsplit(base_url)
    base_headers = {"Accept": "application/json"}
    base_headers.update(headers or {})

    def make():
        conn = http.client.HTTPConnection(parts.hostname, parts.port,
                                          timeout=HTTP_TIMEOUT_SECONDS)

        def call():
            call_headers = dict(base_headers)
            payload = None
            if body_for is not None:
                payload = json.dumps(body_for()).encode()
                call_headers["Content-Type"] = "application/json"
            conn.request(method, path_for() if path_for else path, body=payload,
                         headers=call_headers)
            response = conn.getresponse()
            content = response.read()
            if response.status != expect_status:
                raise UnexpectedAnswer("{} {}".format(response.status, content[:200]))
            if check is not None:
                check(content)
            return content

        call.close = conn.close
        return call

    return make
