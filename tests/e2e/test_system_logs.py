"""Where the processes' logs go: each writes every line as JSON to
<log_dir>/<label>.log itself, and its console (<label>.out) has the short
lines a person watching `make run` reads (shared/logs.py): one per HTTP
request, the gateway's; a service's line for each call it handled is in its
JSON file only."""
import json
import re
import time
import uuid

SHORT_LINE = re.compile(r"^\d\d:\d\d:\d\d \S+ +\S")


def lines_of(path):
    return path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []


def test_json_goes_to_each_process_file_and_short_lines_to_its_console(api, system, new_worker):
    path = "/api/v1/no-such-route-" + uuid.uuid4().hex
    assert api.get(path).status_code == 404
    new_worker()  # a registration and a login: identity handles calls
    gateway_json, gateway_console = system.log_dir / "gateway.log", system.log_dir / "gateway.out"
    identity_json, identity_out = (system.log_dir / "identity-0.log",
                                   system.log_dir / "identity-0.out")
    deadline = time.monotonic() + 5  # log lines may land just after the answer
    while time.monotonic() < deadline and not (
            any(path in line for line in lines_of(gateway_console))
            and any('"identity.log_in ok"' in line for line in lines_of(identity_json))):
        time.sleep(0.1)

    records = [json.loads(line) for line in lines_of(gateway_json) if path in line]
    assert [(r["message"], r["process"]) for r in records] == [
        ("GET {} 404".format(path), "gateway")]
    shown = [line for line in lines_of(gateway_console) if path in line]
    assert len(shown) == 1 and SHORT_LINE.match(shown[0]), shown
    assert re.search(r" gateway +GET {} 404 [\d.]+ ms$".format(path), shown[0]), shown

    calls = [json.loads(line) for line in lines_of(identity_json)
             if '"identity.log_in ok"' in line]
    assert calls and {r["logger"] for r in calls} == {"call"}, calls
    identity_console = lines_of(identity_out)
    assert not [line for line in identity_console if "identity.log_in" in line], \
        identity_console
    for console in (lines_of(gateway_console), identity_console):
        assert not [line for line in console if line.startswith("{")], console
