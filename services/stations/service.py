"""stations: 主题驿站, the red-themed stations and the outdoor workers'
service stations: where they are, whether they are open now, what riders
report, and the check-ins that are the union's demand data.

Entrypoints only: who may do what and how reports fade are rules.py's, the
search runs over this instance's copy of the catalog (catalog.py, search.py),
what callers see is views.py's, the data storage.py's. Each entrypoint takes
the time once.
"""
from datetime import datetime, time, timedelta

from services.stations import demand, exceptions, rules, schemas, search
from services.stations import views
from services.stations.catalog import StationIndex
from services.stations.storage import StationsStore
from shared.caller import UNION_STAFF
from shared.catalog import Catalog
from shared import checkin_codes as codes
from shared import coordinates
from shared.clock import utcnow
from shared.domain import CHINA_TZ, china_time
from shared.mongo import MongoStore
from shared.outbox import EventSource
from shared.positions import WGS84, CheckInCode, CheckInRequest
from shared.rpc import rpc
from shared.schemas import dump, load
from shared.service import ServiceBase


class StationsService(ServiceBase, EventSource):
    name = "stations"

    store = MongoStore(StationsStore)
    catalog = Catalog(StationIndex)

    # ---- staff and keepers: the catalog -------------------------------------------

    @rpc
    def create_station(self, request):
        self.caller.require_role(UNION_STAFF)
        fields = rules.stored(load(schemas.StationCreateRequest, request))
        now = utcnow()
        station, events = self.store.create(fields, codes.new_secret(), now)
        return self._changed(station, events, now)

    @rpc
    def update_station(self, station_id, request):
        changes = load(schemas.StationUpdateRequest, request)
        rules.check_edit(self.caller, self.store.get(station_id), changes)
        now = utcnow()
        station, events = self.store.update(station_id, rules.stored(changes), now)
        return self._changed(station, events, now)

    @rpc
    def close_station(self, station_id):
        self.caller.require_role(UNION_STAFF)
        now = utcnow()
        return self._changed(*self.store.close(station_id, now), now)

    @rpc
    def reopen_station(self, station_id):
        self.caller.require_role(UNION_STAFF)
        now = utcnow()
        return self._changed(*self.store.reopen(station_id, now), now)

    @rpc
    def set_live_status(self, station_id, request):
        fields = load(schemas.LiveStatusRequest, request)
        rules.check_manages(self.caller, self.store.get(station_id))
        now = utcnow()
        station, events = self.store.set_live_status(
            station_id, fields["status"], fields["note"], now)
        return self._changed(station, events, now)

    @rpc
    def clear_problem(self, station_id, problem):
        problem = load(schemas.ReportRequest, {"problem": problem})["problem"]
        rules.check_manages(self.caller, self.store.get(station_id))
        self.store.clear_problem(station_id, problem, utcnow())
        self.catalog.refresh(force=True)

    @rpc
    def list_stations(self, query):
        caller = self.caller.require_authenticated()
        params = load(schemas.StationListQuery, query)
        if params["status"] != schemas.ACTIVE and not rules.is_staff(caller):
            raise exceptions.closed_stations_are_for_staff()
        stations, total = self.store.list(params, caller.id if params["mine"] else None)
        now = utcnow()
        items = [views.detail(station, params["system"], now) for station in stations]
        return dump(schemas.StationPage, dict(params, items=items, total=total))

    @rpc
    def get_checkin_codes(self, station_id):
        station = self.store.get(station_id)
        rules.check_manages(self.caller, station)
        now = utcnow()
        screen, valid_until = codes.screen_code(station["secret"], now)
        day = china_time(now).date()
        tomorrow = datetime.combine(day + timedelta(days=1), time(), CHINA_TZ)
        return dump(schemas.CheckInCodes, {
            "station_id": station_id, "screen": {"code": screen, "valid_until": valid_until},
            "poster": {"code": codes.poster_code(station["secret"], day),
                       "valid_until": tomorrow}})

    @rpc
    def get_demand(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.DemandQuery, query)
        now = utcnow()
        since_day = china_time(now).date() - timedelta(days=params["days"] - 1)
        since = datetime.combine(since_day, time(), CHINA_TZ)
        stations = self.store.stations_where(
            {key: params[key] for key in ("kind", "district") if key in params})
        return dump(schemas.DemandReport, demand.report(
            stations, self.store.visit_counts(since), params["days"], since_day, now))

    def _changed(self, station, events, now):
        self.relay.publish(events)
        self.catalog.refresh(force=True)
        return dump(schemas.StationView, views.detail(station, WGS84, now))

    # ---- workers: finding one ---------------------------------------------------

    @rpc
    def nearest_stations(self, query):
        self.caller.require_authenticated()
        params = load(schemas.NearestQuery, query)
        system, now = params["system"], utcnow()
        position = coordinates.to_wgs84(system, params["lat"], params["lng"])
        page, has_more = search.nearest(self.catalog, position, params, now)
        return {"items": [views.found_answer(station, system, status, distance_m=distance)
                          for distance, station, status in page],
                "page": params["page"], "per_page": params["per_page"],
                "has_more": has_more, "system": system}  # schemas.NearestPage

    @rpc
    def stations_along_route(self, request):
        self.caller.require_authenticated()
        params = load(schemas.AlongRouteRequest, request)
        system, now = params["system"], utcnow()
        route = [coordinates.to_wgs84(system, p["lat"], p["lng"]) for p in params["route"]]
        passed = search.along(self.catalog, route, params["within_m"], params, now)
        return {"items": [views.found_answer(station, system, status, along_route_m=along_m,
                                             off_route_m=off_m)
                          for along_m, off_m, station, status in passed],
                "system": system}  # schemas.AlongRouteList

    @rpc
    def get_station(self, station_id, query):
        caller = self.caller.require_authenticated()
        params = load(schemas.SystemQuery, query)
        station = self.store.get(station_id)
        if station["status"] != schemas.ACTIVE and not rules.is_staff(caller):
            raise exceptions.station_not_found()
        return dump(schemas.StationView, views.detail(station, params["system"], utcnow()))

    # ---- workers: reports and check-ins --------------------------------------------

    @rpc
    def report_problem(self, station_id, request):
        worker = self.caller.require_authenticated()
        problem = load(schemas.ReportRequest, request)["problem"]
        now = utcnow()
        station, report, confirmed, events = self.store.report_problem(
            station_id, problem, worker.id, now)
        self.relay.publish(events)
        self.catalog.refresh(force=True)
        return dump(schemas.ReportAnswer, {
            "station_id": station_id, "confirmed": confirmed,
            "problem": rules.problem_view(problem, report, now)})

    @rpc
    def check_in(self, station_id, request):
        worker = self.caller.require_authenticated()
        fields = load(CheckInRequest, request)
        now = utcnow()
        station = self._checked_code(station_id, worker.id, fields["code"], now)
        if fields["position"] is not None:
            rules.check_reach(station, fields["position"])
        last_at, counted, events = self.store.check_in(station, worker.id, now)
        self.relay.publish(events)
        return dump(schemas.CheckIn, {
            "station_id": station_id, "station_name": station["name"], "visited_at": last_at,
            "counted": counted, "next_counted_after": rules.next_counted_after(last_at)})

    @rpc
    def verify_checkin_code(self, station_id, request):
        """For another service (volunteering: a check-in at an activity held at
        a station): whether the worker calling typed this station's code now,
        refused as check_in refuses (a wrong code counts toward the same
        pause). No visit is recorded: the asking service records its own."""
        worker = self.caller.require_authenticated()
        code = load(CheckInCode, request)["code"]
        station = self._checked_code(station_id, worker.id, code, utcnow())
        return dump(schemas.CheckInCodeAccepted, {
            "station_id": station_id, "station_name": station["name"], "accepted": True})

    def _checked_code(self, station_id, worker_id, code, now):
        """The open station whose code at ``now`` ``code`` is, or the refusal:
        no such station, closed by staff, worker paused, wrong code."""
        station = self.store.get(station_id)
        if station["status"] != schemas.ACTIVE:
            raise exceptions.station_closed()
        self._check_code(station, worker_id, code, now)
        return station

    def _check_code(self, station, worker_id, code, now):
        if self.store.wrong_codes(station["_id"], worker_id, now) >= rules.WRONG_CODE_LIMIT:
            raise exceptions.too_many_wrong_codes(rules.WRONG_CODE_PAUSE_MINUTES)
        if not codes.accepts(station["secret"], code, now):
            self.store.note_wrong_code(station["_id"], worker_id, now)
            raise exceptions.wrong_code()


SERVICE = StationsService
