"""The console's files as the gateway serves them (gateway/console.py): from
its build directory, with a CSP that allows nothing from another origin, and
a clear 503 page when the build is missing (the gateway still starts)."""
import pytest
from flask import Flask

from gateway import console


@pytest.fixture
def built(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>工作台</title>")
    (tmp_path / "app.js").write_text("console.log(1)")
    return tmp_path


def client_for(build_dir):
    app = Flask(__name__)
    console.register(app, build_dir)
    return app.test_client()


def test_the_page_and_its_files_are_served_with_a_policy_that_allows_no_other_origin(built):
    client = client_for(built)
    page = client.get("/console/")
    assert page.status_code == 200 and "工作台" in page.text
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "connect-src 'self'" in policy and "http" not in policy and "*" not in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    script = client.get("/console/app.js")
    assert script.status_code == 200 and script.mimetype in ("text/javascript",
                                                             "application/javascript")
    assert script.headers["Content-Security-Policy"] == policy
    assert client.get("/console").status_code == 308


@pytest.mark.parametrize("path", ["/console/missing.js", "/console/../console.py",
                                  "/console/%2e%2e/console.py"])
def test_nothing_outside_the_build_is_served(built, path):
    assert client_for(built).get(path).status_code == 404


def test_without_a_build_the_page_says_how_to_build_it(tmp_path):
    answer = client_for(tmp_path / "nothing").get("/console/")
    assert answer.status_code == 503
    assert "make console" in answer.text and "make run" in answer.text
    assert "Content-Security-Policy" in answer.headers
