"""stations' request and response schemas, and the vocabulary they validate
with (a leaf: the gateway imports it, so it imports nothing of the service)."""
from datetime import datetime
from functools import lru_cache

import opening_hours
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.domain import DISTRICTS
from shared.positions import WGS84, Position, PositionView, latitude, longitude, system_field
from shared.schemas import Link, Name, Paging, PartialUpdate, StrictBoolean, Text

# ---- vocabulary -----------------------------------------------------------------

KINDS = {
    "red_themed": "红色主题驿站",
    "outdoor_worker": "户外劳动者服务站点",
    "union_post": "工会服务点",
}

AMENITIES = {
    "drinking_water": "饮用水",
    "ebike_charging": "电瓶车充电",
    "phone_charging": "手机充电",
    "microwave": "微波炉",
    "rest_area": "休息区",
    "toilet": "卫生间",
    "heating_cooling": "空调/取暖",
    "first_aid": "急救药箱",
    "lockers": "储物柜",
    "wifi": "无线网络",
    "books": "图书角",
    "repair_tools": "维修工具",
}

# A station's state now (hours.py decides it from its opening hours; the
# keeper's live status can close it too). "Hours unknown" is its own state:
# a station whose hours nobody entered is never shown as open.
OPEN, CLOSED, CLOSING_SOON, HOURS_UNKNOWN = "open", "closed", "closing_soon", "hours_unknown"
STATES = (OPEN, CLOSING_SOON, CLOSED, HOURS_UNKNOWN)
# Open, with the next change (closing) less than this far off.
CLOSING_SOON_MINUTES = 30

# Why a station has its state (hours.Status.reason): its weekly hours, a date
# it is closed on, or hours nobody entered (or the rules say "unknown").
REASON_HOURS, REASON_CLOSURE_DATE, REASON_UNKNOWN = "hours", "closure_date", "unknown"

# The keeper's live status of a station, over what its hours say.
NORMAL, TEMPORARILY_CLOSED, FULL = "normal", "temporarily_closed", "full"
LIVE_STATUSES = {NORMAL: "正常开放", TEMPORARILY_CLOSED: "临时关闭", FULL: "暂时满员"}
# Staff close a station for good (and may reopen it); workers never see a closed one.
ACTIVE, RETIRED = "active", "closed"

# The one-tap problems a worker reports.
PROBLEMS = {
    "no_water": "没水了",
    "charger_broken": "充电桩坏了",
    "closed_unexpectedly": "关门了",
    "no_space": "没位置了",
    "dirty": "卫生差",
    "other": "其他问题",
}

MAX_RADIUS_M = 50_000
DEFAULT_ROUTE_DISTANCE_M, MAX_ROUTE_DISTANCE_M = 500, 5_000
MAX_ROUTE_POINTS = 500
# A route from a navigation app has a point every few hundred metres; a leg
# longer than this (~20 km) is not a road a rider follows.
MAX_ROUTE_LEG_DEGREES = 0.2
MAX_KEEPERS = 10


# ---- fields -----------------------------------------------------------------------

class CodeList(Text):
    """Codes in a query string, comma-separated (``amenities=drinking_water,toilet``):
    a station must have every one."""

    def __init__(self, vocabulary, **kwargs):
        super().__init__(1, 400, **kwargs)
        self.vocabulary = tuple(vocabulary)
        code = "(?:{})".format("|".join(self.vocabulary))
        self.pattern = "^{0}(?:,{0})*$".format(code)  # published (gateway/openapi.py)

    def _deserialize(self, value, attr, data, **kwargs):
        codes = super()._deserialize(value, attr, data, **kwargs).split(",")
        unknown = [code for code in codes if code not in self.vocabulary]
        if unknown:
            raise ValidationError("未知的代码: {}".format(", ".join(unknown)))
        return sorted(set(codes))


@lru_cache(maxsize=4096)
def parsed_hours(text):
    """The parsed opening_hours text, once per text (hours.py reads it on every
    search); opening_hours.ParserError on bad syntax."""
    return opening_hours.OpeningHours(text)


# "Never open" is judged from here on, so the verdict does not depend on today.
NEVER_OPEN_FROM = datetime(2000, 1, 1)


def check_hours_text(text):
    """Valid syntax, and open at some time: a rule set that is never open (such
    as "off") only hides the station; a day's closing is what closed_dates is for."""
    try:
        rules = parsed_hours(text)
    except opening_hours.ParserError:
        raise ValidationError("营业时间格式不正确(OpenStreetMap opening_hours 格式,"
                              "例如 Mo-Fr 08:00-20:00; Sa,Su 09:00-17:00)")
    state, _comment = rules.state(NEVER_OPEN_FROM)
    if state != opening_hours.State.OPEN and rules.next_change(NEVER_OPEN_FROM) is None:
        raise ValidationError("营业时间中没有任何开放时段")


