"""The gateway serves the event catalog (gateway/event_catalog.py): the
AsyncAPI document at /asyncapi.json and a page of it at /docs/events, with
no broker and no service."""
import re

import pytest
from marshmallow import fields

import gateway.app
from gateway.asyncapi import PSEUDONYM_NOTE, WITHHELD_NOTE, build_document
from gateway.openapi import build_spec
from shared.event_privacy import PSEUDONYM, personal
from shared.event_schemas import EVENT_SCHEMAS
from shared.event_schemas.base import EventData
from tests.conftest import TEST_JWT_SECRET


class NoRpc:
    """The catalog needs no service: any RPC would be a mistake."""

    def call(self, *args, **kwargs):
        raise AssertionError("the catalog made an RPC")


def client_of_gateway(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", TEST_JWT_SECRET)
    return gateway.app.create_app(pool=NoRpc(), shortcuts={}).test_client()


@pytest.fixture(scope="module")
def client():
    with pytest.MonkeyPatch.context() as patch:
        yield client_of_gateway(patch)


@pytest.fixture(scope="module")
def page(client):
    response = client.get("/docs/events")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


def section(page, name):
    """The page's part about one event."""
    return re.search(r'<section id="{}">(.*?)</section>'.format(re.escape(name)), page,
                     re.S).group(1)


def test_the_document_is_served_as_json(client):
    response = client.get("/asyncapi.json")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert response.json == build_document()
    assert "红驿".encode() in response.data  # UTF-8, not \u escapes


def test_the_page_lists_every_event_in_its_source_s_contents(page):
    for source, event_type in EVENT_SCHEMAS:
        name = "{}.{}".format(source, event_type)
        assert 'href="#{}">{}</a>'.format(name, event_type) in page
        assert "<h3>{}</h3>".format(event_type) in section(page, name)
    for source in {source for source, _ in EVENT_SCHEMAS}:
        assert 'id="source-{}"'.format(source) in page


def test_the_page_shows_what_a_department_receives_field_by_field(page):
    registered = section(page, "identity.worker_registered")
    assert "<code>identity.events</code>" in registered
    assert "<code>{department}.identity.worker_registered</code>" in registered
    assert "<td><code>district</code></td><td>string</td>" in registered
    assert "<td><code>registered_at</code></td><td>string (date-time)</td>" in registered
    assert "<td><code>name</code></td>" not in registered  # withheld
    assert "<li><code>name</code>: {}</li>".format(WITHHELD_NOTE) in registered
    assert "<li><code>worker_id</code>: {}</li>".format(PSEUDONYM_NOTE) in registered
    published = section(page, "volunteering.activity_published")
    assert "<td><code>shifts.shift_id</code></td>" in published
    assert "<td><code>station_id</code></td><td>string or null</td>" in published


def test_the_page_links_the_document_and_the_http_docs(client, page):
    assert 'href="/asyncapi.json"' in page and 'href="/docs"' in page
    assert "(/docs/events)" in build_spec()["info"]["description"]
    assert client.get("/asyncapi.json").status_code == 200


class Shouted(EventData):
    """<script>alert("红驿")</script>"""
    worker_id = fields.String(required=True, metadata={
        "description": "<b>who</b> & why", **personal(PSEUDONYM)})


def test_the_page_escapes_what_schemas_say(monkeypatch):
    monkeypatch.setitem(EVENT_SCHEMAS, ("<x>", "shouted"), Shouted)
    text = client_of_gateway(monkeypatch).get("/docs/events").get_data(as_text=True)
    assert "<script>" not in text and "<b>" not in text and "<x>" not in text
    assert "&lt;script&gt;alert(&#34;红驿&#34;)&lt;/script&gt;" in text
    assert "&lt;b&gt;who&lt;/b&gt; &amp; why; " + PSEUDONYM_NOTE in text
