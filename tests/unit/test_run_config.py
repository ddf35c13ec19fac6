"""The supervisord configuration `make run` writes (scripts/run.py), read
back by supervisord's own parser: every Procfile process, N of a service when
asked, the database first, the served processes restarted with a backoff in
one group, the demo loader run once."""
from supervisor.datatypes import RestartUnconditionally
from supervisor.options import ServerOptions

from scripts import embedded_mongo, procfile, run
from scripts.supervisor_conf import GROUP


def read_back(path):
    options = ServerOptions()
    options.realize(args=["-c", str(path)])
    return options


def test_supervisord_reads_every_process_with_its_policy(tmp_path, monkeypatch):
    var = tmp_path / "100%" / "var"  # supervisord expands %(name)s: % is escaped
    var.mkdir(parents=True)
    monkeypatch.setenv("COURSES_PROCESSES", "2")
    monkeypatch.setenv("GATEWAY_PROCESSES", "3")  # one gateway, whatever it says
    port = embedded_mongo.free_port()
    programs = [run.embedded_mongo_program(var, var, port)] + run.procfile_programs()
    options = read_back(run.write_config(var, var, programs))
    groups = {group.name: group for group in options.process_group_configs}

    served = {config.name: config for config in groups[GROUP].process_configs}
    assert set(served) == {"identity", "courses.1", "courses.2", "ledger", "learning",
                           "stations", "volunteering", "jobs", "feeds", "insight",
                           "gateway"}
    for name, config in served.items():
        assert config.environment == {"LOG_NAME": name}
        assert config.autorestart is RestartUnconditionally
        assert (config.startsecs, config.startretries) == (15, 10)
        assert config.stopasgroup and config.killasgroup
        assert config.stdout_logfile == "/dev/stdout"
    assert served["courses.2"].command == procfile.processes()["courses"]

    database, = groups["mongo"].process_configs
    assert groups["mongo"].priority < groups[GROUP].priority < groups["demo"].priority
    assert "--storage-path {}".format(var / "mongo") in database.command
    assert "--cache-size 4G" in database.command
    assert database.stdout_logfile == str(var / "mongo.log")

    loader, = groups["demo"].process_configs
    assert (loader.autorestart, loader.startsecs, loader.exitcodes) == (False, 0, [0])
    # supervisorctl and the tests find the control socket in var/.
    assert options.server_configs[0]["file"] == str(var / "supervisor.sock")
    assert options.logfile == str(var / "supervisord.log")
