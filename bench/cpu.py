"""CPU used by other processes during a measurement, read from /proc (Linux),
so a benchmark can say which process was the limit (e.g. the database at one
full core while the service waits on it)."""
import os
from urllib.parse import urlparse

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    """User + system CPU seconds of these processes so far (gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/{}/stat".format(pid)) as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS_PER_SECOND


def embedded_mongo_pids(mongo_uri):
    """The embedded server serving ``mongo_uri`` (scripts/embedded_mongo.py),
    found by its command line; none for a real MongoDB elsewhere."""
    port = str(urlparse(mongo_uri).port)
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/{}/cmdline".format(pid), "rb") as cmdline:
                args = cmdline.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if any(a.endswith("secantusd-py") for a in args) and port in args:
            pids.append(int(pid))
    return pids


class CpuMeter:
    """Cores each group of processes used between start() and stop()."""

    def __init__(self, groups, clock):
        self.groups = groups  # {name: [pid, ...]}
        self.clock = clock
        self.started = None

    def start(self):
        self.started = (self.clock(), {n: cpu_seconds(p) for n, p in self.groups.items()})

    def stop(self):
        wall0, cpu0 = self.started
        wall = self.clock() - wall0
        return {name: round((cpu_seconds(pids) - cpu0[name]) / wall, 2) if pids and wall > 0
                else float("nan") for name, pids in self.groups.items()}


def resident_mib(pids):
    """(resident now, peak resident) of these processes together, in MiB,
    from /proc's VmRSS and VmHWM (gone ones count 0). The peak covers each
    process's whole life, so read under load it is the load's, at least."""
    now = peak = 0
    for pid in pids:
        try:
            with open("/proc/{}/status".format(pid)) as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        now += int(fields.get("VmRSS", "0 kB").split()[0])
        peak += int(fields.get("VmHWM", "0 kB").split()[0])
    return round(now / 1024, 1), round(peak / 1024, 1)


def children(pid):
    """The processes ``pid`` started (e.g. gunicorn's workers)."""
    found = []
    for child in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/{}/stat".format(child)) as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent == pid:
            found.append(int(child))
    return found


def resident_by_service(system):
    """{name: (resident MiB, peak MiB)} of a running system's services and
    its gateway, each with the processes it started (scripts/system.py)."""
    groups = dict(system.services, gateway=[system.gateway] if system.gateway else [])
    return {name: resident_mib([pid for p in processes if p.poll() is None
                                for pid in [p.pid] + children(p.pid)])
            for name, processes in groups.items()}
