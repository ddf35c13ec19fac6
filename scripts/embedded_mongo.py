"""Start the embedded MongoDB-compatible server (SecantusDB) when no MONGO_URI
is given. Used by `make run` (data kept under var/mongo) and by the tests (in
memory, thrown away)."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

READY_TIMEOUT_SECONDS = 30


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def uri_for(port):
    return "mongodb://127.0.0.1:{}/?directConnection=true".format(port)


def start(storage_path, port, log_path=None):
    """Launch the server and wait until it accepts connections."""
    if storage_path != ":memory:":
        Path(storage_path).mkdir(parents=True, exist_ok=True)
    command = [str(Path(sys.executable).with_name("secantusd-py")),
               "--host", "127.0.0.1", "--port", str(port),
               "--storage-path", storage_path, "--log-level", "WARNING"]
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
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


def main():
    """`python -m scripts.embedded_mongo PATH PORT`: run in the foreground
    (as one of `make run`'s processes)."""
    storage_path, port = sys.argv[1], sys.argv[2]
    os.execv(str(Path(sys.executable).with_name("secantusd-py")),
             ["secantusd-py", "--host", "127.0.0.1", "--port", port,
              "--storage-path", storage_path, "--log-level", "WARNING"])


if __name__ == "__main__":
    main()
