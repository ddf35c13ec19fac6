"""insight: 精准画像. A picture of each worker kept from the events every
service publishes, tags derived from it by rules staff edit as data,
segments, pushes into the workers' inboxes, and the live demand counters of
the staff console (live.py).

Personal-information law: a worker sees their own picture, tags and what
they come from, who on staff looked at it and why, and may turn personalised
pushes off; staff see counts and segments, and a named worker only with a
reason that is logged first. insight publishes no domain events: nothing
here reaches other services or departments.

Entrypoints only: the facts an event gives are facts.py's, what tags mean
tags.py's, segments segments.py's, sending a push fanout.py's, what callers
see views.py's, the data storage.py's.
"""
import hashlib
import json

from services.insight import fanout, schemas, views
from services.insight.config import InsightSettings
from services.insight.facts import change_of
from services.insight.live_folder import LiveFolder
from services.insight.live_rules import COUNTED_BY_DISTRICT
from services.insight.segments import audience_query, segment_query, stored_filters
from services.insight.storage import InsightStore
from shared.caller import UNION_STAFF
from shared.clock import utcnow
from shared.ids import new_id
from shared.inbox import EventConsumer, handles
from shared.mongo import MongoStore
from shared.rpc import rpc
from shared.schemas import dump, load
from shared.service import ServiceBase, Settings
from shared.timers import every


