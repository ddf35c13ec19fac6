"""The supervisord configuration `make run` runs under (scripts/run.py writes
it to var/supervisord.conf at every start: generated, never committed).

Why these numbers (supervisord's rules: a process that exits before it has
run `startsecs` seconds failed to start; it is tried again after 1 s, then
2 s, 3 s ... and after `startretries` such failures in a row it is FATAL and
left alone until `supervisorctl start`; a process that exits after it has
run `startsecs` is restarted at once and its count starts again):

- services and the gateway: startsecs=15, longer than a service needs to fail
  at start (importing, then pymongo's 2 s server selection when the database
  is not there), so that failure counts as a failed start and backs off
  instead of restarting at once forever. startretries=10: the pauses add up
  to 1+2+...+10 = 55 s plus ten attempts of up to 15 s, so a database down
  for a minute or two does not end in FATAL, a broken build does within a
  few minutes. A SIGKILLed service that was running is back at once; one
  that keeps dying later than startsecs is restarted each time, so at most
  once per 15 s (supervisord has no longer backoff for that). startsecs=0
  would make every exit count as a run and restart it for ever, without
  backoff or FATAL (a common supervisord surprise).
- the embedded database: first (priority), startsecs=5 (it listens after
  about 3 s), the same retries; restarted on the same data directory.
- the demo loader: runs once (startsecs=0, never restarted); exit 0 is
  expected, anything else is reported as "not expected" and nothing stops.

stopasgroup/killasgroup: Ctrl-C (or a stop) reaches a process's children
too (gunicorn's workers), and nothing outlives supervisord. The services and
the gateway form one group, GROUP: supervisord stops one group at a time, so
they stop together (each takes a few seconds), then the database.
"""
from dataclasses import dataclass, field

SERVED = {"autorestart": "true", "startsecs": 15, "startretries": 10, "priority": 200}
DATABASE = dict(SERVED, startsecs=5, priority=100, stopwaitsecs=30)
ONCE = {"autorestart": "false", "startsecs": 0, "startretries": 0, "exitcodes": 0,
        "priority": 900}
# nameko and gunicorn stop gracefully within 10 s (gunicorn_conf graceful_timeout).
COMMON = {"autostart": "true", "stopsignal": "TERM", "stopwaitsecs": 15,
          "stopasgroup": "true", "killasgroup": "true"}
# The console of the person running `make run`: supervisord writes each
# process's output there as it comes (a maxbytes other than 0 would try to
# rotate /dev/stdout and fail).
CONSOLE = {"stdout_logfile": "/dev/stdout", "stdout_logfile_maxbytes": 0,
           "redirect_stderr": "true"}
RPC_FACTORY = "supervisor.rpcinterface:make_main_rpcinterface"
# supervisorctl names them hongyi:identity, hongyi:gateway ...
GROUP = "hongyi"


@dataclass
class Program:
    name: str
    command: str
    policy: dict
    environment: dict = field(default_factory=dict)
    output: dict = field(default_factory=lambda: CONSOLE)


def escape(value):
    """supervisord expands %(name)s in its values; a literal % is %%."""
    return str(value).replace("%", "%%")


def environment_line(environment):
    return ",".join('{}="{}"'.format(key, escape(value).replace('"', '\\"'))
                    for key, value in environment.items())


def section(title, options):
    lines = ["[{}]".format(title)]
    lines += ["{}={}".format(key, escape(value)) for key, value in options.items()]
    return "\n".join(lines)


def program_section(program, directory):
    # supervisord 4.3 expands a program's log file name twice.
    output = dict(program.output, stdout_logfile=escape(program.output["stdout_logfile"]))
    options = dict(COMMON, command=program.command, directory=directory,
                   **program.policy, **output)
    if program.environment:
        options["environment"] = environment_line(program.environment)
    return section("program:" + program.name, options)


def group_section(programs):
    served = [program.name for program in programs if program.policy is SERVED]
    return section("group:" + GROUP, {"programs": ",".join(served),
                                      "priority": SERVED["priority"]})


def render(programs, var_dir, log_dir, directory, user, password):
    """The whole file: supervisord in the foreground as `user` (who runs it:
    said, so that it does not warn when that is root, in a container), its
    own log in log_dir (and on the console), a control socket in var_dir for
    supervisorctl and the tests, then the programs."""
    socket = "{}/supervisor.sock".format(var_dir)
    credentials = {"username": user, "password": password}
    sections = [
        section("supervisord", {"nodaemon": "true", "user": user,
                                "logfile": "{}/supervisord.log".format(log_dir),
                                "pidfile": "{}/supervisord.pid".format(var_dir),
                                "childlogdir": log_dir, "loglevel": "info"}),
        section("unix_http_server", dict(file=socket, chmod="0700", **credentials)),
        section("rpcinterface:supervisor", {"supervisor.rpcinterface_factory": RPC_FACTORY}),
        section("supervisorctl", dict(serverurl="unix://" + socket, **credentials)),
    ]
    sections += [program_section(program, directory) for program in programs]
    sections.append(group_section(programs))
    return "; Written by scripts/run.py at every `make run`; edits are lost.\n\n" \
        + "\n\n".join(sections) + "\n"
