"""The Procfile: the one list of the commands `make run` starts, each under
its name (scripts/run.py hands them to supervisord; tests/production checks
that every service is there, started the one way)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# name: command, the form honcho and foreman read; other lines are comments.
LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def parse(text):
    """{name: command}, in the file's order."""
    found = (LINE.match(line) for line in text.splitlines())
    return {match.group(1): match.group(2).strip() for match in found if match}


def processes(path=ROOT / "Procfile"):
    return parse(Path(path).read_text(encoding="utf-8"))