class InsightService(ServiceBase, EventConsumer):
    name = "insight"

    store = MongoStore(InsightStore)
    settings = Settings(InsightSettings.from_config)
    # shared/inbox.py's @handles hands what a handler returns to
    # ``self.relay`` once the handler's transaction commits. insight's
    # handlers return whether they queued their event for the live counters,
    # never domain events: insight has no outbox relay, and its relay folds
    # the queued events into the live view and publishes the deltas
    # (live_folder.py, docs/live-demand.md).
    relay = LiveFolder()

    # ---- the live view ---------------------------------------------------------------

    @every("LIVE_FOLD_SECONDS")
    def fold_live_events(self):
        """Events a failed fold or a process stopped mid-fold left queued."""
        self.relay.fold_soon()

    @rpc
    def show_live_demand(self):
        self.caller.require_role(UNION_STAFF)
        return self.store.live_snapshot(utcnow(), self.settings.live_visit_hours)

    # ---- staff: counts ---------------------------------------------------------------

    @rpc
    def get_overview(self):
        self.caller.require_role(UNION_STAFF)
        now = utcnow()
        store = self.store
        totals = {"workers": store.count_profiles({}),
                  "members": store.count_profiles({"member": True}),
                  "opted_out": store.count_profiles({"personalised_pushes": False})}
        by = {field: store.counted_by(field) for field in ("district", "occupation",
                                                            "platform")}
        rules = store.tag_rules()
        tag_counts = [(rule, store.count_profiles(segment_query(
            {"tags": [rule["tag"]]}, {rule["tag"]: rule}, now))) for rule in rules]
        return dump(schemas.Overview, views.overview(totals, by, tag_counts))

    # ---- staff: tag rules ----------------------------------------------------------------

    @rpc
    def list_tag_rules(self):
        self.caller.require_role(UNION_STAFF)
        return dump(schemas.TagRuleList, views.tag_rules(self.store.tag_rules()))

    @rpc
    def put_tag_rule(self, tag, request):
        staff = self.caller.require_role(UNION_STAFF)
        tag = load(schemas.TagPath, {"tag": tag})["tag"]
        fields = load(schemas.TagRuleRequest, request)
        rule = self.store.put_rule(tag, fields, staff.id, utcnow())
        return dump(schemas.TagRuleView, views.tag_rule(rule))

    @rpc
    def delete_tag_rule(self, tag):
        self.caller.require_role(UNION_STAFF)
        self.store.delete_rule(tag)

    # ---- staff: segments -------------------------------------------------------------------

    @rpc
    def preview_segment(self, request):
        self.caller.require_role(UNION_STAFF)
        filters = load(schemas.SegmentFilters, request)
        return dump(schemas.SegmentSize, {"size": self._size(filters)})

    def _size(self, filters):
        return self.store.count_profiles(
            segment_query(filters, self.store.rules_by_tag(), utcnow()))

    @rpc
    def save_segment(self, request):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.SegmentCreateRequest, request)
        size = self._size(fields["filters"])  # an unknown tag is refused here
        segment = self.store.save_segment({
            "_id": new_id(), "name": fields["name"],
            "filters": stored_filters(fields["filters"]), "created_by": staff.id,
            "created_at": utcnow()})
        return dump(schemas.SegmentView, views.segment(segment, size))

    @rpc
    def list_segments(self):
        self.caller.require_role(UNION_STAFF)
        rules, now = self.store.rules_by_tag(), utcnow()
        return dump(schemas.SegmentList, {"items": [
            views.segment(segment, self.store.count_profiles(
                segment_query(segment["filters"], rules, now)))
            for segment in self.store.list_segments()]})

    # ---- staff: pushes -----------------------------------------------------------------------

    @rpc
    def send_push(self, request, idempotency_key=None):
        """Recorded here (202), sent by the timer within a second or so; the
        same Idempotency-Key again answers the same push."""
        staff = self.caller.require_role(UNION_STAFF)
        key = load(schemas.PushKey, {"idempotency_key": idempotency_key})["idempotency_key"]
        fields = load(schemas.PushRequest, request)
        segment_id, filters = self._audience_of(fields)
        now = utcnow()
        push = self.store.add_push({
            "_id": new_id(), "idempotency_key": key, "fingerprint": fingerprint(request),
            "kind": fields["kind"], "target_id": fields["target_id"], "title": fields["title"],
            "body": fields["body"], "link": fields["link"], "segment_id": segment_id,
            "filters": filters, "status": schemas.QUEUED, "audience": None, "reach": 0,
            "reads": 0, "created_by": staff.id, "created_at": now, "sent_at": None,
            "lease_until": None})
        return dump(schemas.PushView, views.push(push))

    def _audience_of(self, fields):
        """(segment id or None, the filters), the tags checked to exist."""
        if fields["segment_id"] is not None:
            segment = self.store.get_segment(fields["segment_id"])
            return segment["_id"], segment["filters"]
        filters = stored_filters(fields["filters"])
        audience_query(filters, self.store.rules_by_tag(), utcnow())
        return None, filters

    @rpc
    def list_pushes(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.Paging, query)
        pushes, total = self.store.list_pushes(params["page"], params["per_page"])
        return dump(schemas.PushList, dict(params, items=[views.push(p) for p in pushes],
                                           total=total))

    @rpc
    def get_push(self, push_id):
        self.caller.require_role(UNION_STAFF)
        return dump(schemas.PushView, views.push(self.store.get_push(push_id)))

    @every("INSIGHT_PUSH_SECONDS")
    def send_pushes(self):
        fanout.send_due(self.store, self.settings.push_batch, utcnow)

    # ---- staff: a named worker, with a reason ---------------------------------------------

    @rpc
    def get_worker_picture(self, worker_id, query):
        staff = self.caller.require_role(UNION_STAFF)
        reason = load(schemas.ReasonQuery, query)["reason"]
        now = utcnow()
        self.store.log_access(staff.id, worker_id, reason, now)  # before anything is shown
        return self._picture(self.store.get_profile(worker_id), now, with_name=True)

    @rpc
    def list_access_log(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.AccessLogQuery, query)
        entries, total = self.store.access_log(params.get("worker_id"), params["page"],
                                               params["per_page"])
        names = self.store.names_of({entry["staff_id"] for entry in entries})
        return dump(schemas.AccessLog, dict(params, total=total, items=[
            views.access(entry, names) for entry in entries]))

    def _picture(self, profile, now, with_name):
        looks = self.store.looks_at(profile["_id"])
        names = self.store.names_of({entry["staff_id"] for entry in looks})
        return dump(schemas.Picture, views.picture(profile, self.store.tag_rules(), looks,
                                                   names, now, with_name))

    # ---- workers: their own picture and inbox -----------------------------------------------

    @rpc
    def get_my_insight(self):
        worker = self.caller.require_authenticated()
        return self._picture(self.store.own_profile(worker.id), utcnow(), with_name=False)

    @rpc
    def set_my_preferences(self, request):
        worker = self.caller.require_authenticated()
        fields = load(schemas.Preferences, request)
        profile = self.store.set_preferences(worker.id, fields["personalised_pushes"], utcnow())
        return dump(schemas.Preferences, profile)

    @rpc
    def list_my_notifications(self, query):
        worker = self.caller.require_authenticated()
        params = load(schemas.NotificationsQuery, query)
        items, total, unread = self.store.notifications_of(
            worker.id, params["unread_only"], params["page"], params["per_page"])
        return dump(schemas.NotificationPage, dict(
            params, items=[views.notification(item) for item in items], total=total,
            unread=unread))

    @rpc
    def read_notification(self, notification_id):
        worker = self.caller.require_authenticated()
        marked = self.store.mark_read(notification_id, worker.id, utcnow())
        return dump(schemas.NotificationView, views.notification(marked))

    # ---- events: the picture and the live counters ------------------------------------------
    # One handler per event type. Each updates the worker's picture (if the
    # event tells something of them) and queues the event for the live
    # counters, in the inbox's transaction; it returns whether it queued it.

    def _picture_and_live(self, data, envelope, session):
        """The source and type are read off the envelope: a handler's queue
        is bound to its exchange by exactly that type (shared/topology.py),
        and shared/inbox.py loaded ``data`` with that type's schema."""
        source, event_type = envelope["source"], envelope["type"]
        change = change_of(source, event_type, data)
        by_district = (source, event_type) in COUNTED_BY_DISTRICT
        district = self.store.apply_change(change, session, with_district=by_district) \
            if change else None
        return self.store.queue_live(source, event_type, data, envelope, district, session)

    def _identity(self, data, envelope, session, at, registered=False):
        self.store.remember_identity(data, at, session, registered=registered)
        return self._picture_and_live(data, envelope, session)

    @handles("identity", "worker_registered")
    def handle_worker_registered(self, data, envelope, session):
        return self._identity(data, envelope, session,
                              data["registered_at"], registered=True)

    @handles("identity", "profile_updated")
    def handle_profile_updated(self, data, envelope, session):
        return self._identity(data, envelope, session, data["updated_at"])

    @handles("identity", "membership_approved")
    def handle_membership_approved(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("courses", "class_published")
    def handle_class_published(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("courses", "class_updated")
    def handle_class_updated(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("courses", "class_cancelled")
    def handle_class_cancelled(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("courses", "class_full")
    def handle_class_full(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("courses", "seat_booked")
    def handle_seat_booked(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("courses", "seat_released")
    def handle_seat_released(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("courses", "waitlist_joined")
    def handle_waitlist_joined(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("courses", "waitlist_left")
    def handle_waitlist_left(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("courses", "waitlist_offered")
    def handle_waitlist_offered(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("courses", "class_attended")
    def handle_class_attended(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("learning", "lesson_completed")
    def handle_lesson_completed(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("learning", "quiz_passed")
    def handle_quiz_passed(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("volunteering", "volunteer_signed_up")
    def handle_volunteer_signed_up(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("volunteering", "volunteer_hours_confirmed")
    def handle_volunteer_hours_confirmed(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("stations", "station_visited")
    def handle_station_visited(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("stations", "station_problem_reported")
    def handle_station_problem_reported(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("jobs", "application_submitted")
    def handle_application_submitted(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("jobs", "application_status_changed")
    def handle_application_status_changed(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)

    @handles("ledger", "points_awarded")
    def handle_points_awarded(self, data, envelope, session):
        return self._picture_and_live(data, envelope, session)


def fingerprint(request):
    """What a push asked for, to tell a retry from another push under the same key."""
    return hashlib.sha256(json.dumps(request, sort_keys=True, ensure_ascii=False,
                                     default=str).encode()).hexdigest()


SERVICE = InsightService
