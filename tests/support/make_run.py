"""A real `make run` (python -m scripts.run) started by a test, on its own
var/ directory (VAR_DIR), gateway port, vhost and database, and its
processes seen the way supervisorctl sees them: through supervisord's
control socket (XML-RPC) under that var/."""
import configparser
import os
import signal
import subprocess
import sys
import xmlrpc.client
from pathlib import Path

import requests
from supervisor.xmlrpc import SupervisorTransport

from scripts import embedded_mongo
from tests.support.broker import wait_for

ROOT = Path(__file__).resolve().parent.parent.parent
# Settings of the test run that must not leak into this one.
NOT_INHERITED = ("MONGO_URI", "LOG_DIR", "LOG_CONSOLE", "LOG_NAME", "JWT_SECRET",
                 "CERTIFICATE_SIGNING_KEY", "PSEUDONYM_KEY", "PORT")
STOP_TIMEOUT_SECONDS = 60


class MakeRun:
    def __init__(self, directory, env):
        """env: AMQP_URI, MONGO_DB_PREFIX, MONGO_URI if not the embedded server."""
        self.var = Path(directory) / "var"
        self.port = embedded_mongo.free_port()
        self.env = {key: value for key, value in os.environ.items()
                    if key not in NOT_INHERITED and not key.endswith("_PROCESSES")}
        self.env.update(env, VAR_DIR=str(self.var), PORT=str(self.port),
                        EMBEDDED_MONGO_PORT=str(embedded_mongo.free_port()))
        self.console_path = Path(directory) / "console.txt"
        self.process = None
        self.groups = set()  # every process group seen, to prove all are gone

    @property
    def url(self):
        return "http://127.0.0.1:{}".format(self.port)

    def __enter__(self):
        # Appending: supervisord and each program's output open it separately.
        with open(self.console_path, "ab") as console:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "scripts.run"], cwd=ROOT, env=self.env,
                stdout=console, stderr=subprocess.STDOUT, start_new_session=True)
        self.groups.add(self.process.pid)
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for pid in living_in(self.groups):  # only after a failed test
            os.kill(pid, signal.SIGKILL)

    def console(self):
        return self.console_path.read_text(encoding="utf-8", errors="replace")

    def supervisor(self):
        """supervisord's XML-RPC interface, with supervisorctl's settings."""
        config = configparser.ConfigParser(interpolation=None)
        config.read(self.var / "supervisord.conf")
        ctl = config["supervisorctl"]
        transport = SupervisorTransport(ctl["username"], ctl["password"], ctl["serverurl"])
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor

    def processes(self):
        """{name: info} of every program (name as in supervisorctl, less the
        group), remembering each running one's process group."""
        supervisor = self.supervisor()
        infos = {info["name"]: info for info in supervisor.getAllProcessInfo()}
        # supervisord and each program lead their own process group.
        self.groups |= {supervisor.getPID()} | {info["pid"] for info in infos.values()
                                                if info["pid"]}
        return infos

    def running(self):
        return {name: info["pid"] for name, info in self.processes().items()
                if info["statename"] == "RUNNING"}

    def pids(self):
        """{name: pid} of every process alive (starting, running or stopping)."""
        return {name: info["pid"] for name, info in self.processes().items() if info["pid"]}

    def wait_until_healthy(self, timeout=120):
        def healthy():
            try:
                return requests.get(self.url + "/health", timeout=10).status_code == 200
            except requests.RequestException:
                return False
        wait_for(healthy, timeout=timeout, interval=0.5, what="/health 200\n" + self.console())

    def wait_until_running(self, names, timeout=90):
        """Each of names RUNNING (past startsecs); {name: pid}."""
        def all_running():
            running = self.running()
            return {name: running[name] for name in names} if set(names) <= set(running) \
                else None
        return wait_for(all_running, timeout=timeout, interval=0.5,
                        what="{} RUNNING".format(", ".join(names)))

    def wait_until_restarted(self, name, old_pid, timeout=90):
        """name started again as a new process; its pid."""
        def new_pid():
            pid = self.pids().get(name)
            return pid if pid not in (None, old_pid) else None
        return wait_for(new_pid, timeout=timeout, interval=0.5,
                        what="{} restarted".format(name))

    def wait_until_exited(self, name, timeout=120):
        """A process that runs once (the demo loader) ended; its info
        (``exitstatus``)."""
        def exited():
            info = self.processes()[name]
            return info if info["statename"] == "EXITED" else None
        return wait_for(exited, timeout=timeout, interval=0.5,
                        what="{} to exit".format(name))

    def interrupt(self, signum=signal.SIGINT):
        """Ctrl-C (or another signal to `make run`): its exit status once it
        has stopped everything."""
        self.processes()
        self.process.send_signal(signum)
        return self.process.wait(timeout=STOP_TIMEOUT_SECONDS)


def living_in(groups):
    """Processes still alive (zombies are dead) in any of these process groups."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        state, pgid = fields[0], int(fields[2])
        if pgid in groups and state != "Z":
            found.append(int(entry.name))
    return found
