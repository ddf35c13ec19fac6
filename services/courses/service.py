"""courses: 盐工学堂 classes, the seats in them, and the class rush.

Entrypoints only: each reads the clock once and passes it on. The rules are in
rules.py and booking.py, the data in storage.py; a write's events know the
outbox they are kept in (shared/outbox.Events), so each is published as it comes.
"""
from shared.rpc import rpc
from nameko.timer import timer

from services.courses import booking, rules, schemas
from services.courses.config import CoursesSettings
from services.courses.storage import CoursesStore
from shared.caller import UNION_STAFF
from shared.clock import utcnow
from shared.inbox import EventConsumer, handles
from shared.mongo import MongoStore
from shared.outbox import EventSource
from shared.schemas import dump, load
from shared.service import ServiceBase, Settings

OFFER_EXPIRY_INTERVAL_SECONDS = 5


class CoursesService(ServiceBase, EventSource, EventConsumer):
    name = "courses"

    store = MongoStore(CoursesStore)
    settings = Settings(CoursesSettings.from_config)

    # ---- staff: classes --------------------------------------------------

    @rpc
    def create_class(self, request):
        staff = self.caller.require_role(UNION_STAFF)
        fields = load(schemas.ClassCreateRequest, request)
        cls = rules.new_class(fields, staff.id, self.settings.offer_minutes, utcnow())
        return self._view(self.store.create_class(cls))

    @rpc
    def update_class(self, class_id, request):
        self.caller.require_role(UNION_STAFF)
        changes = load(schemas.ClassUpdateRequest, request)
        cls, events = self.store.update_class(class_id, changes, utcnow())
        self.relay.publish(events)
        return self._view(cls)

    @rpc
    def cancel_class(self, class_id):
        self.caller.require_role(UNION_STAFF)
        cls, events = self.store.cancel_class(class_id, utcnow())
        self.relay.publish(events)
        return self._view(cls)

    @rpc
    def get_checkin_code(self, class_id):
        self.caller.require_role(UNION_STAFF)
        return {"class_id": class_id, "code": self.store.checkin_code(class_id, utcnow())}

    @rpc
    def record_attendance(self, class_id, request):
        worker = self.caller.require_authenticated()
        code = load(schemas.AttendanceRequest, request)["code"]
        seat, events = self.store.attend(class_id, worker.id, code, utcnow())
        self.relay.publish(events)
        return dump(schemas.Attendance, {"class_id": class_id,
                                          "attended_at": seat["attended_at"]})

    @rpc
    def publish_class(self, class_id):
        self.caller.require_role(UNION_STAFF)
        cls, events = self.store.publish_class(class_id, utcnow())
        self.relay.publish(events)
        return self._view(cls)

    # ---- everyone: browsing ----------------------------------------------

    @rpc
    def list_classes(self, query):
        self.caller.require_authenticated()
        params = load(schemas.ClassListQuery, query)
        classes, total = self.store.list_classes(params, utcnow())
        return dump(schemas.ClassPage, {
            "items": [self._with_counts(cls) for cls in classes], "total": total,
            "page": params["page"], "per_page": params["per_page"]})

    @rpc
    def get_class(self, class_id):
        caller = self.caller.require_authenticated()
        cls = self.store.get_class(class_id)
        rules.check_visible(cls, caller)
        kind, held = self.store.holding(class_id, caller.id)
        mine = booking.answer(kind, held, self.store) if held else None
        return self._view(cls, my_booking=mine)

    def _with_counts(self, cls, **extra):
        return dict(cls, seats_left=self.store.seats_left(cls["_id"]),
                    waitlist_length=self.store.waitlist_length(cls["_id"]), **extra)

    def _view(self, cls, **extra):
        return dump(schemas.ClassView, self._with_counts(cls, **extra))

    # ---- workers: booking ------------------------------------------------

    @rpc
    def book_seat(self, class_id, idempotency_key=None):
        worker = self.caller.require_authenticated()
        key = load(schemas.BookingKey, {"idempotency_key": idempotency_key})["idempotency_key"]
        now = utcnow()
        cls = self.store.get_class(class_id)
        result, events = booking.book(self.store, self.settings, cls, worker.id, key, now)
        if events:  # something was taken: tell, and say so if it was the last
            self.relay.publish(events)
            # class_full is dated when fullness is checked, not when the tap
            # began: the gateway trusts it only if nothing was freed after its
            # date (gateway/class_facts.py), and a concurrent tap that gave a
            # place back a moment after this one began would void it.
            self.relay.publish(self.store.mark_class_full(cls, utcnow()))
        return dump(schemas.BookingResult, result)

    @rpc
    def cancel_booking(self, class_id):
        worker = self.caller.require_authenticated()
        events = self.store.leave(class_id, worker.id, utcnow())
        self.relay.publish(events)

    @rpc
    def confirm_offer(self, class_id):
        worker = self.caller.require_authenticated()
        seat, events = self.store.confirm_offer(class_id, worker.id, utcnow())
        self.relay.publish(events)
        return dump(schemas.BookingResult, booking.answer("seat", seat, self.store))

    @rpc
    def list_my_bookings(self):
        worker = self.caller.require_authenticated()
        seats, places = self.store.bookings_of(worker.id, utcnow())
        items = ([booking.answer("seat", s, self.store) for s in seats]
                 + [booking.answer("place", p, self.store) for p in places])
        return dump(schemas.BookingList, {"items": items})

    @timer(interval=OFFER_EXPIRY_INTERVAL_SECONDS)
    def pass_on_expired_offers(self):
        events = self.store.expire_offers(utcnow())
        self.relay.publish(events)

    # ---- what courses keeps from identity ---------------------------------

    @handles("identity", "worker_registered")
    def handle_worker_registered(self, data, envelope, session):
        self.store.remember_worker(data["worker_id"], session)

    @handles("identity", "membership_approved")
    def handle_membership_approved(self, data, envelope, session):
        self.store.remember_worker(data["worker_id"], session, member=True)


SERVICE = CoursesService
