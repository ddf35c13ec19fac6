"""The public HTTP contract: every route, the RPC behind it, who may call it.

This table drives both the Flask routes (gateway/app.py) and the OpenAPI
document (gateway/openapi.py), so the documentation cannot drift from what is
served. Path parameters are passed to the RPC by name; a validated JSON body
as ``request``; validated query parameters as ``query``; each of a route's
``headers`` as its RPC argument.

Each service's routes are in their own module here; a new service writes
``gateway/routes/<service>.py`` and adds it to ``ROUTES`` below.
"""
from gateway.routes import (courses, feeds, identity, insight, jobs, learning, ledger,
                            stations, system, volunteering)
from gateway.routes.route import Route

ROUTES = (system.ROUTES + identity.ROUTES + courses.ROUTES + ledger.ROUTES + learning.ROUTES
          + stations.ROUTES + volunteering.ROUTES + jobs.ROUTES + feeds.ROUTES
          + insight.ROUTES)

__all__ = ["ROUTES", "Route"]
