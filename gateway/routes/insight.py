"""insight's routes: 精准画像. Staff: counts, tag rules, segments, pushes, a
named worker's picture with a logged reason. A worker: their own picture
and tags, the opt-out of personalised pushes, their inbox. (The live view's
stream, /api/v1/insight/live, is the gateway's own: gateway/live.py.)"""
from gateway.routes.route import Route
from services.insight import schemas
from shared.caller import UNION_STAFF
from shared.schemas import Paging

STAFF = (UNION_STAFF,)
BASE = "/api/v1/insight"

ROUTES = (
    Route(method="GET", path=BASE + "/overview",
          service="insight", rpc="get_overview", tag="insight",
          summary="Counts: workers, members, opted out, by district, occupation, platform "
                  "and tag (staff)",
          response=schemas.Overview, roles=STAFF),
    Route(method="GET", path=BASE + "/tag-rules",
          service="insight", rpc="list_tag_rules", tag="insight",
          summary="The tag rules, with the facts and operators a condition may use (staff)",
          response=schemas.TagRuleList, roles=STAFF),
    Route(method="PUT", path=BASE + "/tag-rules/<tag>",
          service="insight", rpc="put_tag_rule", tag="insight",
          summary="Create or replace a tag rule: all its conditions must hold (staff)",
          body=schemas.TagRuleRequest, response=schemas.TagRuleView, roles=STAFF),
    Route(method="DELETE", path=BASE + "/tag-rules/<tag>",
          service="insight", rpc="delete_tag_rule", tag="insight",
          summary="Delete a tag rule no saved segment uses (staff)",
          status=204, roles=STAFF),
    Route(method="POST", path=BASE + "/segments/preview",
          service="insight", rpc="preview_segment", tag="insight",
          summary="How many workers a segment's filters take in, now (staff)",
          body=schemas.SegmentFilters, response=schemas.SegmentSize, roles=STAFF),
    Route(method="POST", path=BASE + "/segments",
          service="insight", rpc="save_segment", tag="insight",
          summary="Save a segment by name (staff)",
          body=schemas.SegmentCreateRequest, response=schemas.SegmentView, status=201,
          roles=STAFF),
    Route(method="GET", path=BASE + "/segments",
          service="insight", rpc="list_segments", tag="insight",
          summary="Saved segments with their size now (staff)",
          response=schemas.SegmentList, roles=STAFF),
    Route(method="POST", path=BASE + "/pushes",
          service="insight", rpc="send_push", tag="insight",
          summary="Push a class, job, lesson, activity or notice to a segment: each worker "
                  "in it but those who opted out gets it in their inbox, once (staff)",
          body=schemas.PushRequest, response=schemas.PushView, status=202, roles=STAFF,
          headers=(("Idempotency-Key", "idempotency_key"),), header_schema=schemas.PushKey),
    Route(method="GET", path=BASE + "/pushes",
          service="insight", rpc="list_pushes", tag="insight",
          summary="Pushes, newest first, with reach and reads (staff)",
          query=Paging, response=schemas.PushList, roles=STAFF),
    Route(method="GET", path=BASE + "/pushes/<push_id>",
          service="insight", rpc="get_push", tag="insight",
          summary="One push: its status, audience, reach and reads (staff)",
          response=schemas.PushView, roles=STAFF),
    Route(method="GET", path=BASE + "/workers/<worker_id>",
          service="insight", rpc="get_worker_picture", tag="insight",
          summary="A named worker's picture; the reason is logged first, and the worker "
                  "sees it (staff)",
          query=schemas.ReasonQuery, response=schemas.Picture, roles=STAFF),
    Route(method="GET", path=BASE + "/access-log",
          service="insight", rpc="list_access_log", tag="insight",
          summary="Who looked at which worker's picture, why and when, newest first (staff)",
          query=schemas.AccessLogQuery, response=schemas.AccessLog, roles=STAFF),
    Route(method="GET", path="/api/v1/me/insight",
          service="insight", rpc="get_my_insight", tag="insight",
          summary="My picture: the facts kept, my tags with what each rests on, and who on "
                  "staff looked at it, why and when",
          response=schemas.Picture),
    Route(method="PUT", path="/api/v1/me/insight/preferences",
          service="insight", rpc="set_my_preferences", tag="insight",
          summary="Turn personalised pushes on or off",
          body=schemas.Preferences, response=schemas.Preferences),
    Route(method="GET", path="/api/v1/me/notifications",
          service="insight", rpc="list_my_notifications", tag="insight",
          summary="My inbox, newest first, with the unread count",
          query=schemas.NotificationsQuery, response=schemas.NotificationPage),
    Route(method="POST", path="/api/v1/me/notifications/<notification_id>/read",
          service="insight", rpc="read_notification", tag="insight",
          summary="Mark one of my notifications read (again: no change)",
          response=schemas.NotificationView),
)
