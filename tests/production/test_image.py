"""The Dockerfile, offline: the one image every process of both forms runs."""
import json
import re

from tests.production.rules import GATEWAY_COMMAND, IMAGE_UID, ROOT


def test_dockerfile_builds_the_one_image_from_pinned_requirements():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert lines[0].startswith("FROM python:3.11-slim")
    assert "RUN pip install -r requirements.txt" in lines
    copied = {line.split()[1] for line in lines if line.startswith("COPY ")}
    assert {"requirements.txt", "shared/", "services/", "gateway/", "scripts/"} <= copied
    assert "USER {}".format(IMAGE_UID) in lines
    assert "GATEWAY_HOST=0.0.0.0" in " ".join(lines)
    assert "CMD " + json.dumps(GATEWAY_COMMAND) in lines
    for requirement in (ROOT / "requirements.txt").read_text().splitlines():
        requirement = requirement.split("#")[0].strip()
        if requirement:
            assert re.fullmatch(r"[A-Za-z0-9._-]+==[\w.+-]+", requirement), requirement
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", "var", ".git", "tests"} <= ignored
