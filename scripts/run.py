"""`make run`: the whole system on this machine, with demo data, supervised.

Generates a JWT secret once (var/jwt_secret) when JWT_SECRET is unset, writes
var/supervisord.conf and runs supervisord in the foreground, which runs
the embedded MongoDB-compatible server when MONGO_URI is unset (data kept
under var/mongo), the Procfile's processes (<SERVICE>_PROCESSES=N of each
service, the gateway) and the demo loader once. A process that dies is
restarted with a backoff while the others keep serving; the demo loader's
failure is reported and stops nothing (scripts/supervisor_conf.py says how).
Ctrl-C, SIGTERM or the terminal closing stop every process and this one.
`supervisorctl -c var/supervisord.conf status` shows each process.

Each process writes its full JSON log to var/log/<process>.log and prints
short lines for a person watching: one per request, warnings and errors
(shared/logs.py; LOG_CONSOLE=json make run prints the JSON instead).
supervisord prints its own lines (spawned, exited, restarted) there too and
keeps them in var/log/supervisord.log.

VAR_DIR moves var/ elsewhere and EMBEDDED_MONGO_PORT the embedded server off
27117 (the tests run a second `make run` that way).
"""
import os
import pwd
import secrets
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

from scripts import embedded_mongo, procfile
from scripts.supervisor_conf import DATABASE, ONCE, SERVED, Program, render

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_EMBEDDED_MONGO_PORT = 27117
# Run once; a process of its own, but not one to keep running.
ONE_SHOT = ("demo",)
# One process each whatever <NAME>_PROCESSES says.
SINGLE = ("gateway", "demo")


def var_dir():
    return Path(os.environ.get("VAR_DIR") or ROOT / "var").resolve()


def kept_secret(var, name, make):
    """A secret made once under var/ and kept across restarts: a new JWT
    secret signs everyone out, a new certificate key leaves every issued
    certificate unverifiable, a new pseudonym key gives every worker new
    pseudonyms in every department."""
    path = var / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def refuse_if_running(var):
    """A second `make run` on the same var/ would rewrite the first one's
    control socket password; say so instead."""
    path = str(var / "supervisor.sock")
    with socket.socket(socket.AF_UNIX) as sock:
        try:
            sock.connect(path)
        except OSError:
            return
    sys.exit("`make run` is running already on {} (supervisorctl -c {}/supervisord.conf "
             "status); stop it with Ctrl-C first".format(var, var))


def process_count(name):
    if name in SINGLE:
        return 1
    return int(os.environ.get("{}_PROCESSES".format(name.upper()), "1"))


def procfile_programs():
    """The Procfile's processes, named as they log (LOG_NAME): identity, or
    courses.1 and courses.2 with COURSES_PROCESSES=2."""
    programs = []
    for name, command in procfile.processes(ROOT / "Procfile").items():
        policy = ONCE if name in ONE_SHOT else SERVED
        count = process_count(name)
        for index in range(count):
            label = name if count == 1 else "{}.{}".format(name, index + 1)
            programs.append(Program(label, command, policy, {"LOG_NAME": label}))
    return programs


def embedded_mongo_program(var, log_dir, port):
    """Its output (SecantusDB's warnings) goes to its own file, as before."""
    try:
        embedded_mongo.wait_for_port_free(port)
    except RuntimeError as err:
        sys.exit(str(err))
    storage = var / "mongo"
    storage.mkdir(exist_ok=True)
    command = shlex.join(embedded_mongo.command(str(storage), port))
    return Program("mongo", command, DATABASE, output={
        "stdout_logfile": str(log_dir / "mongo.log"), "redirect_stderr": "true"})


def environment(var):
    env = dict(os.environ, EVENTLET_NO_GREENDNS="yes", PYTHONUNBUFFERED="1")
    # The Procfile says `python` and `gunicorn`: this virtualenv's.
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env["LOG_DIR"] = env.get("LOG_DIR") or str(var / "log")
    env.setdefault("LOG_CONSOLE", "short")
    env.setdefault("JWT_SECRET", kept_secret(var, "jwt_secret", lambda: secrets.token_urlsafe(48)))
    for setting, name in (("CERTIFICATE_SIGNING_KEY", "certificate_signing_key"),
                          ("PSEUDONYM_KEY", "pseudonym_key")):
        env.setdefault(setting, kept_secret(var, name, lambda: secrets.token_hex(32)))
    # A department's developer tries the example webhook receiver on this
    # machine: loopback is let in here (production lets in no private address).
    env.setdefault("WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
    return env


def write_config(var, log_dir, programs):
    """0600: it holds the control socket's password (new at every start)."""
    path = var / "supervisord.conf"
    user = pwd.getpwuid(os.getuid()).pw_name
    text = render(programs, var, log_dir, ROOT, user, secrets.token_urlsafe(24))
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(text, encoding="utf-8")
    return path


def supervise(config, env):
    """supervisord in the foreground, in its own session so that this process
    alone decides what a signal means: Ctrl-C (SIGINT) and SIGTERM stop
    everything, and so does the terminal closing (SIGHUP, which would make
    supervisord restart every process and keep them running unseen)."""
    received, started = [], []

    def forward(signum, _frame):
        received.append(signal.SIGTERM if signum == signal.SIGHUP else signum)
        for supervisord in started:
            supervisord.send_signal(received[-1])
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    started.append(subprocess.Popen(
        [sys.executable, "-m", "supervisor.supervisord", "-n", "-c", str(config)],
        env=env, start_new_session=True))
    for signum in received[-1:]:  # one that came while it was being started
        started[0].send_signal(signum)
    return started[0].wait()


def main():
    var = var_dir()
    var.mkdir(parents=True, exist_ok=True)
    refuse_if_running(var)
    env = environment(var)
    log_dir = Path(env["LOG_DIR"])
    log_dir.mkdir(parents=True, exist_ok=True)
    programs = procfile_programs()
    if not env.get("MONGO_URI"):
        port = int(env.get("EMBEDDED_MONGO_PORT") or DEFAULT_EMBEDDED_MONGO_PORT)
        programs.insert(0, embedded_mongo_program(var, log_dir, port))
        env["MONGO_URI"] = embedded_mongo.uri_for(port)
    config = write_config(var, log_dir, programs)
    print("supervisord runs {} processes; `.venv/bin/supervisorctl -c {} status` shows "
          "them".format(len(programs), config), flush=True)
    sys.exit(supervise(config, env))


if __name__ == "__main__":
    main()
