"""One marshmallow schema per event's ``data``, keyed by (source, type).

Producers dump with it, consumers load with it. Unknown fields are kept
(INCLUDE) on load so a producer can add a field without breaking consumers.
"""
from shared.event_schemas import (courses, identity, jobs, learning, ledger, stations,
                                  volunteering)

EVENT_SCHEMAS = {}
for _module in (identity, courses, learning, volunteering, stations, jobs, ledger):
    for _event_type, _schema in _module.SCHEMAS.items():
        EVENT_SCHEMAS[(_module.SOURCE, _event_type)] = _schema