class Hours(Schema):
    open_24h = fields.Boolean(load_default=False)
    opening_hours = Text(1, 500, allow_none=True, load_default=None, validate=check_hours_text,
                         metadata={"description": "OpenStreetMap opening_hours syntax, China "
                                                  "time: Mo-Fr 08:00-20:00; Sa,Su 09:00-17:00"})
    closed_dates = fields.List(fields.Date(), load_default=list,
                               validate=validate.Length(max=366),
                               metadata={"description": "China dates it is closed"})

    @validates_schema
    def one_way_to_say_it(self, data, **kwargs):
        """open_24h true leaves opening_hours out."""
        if data.get("open_24h") and data.get("opening_hours"):
            raise ValidationError({"opening_hours": ["全天开放的站点无需填写营业时间"]})


# ---- staff: the catalog ------------------------------------------------------------

class StationFields(Schema):
    kind = Text(required=True, validate=validate.OneOf(tuple(KINDS)))
    name = Name(1, 60, required=True)
    theme = Name(1, 20, allow_none=True, load_default=None,
                 metadata={"description": "red-themed stations: the story it tells"})
    story = Text(1, 5000, multiline=True, allow_none=True, load_default=None,
                 metadata={"description": "Markdown; red-themed stations"})
    address = Name(1, 120, required=True)
    district = Text(required=True, validate=validate.OneOf(DISTRICTS))
    position = fields.Nested(Position, required=True)
    amenities = fields.List(Text(validate=validate.OneOf(tuple(AMENITIES))),
                            load_default=list, validate=validate.Length(max=len(AMENITIES)))
    hours = fields.Nested(Hours, allow_none=True, load_default=None,
                          metadata={"description": "null: hours unknown"})
    photos = fields.List(Link(500), load_default=list, validate=validate.Length(max=10))
    phone = Text(3, 20, allow_none=True, load_default=None,
                 validate=validate.Regexp(r"^[0-9+() -]+$", error="请输入有效的电话号码"))
    keepers = fields.List(Name(1, 64), load_default=list,
                          validate=validate.Length(max=MAX_KEEPERS),
                          metadata={"description": "worker ids of its keepers (staff only)"})

    @validates_schema
    def red_themed_tell_a_story(self, data, **kwargs):
        """A red-themed station has a theme and a story; the others have neither."""
        if "kind" in data:  # an edit without it: the store checks the edited station
            check_theme(data)


def check_theme(station):
    """A red-themed station has a theme and a story; the others have neither.
    Run again on a stored station merged with an edit."""
    red = station.get("kind") == "red_themed"
    for field in ("theme", "story"):
        if red and not station.get(field):
            raise ValidationError({field: ["红色主题驿站须填写主题和故事"]})
        if not red and station.get(field):
            raise ValidationError({field: ["只有红色主题驿站有主题和故事"]})


class StationCreateRequest(StationFields):
    pass


class StationUpdateRequest(PartialUpdate, StationFields):
    """PATCH: the theme rule is checked on the edited station by the store."""
    checked_with_current = (StationFields.red_themed_tell_a_story,)  # published (openapi.py)


class StationListQuery(Paging):
    kind = Text(validate=validate.OneOf(tuple(KINDS)))
    district = Text(validate=validate.OneOf(DISTRICTS))
    status = Text(load_default=ACTIVE, validate=validate.OneOf((ACTIVE, RETIRED, "all")),
                  metadata={"description": "closed and all: staff only"})
    mine = fields.Boolean(load_default=False, metadata={"description": "the stations I keep"})
    system = system_field(load_default=WGS84)


class LiveStatusRequest(Schema):
    status = Text(required=True, validate=validate.OneOf(tuple(LIVE_STATUSES)))
    note = Text(1, 100, allow_none=True, load_default=None)


# ---- workers: finding one ----------------------------------------------------------

class Filters(Schema):
    kind = Text(validate=validate.OneOf(tuple(KINDS)))
    amenities = CodeList(AMENITIES, metadata={"description": "comma-separated: every one"})
    open_now = fields.Boolean(load_default=False)


class NearestQuery(Paging, Filters):
    lat = latitude(required=True)
    lng = longitude(required=True)
    system = system_field(load_default=WGS84)
    radius_m = fields.Integer(strict=False, load_default=None,
                              validate=validate.Range(min=1, max=MAX_RADIUS_M))


class RoutePoint(Schema):
    lat = latitude(required=True)
    lng = longitude(required=True)


class AlongRouteRequest(Filters):
    route = fields.List(fields.Nested(RoutePoint), required=True,
                        validate=validate.Length(min=2, max=MAX_ROUTE_POINTS))
    system = system_field(load_default=WGS84)
    within_m = fields.Integer(strict=True, load_default=DEFAULT_ROUTE_DISTANCE_M,
                              validate=validate.Range(min=1, max=MAX_ROUTE_DISTANCE_M))
    open_now = StrictBoolean(load_default=False)

    @validates_schema
    def legs_are_short(self, data, **kwargs):
        """Consecutive route points are at most 0.2 degrees apart in latitude and in longitude."""
        route = data.get("route", ())
        for index, (a, b) in enumerate(zip(route, route[1:])):
            if max(abs(a["lat"] - b["lat"]), abs(a["lng"] - b["lng"])) > MAX_ROUTE_LEG_DEGREES:
                raise ValidationError({"route": ["第{}个点与下一个点相距过远,请提供更密的路线点"
                                                 .format(index + 1)]})


