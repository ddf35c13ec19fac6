"""How other departments receive the platform's events: the names on the
broker and the CloudEvents attributes the feeds service (services/feeds/)
delivers with, and the event catalog (gateway/asyncapi.py) documents.

A department never reads the services' own exchanges (they carry names and
phones): the feeds service publishes each event, made fit for that one
department (shared/event_privacy.py), to ``DEPARTMENT_EXCHANGE`` with the
routing key ``<department id>.<source>.<type>``; the department's queue is
bound there with exactly the keys of its event types.
"""
from urllib.parse import unquote, urlsplit, urlunsplit

DEPARTMENT_EXCHANGE = "feeds.departments"
# The envelope's content type in both deliveries (CloudEvents structured mode).
CLOUDEVENTS_JSON = "application/cloudevents+json"
# CloudEvents extension attribute: true on an event delivered again by a replay.
REPLAYED = "replayed"
# CloudEvents extension attribute: the department the event was made for.
DEPARTMENT = "department"


def department_queue(department_id):
    return "dept.{}".format(department_id)


def department_user(department_id):
    return "dept-{}".format(department_id)


def routing_key(department_id, source, event_type):
    return "{}.{}.{}".format(department_id, source, event_type)


def department_broker(department_amqp_url, amqp_uri):
    """The broker as departments reach it, without credentials: the given
    address (DEPARTMENT_AMQP_URL), else the platform's own AMQP_URI's."""
    parts = urlsplit(department_amqp_url or amqp_uri)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def vhost_of(amqp_url):
    """An AMQP URL's vhost: its path, "/" (RabbitMQ's default) when empty."""
    path = urlsplit(amqp_url).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def event_type_name(source, event_type):
    """How a department names an event type: ``<source>.<type>``."""
    return "{}.{}".format(source, event_type)
