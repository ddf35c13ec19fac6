"""One entry of the route table: an HTTP operation, the RPC behind it, who may
call it. Fields are keyword-only so that two of the same type (``summary`` and
``tag``, say) cannot be swapped without anyone noticing."""
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Route:
    method: str
    path: str                # Flask syntax: /api/v1/things/<thing_id>
    service: str
    rpc: str
    summary: str
    tag: str
    body: type = None        # request body schema
    query: type = None       # query string schema
    response: type = None    # success body schema (None: 204 No Content)
    status: int = 200
    public: bool = False     # no token needed
    roles: tuple = ()        # any of these roles; empty: any signed-in caller
    headers: tuple = ()      # (HTTP header, RPC argument) pairs passed through
    header_schema: type = None  # checks those arguments before anything else
    status_of: object = None  # result -> status, when it depends on the answer
    other_status: tuple = ()  # (status, description) that status_of may also answer
    download: str = None     # media type: answered as a file (FileDownload), not JSON

    @property
    def changes(self):
        """Whether the call may change something: if its answer is lost
        after the service took it, the gateway cannot say "nothing happened"
        (504 OUTCOME_UNKNOWN); a lost read is plainly retried (503)."""
        return self.method != "GET"
