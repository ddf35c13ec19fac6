"""volunteering: 志愿先锋, from "leave your phone number" to a certificate
anyone can check.

Entrypoints only: who may do what and how hours are reckoned are rules.py's,
what callers see views.py's, the certificate certificates.py's, the data
storage.py's. Each entrypoint takes the time once. Two answers come from
other services, asked synchronously because nothing can proceed without
them: the worker's own profile (identity: the contact a sign-up defaults
to, the name on a certificate) and whether a station's check-in code is
right (stations: only it holds the station's secret).
"""
from nameko.timer import timer

from services.volunteering import certificates, exceptions, rules, schemas, views
from services.volunteering.config import VolunteeringSettings
from services.volunteering.signups import PLACES
from services.volunteering.storage import VolunteeringStore
from shared import checkin_codes
from shared.calls import ServiceCalls
from shared.caller import UNION_STAFF
from shared.clock import utcnow
from shared.errors import Forbidden
from shared.worker_facts import KeepsWorkerFacts
from shared.inbox import EventConsumer, handles
from shared.mongo import MongoStore
from shared.outbox import EventSource
from shared.positions import CheckInRequest
from shared.rpc import rpc
from shared.schemas import FileDownload, Paging, dump, load
from shared.service import ServiceBase, Settings

# Fixed here, not read from the environment: timers are bound at import time.
SWEEP_INTERVAL_SECONDS = 60


