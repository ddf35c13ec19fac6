"""feeds' routes: the departments that subscribe to the platform's events
(staff register, change, pause, rotate, revoke them, see their figures and
parked deliveries, replay for them), a department's own replays with its
API key, and staff's backfills of a service from the event archive. The
catalog of events is /asyncapi.json."""
from gateway.routes.route import Route
from services.feeds import schemas
from shared.caller import UNION_STAFF

DEPARTMENT = "/api/v1/departments/<department_id>"
BACKFILLS = "/api/v1/backfills"
STAFF = (UNION_STAFF,)
DEPARTMENT_KEY = (("X-Department-Key", "department_key"),)

ROUTES = (
    Route(method="GET", path="/api/v1/departments",
          service="feeds", rpc="list_departments", tag="departments",
          summary="Subscribing departments, each with its delivery figures (staff)",
          response=schemas.DepartmentList, roles=STAFF),
    Route(method="POST", path="/api/v1/departments",
          service="feeds", rpc="register_department", tag="departments",
          summary="Register a department: its event types and how it takes delivery "
                  "(its own AMQP queue, or a signed HTTPS webhook); credentials are shown "
                  "once (staff)",
          body=schemas.DepartmentCreateRequest, response=schemas.DepartmentCreated,
          status=201, roles=STAFF),
    Route(method="GET", path=DEPARTMENT,
          service="feeds", rpc="get_department", tag="departments",
          summary="One department: delivered, waiting, failed, last delivery, lag (staff)",
          response=schemas.DepartmentView, roles=STAFF),
    Route(method="PATCH", path=DEPARTMENT,
          service="feeds", rpc="update_department", tag="departments",
          summary="Change its event types, contact or webhook; pause it, or resume it "
                  "(what it missed is replayed) (staff)",
          body=schemas.DepartmentUpdateRequest, response=schemas.DepartmentView, roles=STAFF),
    Route(method="POST", path=DEPARTMENT + "/credentials",
          service="feeds", rpc="rotate_credentials", tag="departments",
          summary="New credentials, shown once; the old ones stop working at once (staff)",
          response=schemas.Credentials, roles=STAFF),
    Route(method="POST", path=DEPARTMENT + "/revocation",
          service="feeds", rpc="revoke_department", tag="departments",
          summary="Revoke for good: its broker user and queue go, nothing more is sent "
                  "(staff)",
          response=schemas.DepartmentView, roles=STAFF),
    Route(method="GET", path=DEPARTMENT + "/parked",
          service="feeds", rpc="list_parked", tag="departments",
          summary="Webhook deliveries parked after a day of failures (staff)",
          response=schemas.ParkedList, roles=STAFF),
    Route(method="POST", path=DEPARTMENT + "/parked/redelivery",
          service="feeds", rpc="redeliver_parked", tag="departments",
          summary="Send every parked delivery again, in order (staff)",
          response=schemas.Redelivered, roles=STAFF),
    Route(method="POST", path=DEPARTMENT + "/replays",
          service="feeds", rpc="request_replay", tag="departments",
          summary="Replay archived events from a time, in their original order, marked "
                  "replayed (staff)",
          body=schemas.ReplayRequest, response=schemas.ReplayView, status=202, roles=STAFF),
    Route(method="GET", path=DEPARTMENT + "/replays/<replay_id>",
          service="feeds", rpc="get_replay", tag="departments",
          summary="How far a replay has got (staff)",
          response=schemas.ReplayView, roles=STAFF),
    Route(method="POST", path="/api/v1/feed/replays",
          service="feeds", rpc="request_own_replay", tag="departments",
          summary="A department replays its own events from a time (X-Department-Key)",
          body=schemas.ReplayRequest, response=schemas.ReplayView, status=202, public=True,
          headers=DEPARTMENT_KEY, header_schema=schemas.DepartmentKeyHeader),
    Route(method="GET", path="/api/v1/feed/replays/<replay_id>",
          service="feeds", rpc="get_own_replay", tag="departments",
          summary="How far a department's own replay has got (X-Department-Key)",
          response=schemas.ReplayView, public=True,
          headers=DEPARTMENT_KEY, header_schema=schemas.DepartmentKeyHeader),
    Route(method="POST", path=BACKFILLS,
          service="feeds", rpc="request_backfill", tag="backfills",
          summary="Backfill a service from the event archive: the archived events its "
                  "handlers take, from a time, put on its own handler queues so it catches "
                  "up; events it already has are dropped by its inbox (staff)",
          body=schemas.BackfillRequest, response=schemas.BackfillView, status=202,
          roles=STAFF),
    Route(method="GET", path=BACKFILLS,
          service="feeds", rpc="list_backfills", tag="backfills",
          summary="The latest backfills, newest first (staff)",
          response=schemas.BackfillList, roles=STAFF),
    Route(method="GET", path=BACKFILLS + "/<backfill_id>",
          service="feeds", rpc="get_backfill", tag="backfills",
          summary="How far a backfill has got (staff)",
          response=schemas.BackfillView, roles=STAFF),
)
