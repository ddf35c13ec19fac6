import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.identity.service import IdentityService
from shared.caller import Caller


@pytest.fixture
def identity(container_factory, service_config):
    container = container_factory(IdentityService, service_config)
    container.start()
    return container


@pytest.fixture
def rpc_as(service_config):
    """rpc_as(caller) -> a cluster proxy whose calls carry that caller."""
    proxies = []

    def make(caller=None):
        context = {"caller": caller.to_context()} if caller else {}
        standalone = ClusterRpcProxy(service_config, context_data=context, timeout=10)
        proxies.append(standalone)
        return standalone.start()

    yield make
    for standalone in proxies:
        standalone.stop()


@pytest.fixture
def anonymous(rpc_as):
    return rpc_as(None)


@pytest.fixture
def logged_in(anonymous, make_registration):
    """Register and log in a worker: returns (profile, tokens, caller)."""
    import jwt

    def make(**overrides):
        body = make_registration(**overrides)
        profile = anonymous.identity.register_worker(body)
        tokens = anonymous.identity.log_in({"phone": body["phone"],
                                            "password": body["password"]})
        claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
        caller = Caller(id=claims["sub"], roles=tuple(claims["roles"]), session_id=claims["sid"])
        return profile, tokens, caller
    return make
