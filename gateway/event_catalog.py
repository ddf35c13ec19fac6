"""The event catalog's routes: the AsyncAPI document (gateway/asyncapi.py) at
/asyncapi.json, and a page of it at /docs/events for a department's
developer, rendered on the server from the same document (no script, Jinja's
autoescaping on every text that comes from a schema).
"""
from dataclasses import dataclass

from flask import jsonify, render_template_string

from gateway.asyncapi import (BROKER, ENVELOPE_REQUIRED, PSEUDONYM_NOTE, WITHHELD_NOTE,
                              build_document, envelope_attributes)
from shared.department_feed import DEPARTMENT_EXCHANGE
from shared.event_privacy import PSEUDONYM, WITHHELD

TREATMENTS = {PSEUDONYM: PSEUDONYM_NOTE, WITHHELD: WITHHELD_NOTE}


@dataclass(frozen=True)
class FieldRow:
    name: str
    json_type: str
    required: bool
    description: str


def register(app):
    document = build_document()

    @app.get("/asyncapi.json")
    def asyncapi_document():
        return jsonify(document)

    @app.get("/docs/events")
    def events_page():
        return render_page(document)


def render_page(document):
    envelope = {"properties": envelope_attributes(), "required": ENVELOPE_REQUIRED}
    return render_template_string(PAGE, info=document["info"], sources=page_sources(document),
                                  envelope=field_rows(envelope), exchange=DEPARTMENT_EXCHANGE,
                                  broker=document["servers"][BROKER])


def page_sources(document):
    """Each source (in the document's tag order) with its events."""
    sources = {tag["name"]: {"name": tag["name"], "events": []}
               for tag in document["info"]["tags"]}
    for name, message in document["components"]["messages"].items():
        source = message["tags"][0]["name"]
        sources[source]["events"].append(event_view(name, message, document["channels"][name]))
    return list(sources.values())


def event_view(name, message, channel):
    return {"name": name, "type": message["name"], "description": message.get("description"),
            "address": channel["address"], "platform_exchange": channel["x-platform-exchange"],
            "platform_routing_key": channel["x-platform-routing-key"],
            "fields": field_rows(message["payload"]["properties"]["data"]),
            "personal": [(path, TREATMENTS[kind])
                         for path, kind in message["x-personal"].items()]}


def field_rows(schema, prefix=""):
    """A row per property of a JSON Schema object, nested ones after their
    parent as ``parent.child`` (the names x-personal uses)."""
    rows = []
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        rows.append(FieldRow(prefix + name, json_type(prop), name in required,
                             prop.get("description", "")))
        rows += field_rows(prop.get("items", prop), prefix + name + ".")
    return rows


def json_type(prop):
    kinds = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    text = " or ".join(type_name(kind, prop) for kind in kinds)
    if "const" in prop:
        text += ', always "{}"'.format(prop["const"])
    if "enum" in prop:
        text += ", one of " + ", ".join(map(str, prop["enum"]))
    return text


def type_name(kind, prop):
    if kind == "array":
        return "array of " + json_type(prop["items"])
    if kind != "null" and "format" in prop:
        return "{} ({})".format(kind, prop["format"])
    return kind


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ info.title }}</title>
<style>
body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
       max-width: 64rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
code { background: #f3f3f3; }
.intro { white-space: pre-wrap; }
section { border-top: 1px solid #ddd; margin-top: 1.5rem; }
</style></head>
<body>
<h1>{{ info.title }}</h1>
<p><a href="/asyncapi.json">AsyncAPI 3.0 document</a> ·
<a href="/docs">HTTP API (OpenAPI)</a> ·
broker <code>{{ broker.protocol }}://{{ broker.host }}</code></p>
<div class="intro">{{ info.description }}</div>

<h2>Contents</h2>
<ul>
<li><a href="#envelope">The envelope</a></li>
{% for source in sources %}<li><a href="#source-{{ source.name }}">{{ source.name }}</a>:
{% for event in source.events %}<a href="#{{ event.name }}">{{ event.type }}</a>
{{- ", " if not loop.last }}
{% endfor %}</li>
{% endfor %}</ul>

{% macro fields_table(rows) %}
<table><tr><th>field</th><th>JSON type</th><th>required</th><th>description</th></tr>
{% for row in rows %}<tr><td><code>{{ row.name }}</code></td><td>{{ row.json_type }}</td>
<td>{{ "yes" if row.required else "no" }}</td><td>{{ row.description }}</td></tr>
{% endfor %}</table>
{% endmacro %}

<h2 id="envelope">The envelope</h2>
<p>Every event, whichever its type, is one JSON document with these CloudEvents attributes
beside its <code>data</code>.</p>
{{ fields_table(envelope) }}

{% for source in sources %}
<h2 id="source-{{ source.name }}">{{ source.name }}</h2>
{% for event in source.events %}
<section id="{{ event.name }}">
<h3>{{ event.type }}</h3>
{% if event.description %}<p>{{ event.description }}</p>{% endif %}
<p>Routing key <code>{{ event.address }}</code> on the exchange <code>{{ exchange }}</code>.
Inside the platform it is published to <code>{{ event.platform_exchange }}</code> with the routing
key <code>{{ event.platform_routing_key }}</code>.</p>
<h4><code>data</code> as you receive it</h4>
{{ fields_table(event.fields) }}
<h4>Personal fields</h4>
{% if event.personal %}<ul>
{% for path, treatment in event.personal %}<li><code>{{ path }}</code>: {{ treatment }}</li>
{% endfor %}</ul>
{% else %}<p>None.</p>{% endif %}
</section>
{% endfor %}
{% endfor %}
</body></html>"""
