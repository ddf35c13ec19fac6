"""The gateway's RPC pool: the shared client (shared/rpc_client.py), whose
failures it answers over HTTP.

- no client free in time: 503, "busy";
- not processed (no broker, no such service, nobody took it in time): 503;
- outcome unknown: 504 OUTCOME_UNKNOWN for a call that changes something
  (check, or retry with the same key), 503 for a read (nothing to check).
"""
from gateway.errors import outcome_unknown, service_unavailable
from shared import rpc_client
from shared.rpc_client import Busy, NotProcessed, OutcomeUnknown

OWNER = "gateway"  # its reply queues are rpc.reply-gateway-<id>


class RpcPool(rpc_client.RpcPool):
    def __init__(self, amqp_uri, size, timeout, connect=rpc_client.RpcClient):
        super().__init__(amqp_uri, size, timeout, OWNER, connect)

    def call(self, service, method, context, kwargs=None, changes=False):
        try:
            return super().call(service, method, context, kwargs, changes)
        except Busy as exc:
            raise service_unavailable("服务繁忙,请稍后再试") from exc
        except NotProcessed as exc:
            raise service_unavailable() from exc
        except OutcomeUnknown as exc:
            raise (outcome_unknown() if changes else service_unavailable()) from exc
