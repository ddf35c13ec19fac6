"""Start the whole system as child processes, for end-to-end tests and
benchmarks: every service (N processes each if asked) and the gateway under
gunicorn, on given broker and database settings. `make run` uses supervisord
instead (scripts/run.py); both start each process the same way.

With a log_dir, each process writes its JSON log to <log_dir>/<label>.log
itself (shared/logs.py), and its console (the short lines, and anything
printed outside logging, such as a traceback at start-up) goes to
<log_dir>/<label>.out."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

import services

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVICES = services.names()
READY_TIMEOUT_SECONDS = 60


def service_command(name):
    return [sys.executable, "-m", "shared.run", name]


def gateway_command():
    return [str(BIN / "gunicorn"), "-c", "gateway/gunicorn_conf.py", "gateway.wsgi:app"]


class System:
    def __init__(self, env, port, processes=None, log_dir=None):
        """env: settings for every process (AMQP_URI, MONGO_URI, ...);
        processes: {service: count}, default one each."""
        self.env = dict(os.environ, **env, PORT=str(port), EVENTLET_NO_GREENDNS="yes")
        self.port = port
        self.counts = dict({name: 1 for name in SERVICES}, **(processes or {}))
        self.log_dir = Path(log_dir) if log_dir else None
        self.services = {name: [] for name in self.counts}
        self.gateway = None

    @property
    def url(self):
        return "http://127.0.0.1:{}".format(self.port)

    def _spawn(self, label, command):
        env = dict(self.env, LOG_CONSOLE="short", LOG_NAME=label)
        if not self.log_dir:
            return self._popen(command, env, subprocess.DEVNULL)
        env["LOG_DIR"] = str(self.log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / "{}.out".format(label), "ab") as console:
            return self._popen(command, env, console)

    @staticmethod
    def _popen(command, env, console):
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=console,
                                stderr=subprocess.STDOUT, start_new_session=True)

    def start_service(self, name):
        index = len(self.services[name])
        process = self._spawn("{}-{}".format(name, index), service_command(name))
        self.services[name].append(process)
        return process

    def start(self):
        for name, count in self.counts.items():
            for _ in range(count):
                self.start_service(name)
        self.gateway = self._spawn("gateway", gateway_command())
        self.wait_until_healthy()
        return self

    def wait_until_healthy(self, timeout=READY_TIMEOUT_SECONDS):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = requests.get(self.url + "/health", timeout=5)
                if last.status_code == 200:
                    return last.json()
            except requests.RequestException as exc:
                last = exc
            time.sleep(0.3)
        raise RuntimeError("the system did not become healthy: {!r}".format(
            getattr(last, "text", last)))

    def kill_service(self, name, index=0, sig=signal.SIGKILL):
        process = self.services[name][index]
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def restart_service(self, name, index=0):
        self.services[name][index] = self._spawn(
            "{}-{}".format(name, index), service_command(name))

    def stop(self):
        processes = [p for group in self.services.values() for p in group]
        processes += [self.gateway] if self.gateway else []
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