class VolunteeringService(ServiceBase, EventSource, EventConsumer, KeepsWorkerFacts):
    name = "volunteering"

    store = MongoStore(VolunteeringStore)
    settings = Settings(VolunteeringSettings.from_config)
    calls = ServiceCalls()

    # ---- organizers: activities ----------------------------------------------------

    @rpc
    def publish_activity(self, request):
        fields = load(schemas.ActivityCreateRequest, request)
        station = (self.store.get_station(fields["station_id"])
                   if fields["station_id"] else None)
        rules.check_may_publish(self.caller, station)
        fields["venue"] = rules.venue_of(station, fields["venue"])
        now = utcnow()
        activity, events = self.store.publish(fields, self.caller.id,
                                              checkin_codes.new_secret(), now)
        self.relay.publish(events)
        return self._view(self.store.get_activity(activity["_id"]))  # times as stored (ms)

    @rpc
    def update_activity(self, activity_id, request):
        changes = load(schemas.ActivityUpdateRequest, request)
        activity = self.store.get_activity(activity_id)
        rules.check_organizes(self.caller, activity)
        now = utcnow()
        rules.check_editable(activity, now)
        edits = changes.pop("shifts", None)
        shifts = rules.merge_shifts(activity, edits) if edits is not None else None
        rules.check_merged(activity, changes, shifts)
        if "venue" in changes:
            changes["venue"] = rules.venue_of(None, changes["venue"])
        activity, events = self.store.update_activity(activity, changes, shifts, now)
        self.relay.publish(events)
        for shift in activity["shifts"]:  # places added: the line moves up
            self.relay.publish(self.store.promote(shift["shift_id"], now))
        return self._view(self.store.get_activity(activity_id))

    @rpc
    def cancel_activity(self, activity_id, request):
        reason = load(schemas.CancellationRequest, request)["reason"]
        activity = self.store.get_activity(activity_id)
        rules.check_organizes(self.caller, activity)
        now = utcnow()
        rules.check_editable(activity, now)
        activity, events = self.store.cancel_activity(activity, reason, now)
        self.relay.publish(events)
        return self._view(activity)

    @rpc
    def get_organizer_code(self, activity_id):
        activity = self.store.get_activity(activity_id)
        rules.check_organizes(self.caller, activity)
        code, valid_until = checkin_codes.screen_code(activity["code_secret"], utcnow())
        return dump(schemas.OrganizerCode, {"activity_id": activity_id, "code": code,
                                            "valid_until": valid_until})

    # ---- everyone: finding one --------------------------------------------------------

    @rpc
    def list_activities(self, query):
        caller = self.caller.require_authenticated()
        params = load(schemas.ActivityListQuery, query)
        activities, total = self.store.list_activities(
            params, caller.id if params["mine"] else None, utcnow())
        items = [self._shown(activity, caller.id) for activity in activities]
        return dump(schemas.ActivityPage, dict(params, items=items, total=total))

    @rpc
    def get_activity(self, activity_id):
        caller = self.caller.require_authenticated()
        return dump(schemas.ActivityView,
                    self._shown(self.store.get_activity(activity_id), caller.id))

    def _shown(self, activity, worker_id):
        counts = {shift["shift_id"]: self.store.shift_counts(shift["shift_id"])
                  for shift in activity["shifts"]}
        mine = [views.my_signup(name, slot, self.store)
                for name, slot in self.store.held(worker_id, activity_id=activity["_id"])]
        return views.activity(activity, counts, mine)

    def _view(self, activity):
        return dump(schemas.ActivityView, self._shown(activity, self.caller.id))

    # ---- workers: signing up -----------------------------------------------------------

    @rpc
    def sign_up(self, activity_id, shift_id, request, idempotency_key=None):
        worker = self.caller.require_authenticated()
        fields = load(schemas.SignUpRequest, request)
        key = load(schemas.SignUpKey, {"idempotency_key": idempotency_key})["idempotency_key"]
        activity = self.store.get_activity(activity_id)
        shift = rules.shift_of(activity, shift_id)
        earlier = self._replayed(worker.id, shift_id, key)
        if earlier is not None:
            return earlier
        now = utcnow()
        rules.check_signup_open(activity, shift, now)
        contact = fields["contact"] or rules.contact_of(self._profile())
        name, slot, events = self.store.sign_up(activity, shift, worker.id, key, contact,
                                                fields["note"], now)
        self.relay.publish(events)
        if name != PLACES:  # a place may have been freed meanwhile
            self.relay.publish(self.store.promote(shift_id, now))
            name, slot = self.store.signup(activity_id, slot["signup_id"])
        return dump(schemas.SignUpAnswer, views.sign_up_answer(name, slot, self.store))

    def _replayed(self, worker_id, shift_id, key):
        """The answer again for a retried Idempotency-Key (one that took a
        place in another shift is refused)."""
        for name, slot in self.store.held(worker_id, key=key) if key else ():
            if slot["shift_id"] != shift_id:
                raise exceptions.idempotency_key_reused()
            return dump(schemas.SignUpAnswer, views.sign_up_answer(name, slot, self.store))
        return None

    def _profile(self):
        return self.calls.call("identity", "get_own_profile")

    @rpc
    def cancel_signup(self, activity_id, shift_id):
        worker = self.caller.require_authenticated()
        activity = self.store.get_activity(activity_id)
        rules.shift_of(activity, shift_id)
        held = self.store.held(worker.id, shift_id=shift_id)
        if not held:
            raise exceptions.signup_not_found()
        name, slot = held[0]
        now = utcnow()
        rules.check_cancellable(activity, slot, now)
        late = rules.is_late(activity, slot, now)
        self.relay.publish(self.store.cancel(name, slot, late, now))
        self.relay.publish(self.store.promote(shift_id, now))
        return dump(schemas.CancelAnswer, {"signup_id": slot["signup_id"], "late": late,
                                           "at": now})

    # ---- workers: at the venue ----------------------------------------------------------

    @rpc
    def check_in_shift(self, activity_id, shift_id, request):
        return self._attend(activity_id, shift_id, request, self.store.check_in, False)

    @rpc
    def check_out_shift(self, activity_id, shift_id, request):
        return self._attend(activity_id, shift_id, request, self.store.check_out, True)

    def _attend(self, activity_id, shift_id, request, mark, checking_out):
        worker = self.caller.require_authenticated()
        fields = load(CheckInRequest, request)
        activity = self.store.get_activity(activity_id)
        rules.shift_of(activity, shift_id)
        place = self.store.my_place(shift_id, worker.id)
        now = utcnow()
        rules.check_attendance_window(activity, place, now, checking_out)
        self._check_code(activity, fields["code"], now)
        rules.check_reach(activity, fields["position"])
        place, events = mark(place, now)
        self.relay.publish(events)
        return dump(schemas.ShiftAttendance, views.attendance(place))

    def _check_code(self, activity, code, now):
        """The organizer's rotating code, else the station's (which stations
        checks, counting wrong tries against this worker there)."""
        if checkin_codes.accepts(activity["code_secret"], code, now):
            return
        if activity["station_id"] is None:
            raise exceptions.wrong_code()
        try:
            self.calls.call("stations", "verify_checkin_code",
                            station_id=activity["station_id"], request={"code": code})
        except Forbidden as refusal:
            raise exceptions.wrong_code() from refusal

    @rpc
    def record_shift_attendance(self, activity_id, shift_id, request):
        fields = load(schemas.AttendanceRecord, request)
        activity = self.store.get_activity(activity_id)
        rules.check_organizes(self.caller, activity)
        shift = rules.shift_of(activity, shift_id)
        now = utcnow()
        rules.check_recordable(activity, shift, now)
        self.store.get_worker(fields["worker_id"])
        place, events = self.store.record_attendance(
            activity, shift, fields["worker_id"], fields["contact"],
            (fields["checked_in_at"], fields["checked_out_at"]), fields["reason"],
            self.caller.id, now)
        self.relay.publish(events)
        return dump(schemas.RosterEntry, views.roster_entry(PLACES, place, self.store))

    @timer(interval=SWEEP_INTERVAL_SECONDS)
    def close_ended_shifts(self):
        self.relay.publish(self.store.close_ended_shifts(utcnow()))

    # ---- organizers: the roster and hours --------------------------------------------

    @rpc
    def get_roster(self, activity_id, query):
        params = load(schemas.RosterQuery, query)
        activity = self.store.get_activity(activity_id)
        rules.check_organizes(self.caller, activity)
        return dump(schemas.Roster, views.roster(activity, self._entries(activity, params)))

    @rpc
    def export_roster_csv(self, activity_id, query):
        params = load(schemas.RosterQuery, query)
        activity = self.store.get_activity(activity_id)
        rules.check_organizes(self.caller, activity)
        return dump(FileDownload,
                    views.roster_csv(activity, self._entries(activity, params)))

    def _entries(self, activity, params):
        return views.roster_entries(self.store.activity_slots(activity["_id"]),
                                    self.store.records_of(activity["_id"]), self.store,
                                    params.get("shift_id"))

    @rpc
    def confirm_hours(self, activity_id, request):
        signup_ids = load(schemas.BulkConfirmRequest, request)["signup_ids"]
        activity = self.store.get_activity(activity_id)
        rules.check_organizes(self.caller, activity)
        confirmed, unchanged, events = self.store.confirm_hours(
            activity, signup_ids, self.caller.id, utcnow())
        self.relay.publish(events)
        return dump(schemas.Confirmed, {"confirmed": confirmed, "unchanged": unchanged})

    @rpc
    def adjust_hours(self, activity_id, signup_id, request):
        fields = load(schemas.AdjustRequest, request)
        activity, place = self._decision(activity_id, signup_id)
        events = self.store.adjust_hours(activity, place, round(fields["hours"], 1),
                                         fields["reason"], self.caller.id, utcnow())
        self.relay.publish(events)
        return self._entry(activity, signup_id)

    @rpc
    def decline_hours(self, activity_id, signup_id, request):
        reason = load(schemas.DeclineRequest, request)["reason"]
        activity, place = self._decision(activity_id, signup_id)
        self.store.decline_hours(place, reason, self.caller.id, utcnow())
        return self._entry(activity, signup_id)

    def _decision(self, activity_id, signup_id):
        activity = self.store.get_activity(activity_id)
        rules.check_organizes(self.caller, activity)
        name, place = self.store.signup(activity_id, signup_id)
        rules.check_decidable(name, place, utcnow())
        return activity, place

    def _entry(self, activity, signup_id):
        name, place = self.store.signup(activity["_id"], signup_id)
        return dump(schemas.RosterEntry, views.roster_entry(name, place, self.store))

    @rpc
    def list_pending_hours(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(Paging, query)
        places, total, titles = self.store.pending_hours(params["page"], params["per_page"])
        items = [views.pending_hours(place, titles) for place in places]
        return dump(schemas.PendingHoursPage, dict(params, items=items, total=total))

    # ---- workers: my hours and certificate ---------------------------------------------

    @rpc
    def get_my_volunteering(self):
        worker = self.caller.require_authenticated()
        return dump(schemas.MyVolunteering, views.mine(
            self.store.worker_slots(worker.id), self.store.worker_records(worker.id),
            self.store, utcnow()))

    @rpc
    def download_certificate(self):
        worker = self.caller.require_authenticated()
        places = self.store.confirmed_places(worker.id)
        if not places:
            raise exceptions.no_confirmed_hours()
        now = utcnow()
        issued = certificates.issue(self.store, self.settings, worker.id, self._profile(),
                                    places, now)
        return dump(FileDownload, certificates.download(issued, self.settings))

    @rpc
    def verify_certificate(self, number):
        issued = self.store.get_certificate(number)
        return dump(schemas.Verification, certificates.verification(issued, self.settings))

    # ---- stations, from their events ------------------------------------------------------

    @handles("stations", "station_opened")
    def handle_station_opened(self, data, envelope, session):
        self.store.remember_station(data, True, session)

    @handles("stations", "station_updated")
    def handle_station_updated(self, data, envelope, session):
        self.store.remember_station(data, True, session)

    @handles("stations", "station_closed")
    def handle_station_closed(self, data, envelope, session):
        self.store.forget_station(data["station_id"], session)


SERVICE = VolunteeringService
