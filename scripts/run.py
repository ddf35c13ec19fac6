"""`make run`: the whole system on this machine, with demo data.

Starts the embedded MongoDB-compatible server when MONGO_URI is unset (data
kept under var/mongo), generates a JWT secret once (var/jwt_secret) when
JWT_SECRET is unset, then runs the Procfile's processes with honcho: every
service (<SERVICE>_PROCESSES=N of each), the gateway and the demo loader.
Ctrl-C stops every process it started.

Each process writes its full JSON log to var/log/<process>.log and prints
short lines for a person watching: one per request, warnings and errors
(shared/logs.py; LOG_CONSOLE=json make run prints the JSON instead).
"""
import os
import secrets
import sys
from pathlib import Path

from honcho.environ import parse_procfile
from honcho.manager import SYSTEM_PRINTER_NAME, Manager
from honcho.printer import Printer

from scripts import embedded_mongo

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
LOG_DIR = VAR / "log"
EMBEDDED_MONGO_PORT = 27117


def jwt_secret():
    """Kept across restarts so a restart does not sign everyone out."""
    path = VAR / "jwt_secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def start_embedded_mongo(log_dir):
    port = EMBEDDED_MONGO_PORT
    try:
        embedded_mongo.wait_for_port_free(port)
    except RuntimeError as err:
        sys.exit(str(err))
    print("starting the embedded MongoDB-compatible server (data in var/mongo) ...")
    log_dir.mkdir(parents=True, exist_ok=True)
    process = embedded_mongo.start(str(VAR / "mongo"), port, log_path=log_dir / "mongo.log")
    return process, embedded_mongo.uri_for(port)


def process_count(name):
    return int(os.environ.get("{}_PROCESSES".format(name.upper()), "1"))


class Console(Printer):
    """The processes print their own time and name (LOG_CONSOLE=short) and the
    demo its banner as it is; only honcho's own lines get honcho's prefix."""

    def write(self, message):
        self.prefix = message.name == SYSTEM_PRINTER_NAME
        super().write(message)


def build_manager(env):
    procfile = parse_procfile((ROOT / "Procfile").read_text())
    bin_dir = str(Path(sys.executable).parent)
    env = dict(env, PATH=bin_dir + os.pathsep + env.get("PATH", ""))
    manager = Manager(printer=Console(sys.stdout))
    for name, command in procfile.processes.items():
        count = process_count(name) if name not in ("gateway", "demo") else 1
        for index in range(count):
            label = name if count == 1 else "{}.{}".format(name, index + 1)
            manager.add_process(label, command, env=dict(env, LOG_NAME=label),
                                cwd=str(ROOT))
    return manager


def main():
    VAR.mkdir(exist_ok=True)
    env = dict(os.environ, EVENTLET_NO_GREENDNS="yes", PYTHONUNBUFFERED="1")
    env["LOG_DIR"] = env.get("LOG_DIR") or str(LOG_DIR)
    env.setdefault("LOG_CONSOLE", "short")
    env.setdefault("JWT_SECRET", jwt_secret())
    mongo = None
    if not env.get("MONGO_URI"):
        mongo, env["MONGO_URI"] = start_embedded_mongo(Path(env["LOG_DIR"]))
    try:
        manager = build_manager(env)
        manager.loop()
        code = manager.returncode
    finally:
        if mongo is not None:
            mongo.terminate()
            mongo.wait(timeout=30)
    sys.exit(code)


if __name__ == "__main__":
    main()
