"""The gateway's own routes: a round trip to check that the path to a service works."""
from marshmallow import Schema, fields

from gateway.routes.route import Route


class Pong(Schema):
    pong = fields.String()


ROUTES = (
    Route(method="GET", path="/api/v1/ping",
          service="identity", rpc="ping", tag="system",
          summary="A round trip through the gateway to a service and back",
          response=Pong, public=True),
)
