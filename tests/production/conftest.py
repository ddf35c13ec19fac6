"""The production tier: offline checks of the Dockerfile, docker-compose.yml
and deploy/. It starts no broker and no database, and a test here that asks
for one fails rather than quietly starting it."""
import pytest

# The fixtures that start RabbitMQ vhosts, the embedded database or services.
SERVER_FIXTURES = {"make_vhost", "mongo_uri", "container_factory", "runner_factory"}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    wanted = SERVER_FIXTURES & set(item.fixturenames)
    if wanted:
        pytest.fail("the production tier runs offline, but {} asks for {}".format(
            item.nodeid, ", ".join(sorted(wanted))), pytrace=False)
