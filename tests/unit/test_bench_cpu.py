"""bench/cpu.py reads CPU and memory from /proc: it must see a busy process as
busy, and a process's children."""
import os
import subprocess
import sys
import time

from bench.cpu import CpuMeter, children, cpu_seconds, embedded_mongo_pids, resident_mib


def test_a_spinning_process_shows_about_one_core_and_an_idle_one_none():
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.3)  # both started
        meter = CpuMeter({"spin": [spinner.pid], "idle": [sleeper.pid], "none": []},
                         time.perf_counter)
        meter.start()
        time.sleep(1.0)
        cores = meter.stop()
    finally:
        spinner.kill(), sleeper.kill()
        spinner.wait(), sleeper.wait()
    assert cores["spin"] > 0.3 and cores["idle"] < 0.1
    assert cores["none"] != cores["none"]  # NaN: nothing to measure


def test_a_process_that_is_gone_counts_nothing_and_no_server_is_found_on_a_free_port():
    assert cpu_seconds([os.getpid()]) > 0
    assert cpu_seconds([2 ** 22 + 1]) == 0
    assert embedded_mongo_pids("mongodb://127.0.0.1:1/?directConnection=true") == []


def test_resident_memory_counts_each_process_and_finds_children():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.3)  # started
        alone = resident_mib([os.getpid()])
        both = resident_mib([os.getpid()] + children(os.getpid()))
        assert child.pid in children(os.getpid())
        assert 0 < alone[0] <= alone[1]            # now, at most the peak
        assert both[0] > alone[0] and both[1] > alone[1]
        assert resident_mib([2 ** 22 + 1]) == (0, 0)  # a process that is gone
    finally:
        child.kill()
        child.wait()