class SystemQuery(Schema):
    system = system_field(load_default=WGS84)


class ReportRequest(Schema):
    problem = Text(required=True, validate=validate.OneOf(tuple(PROBLEMS)))


class DemandQuery(Schema):
    days = fields.Integer(load_default=28, validate=validate.Range(min=1, max=366),
                          metadata={"description": "the last N China days, today included"})
    district = Text(validate=validate.OneOf(DISTRICTS))
    kind = Text(validate=validate.OneOf(tuple(KINDS)))


# ---- responses --------------------------------------------------------------------

class Problem(Schema):
    problem = fields.String()
    label = fields.String()
    first_reported_at = fields.AwareDateTime()
    last_reported_at = fields.AwareDateTime()
    age_minutes = fields.Integer(metadata={"description": "since it was first reported"})
    confirmations = fields.Integer(metadata={"description": "workers who reported it"})
    fades_at = fields.AwareDateTime()


class StatusView(Schema):
    state = fields.String(metadata={"description": ", ".join(STATES)})
    reason = fields.String(metadata={
        "description": "hours, closure_date, unknown, keeper (temporarily closed), retired"})
    changes_at = fields.AwareDateTime(allow_none=True)
    live_status = fields.String()
    live_note = fields.String(allow_none=True)
    full = fields.Boolean()
    problems = fields.List(fields.Nested(Problem))


class AppLink(Schema):
    app = fields.String()
    web = fields.String()


class NavigationView(Schema):
    amap = fields.Nested(AppLink)
    baidu = fields.Nested(AppLink)
    tencent = fields.Nested(AppLink)
    web = fields.String()


class StationSummary(Schema):
    id = fields.String(attribute="_id")
    kind = fields.String()
    name = fields.String()
    theme = fields.String(allow_none=True)
    address = fields.String()
    district = fields.String()
    position = fields.Nested(PositionView)
    amenities = fields.List(fields.String())
    status = fields.Nested(StatusView)


class Nearby(StationSummary):
    distance_m = fields.Integer()


class NearestPage(Paging):
    items = fields.List(fields.Nested(Nearby))
    has_more = fields.Boolean()
    system = fields.String(metadata={"description": "the system of every position here"})


class OnRoute(StationSummary):
    along_route_m = fields.Integer(metadata={"description": "from the route's start"})
    off_route_m = fields.Integer(metadata={"description": "from the route"})


class AlongRouteList(Schema):
    items = fields.List(fields.Nested(OnRoute))
    system = fields.String()


class HoursView(Schema):
    open_24h = fields.Boolean()
    opening_hours = fields.String(allow_none=True)
    closed_dates = fields.List(fields.String(), metadata={"description": "YYYY-MM-DD"})


class StationView(StationSummary):
    story = fields.String(allow_none=True)
    hours = fields.Nested(HoursView, allow_none=True)
    photos = fields.List(fields.String())
    phone = fields.String(allow_none=True)
    keepers = fields.List(fields.String())
    navigation = fields.Nested(NavigationView)
    station_status = fields.String(metadata={"description": "active, or closed by staff"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class StationPage(Paging):
    items = fields.List(fields.Nested(StationView))
    total = fields.Integer()
    system = fields.String()


class CodeView(Schema):
    code = fields.String()
    valid_until = fields.AwareDateTime()


class CheckInCodes(Schema):
    station_id = fields.String()
    screen = fields.Nested(CodeView, metadata={"description": "rotates every few minutes"})
    poster = fields.Nested(CodeView, metadata={"description": "today's, for a printed poster"})


class CheckIn(Schema):
    station_id = fields.String()
    station_name = fields.String()
    visited_at = fields.AwareDateTime()
    counted = fields.Boolean(metadata={"description": "true (201): a new visit; false (200): "
                                                      "within hours of the last one"})
    next_counted_after = fields.AwareDateTime()


class CheckInCodeAccepted(Schema):
    """verify_checkin_code's answer (a wrong code is an error, never false)."""
    station_id = fields.String()
    station_name = fields.String()
    accepted = fields.Boolean()


class ReportAnswer(Schema):
    station_id = fields.String()
    problem = fields.Nested(Problem)
    confirmed = fields.Boolean(metadata={"description": "false (201): a new report; "
                                                        "true (200): added to an open one"})


class StationDemand(Schema):
    station_id = fields.String()
    name = fields.String()
    district = fields.String()
    kind = fields.String()
    visits = fields.Integer()
    by_hour = fields.List(fields.Integer(), metadata={"description": "24 counts, China time"})
    by_weekday = fields.List(fields.Integer(), metadata={"description": "Monday first"})
    open_problems = fields.List(fields.Nested(Problem))


class DemandReport(Schema):
    days = fields.Integer()
    since = fields.Date()
    visits = fields.Integer()
    by_hour = fields.List(fields.Integer())
    by_weekday = fields.List(fields.Integer())
    stations = fields.List(fields.Nested(StationDemand))
