"""Start the embedded MongoDB-compatible server (SecantusDB) when no MONGO_URI
is given. Used by `make run` (its command, run by supervisord, data kept under
var/mongo) and by the tests (in memory, thrown away)."""
import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

READY_TIMEOUT_SECONDS = 30
# The server's WiredTiger cache: 1 GB by default, and in memory (the tests,
# the benchmarks) every document lives in it. With 1 GB, late in a
# `make bench` or after ledger batches of 500, every command sometimes ran
# about four times slower for seconds at a time; 6 ledger runs with 4 GB did
# not. A later make bench with 4 GB had one such run, with publishing slow
# too (the machine, perhaps): the cause is not proven. A ceiling, not an
# allocation: the server holds what it stores.
DEFAULT_CACHE_SIZE = "4G"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port_free(port, timeout=10):
    """An earlier run's server may still be shutting down; anything else on
    the port is a clear error rather than a confusing connection later."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return
        time.sleep(0.5)
    raise RuntimeError(
        "port {} is in use: another embedded MongoDB (an earlier `make run`?) "
        "is running; stop it or set MONGO_URI".format(port))


def uri_for(port):
    return "mongodb://127.0.0.1:{}/?directConnection=true".format(port)


def command(storage_path, port):
    """The server's command line (`make run` hands it to supervisord)."""
    return [str(Path(sys.executable).with_name("secantusd-py")),
            "--host", "127.0.0.1", "--port", str(port),
            "--storage-path", storage_path, "--log-level", "WARNING",
            "--cache-size", os.environ.get("EMBEDDED_MONGO_CACHE_SIZE") or DEFAULT_CACHE_SIZE]


def start(storage_path, port, log_path=None):
    """Launch the server and wait until it accepts connections."""
    if storage_path != ":memory:":
        Path(storage_path).mkdir(parents=True, exist_ok=True)
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(command(storage_path, port), stdout=log, stderr=log,
                               start_new_session=True)
    wait_until_ready(process, port)
    return process


def wait_until_ready(process, port):
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the embedded MongoDB server exited with {}".format(
                process.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the embedded MongoDB server did not start on port {}".format(port))


@contextlib.contextmanager
def given_or_temporary():
    """MONGO_URI if given (a real MongoDB), else an in-memory embedded server
    on a free port for one test run or benchmark, stopped afterwards."""
    if os.environ.get("MONGO_URI"):
        yield os.environ["MONGO_URI"]
        return
    port = free_port()
    process = start(":memory:", port)
    try:
        yield uri_for(port)
    finally:
        process.terminate()
        process.wait(timeout=30)
