"""stations' routes: 主题驿站, finding the nearest, navigating, reporting,
checking in; the keepers' live status; the catalog and its demand (staff)."""
from gateway.routes.route import Route
from services.stations import schemas
from shared.caller import STATION_KEEPER, UNION_STAFF
from shared.positions import CheckInRequest

MANAGERS = (UNION_STAFF, STATION_KEEPER)  # a keeper: only the stations they keep
STATION = "/api/v1/stations/<station_id>"

ROUTES = (
    Route(method="GET", path="/api/v1/stations/nearest",
          service="stations", rpc="nearest_stations", tag="stations",
          summary="The nearest stations to a position (wgs84, gcj02 or bd09), each with its "
                  "state now; filters: kind, amenities, open_now, radius_m",
          query=schemas.NearestQuery, response=schemas.NearestPage),
    Route(method="POST", path="/api/v1/stations/along-route",
          service="stations", rpc="stations_along_route", tag="stations",
          summary="Stations within within_m of my route, in the order I pass them",
          body=schemas.AlongRouteRequest, response=schemas.AlongRouteList),
    Route(method="GET", path="/api/v1/stations/demand",
          service="stations", rpc="get_demand", tag="stations",
          summary="Visits per station by hour of day and weekday, and the problems showing "
                  "(staff)",
          query=schemas.DemandQuery, response=schemas.DemandReport, roles=(UNION_STAFF,)),
    Route(method="GET", path="/api/v1/stations",
          service="stations", rpc="list_stations", tag="stations",
          summary="The catalog by name: by kind, district, status (closed: staff), or the "
                  "stations I keep (mine=true)",
          query=schemas.StationListQuery, response=schemas.StationPage),
    Route(method="POST", path="/api/v1/stations",
          service="stations", rpc="create_station", tag="stations",
          summary="Open a station (staff): its position in a named coordinate system",
          body=schemas.StationCreateRequest, response=schemas.StationView, status=201,
          roles=(UNION_STAFF,)),
    Route(method="GET", path=STATION,
          service="stations", rpc="get_station", tag="stations",
          summary="One station: its story, hours, state now, problems, and one-tap "
                  "navigation links for Amap, Baidu and Tencent Maps",
          query=schemas.SystemQuery, response=schemas.StationView),
    Route(method="PATCH", path=STATION,
          service="stations", rpc="update_station", tag="stations",
          summary="Edit a station (staff; a keeper, the stations they keep; keepers: staff)",
          body=schemas.StationUpdateRequest, response=schemas.StationView, roles=MANAGERS),
    Route(method="POST", path=STATION + "/close",
          service="stations", rpc="close_station", tag="stations",
          summary="Close a station for good; workers no longer find it (staff)",
          response=schemas.StationView, roles=(UNION_STAFF,)),
    Route(method="POST", path=STATION + "/reopen",
          service="stations", rpc="reopen_station", tag="stations",
          summary="Reopen a closed station (staff)",
          response=schemas.StationView, roles=(UNION_STAFF,)),
    Route(method="PUT", path=STATION + "/live-status",
          service="stations", rpc="set_live_status", tag="stations",
          summary="The keeper's live status: normal, temporarily_closed or full",
          body=schemas.LiveStatusRequest, response=schemas.StationView, roles=MANAGERS),
    Route(method="POST", path=STATION + "/reports",
          service="stations", rpc="report_problem", tag="stations",
          summary="Report a problem with one tap (201); the same problem already showing "
                  "is confirmed (200)",
          body=schemas.ReportRequest, response=schemas.ReportAnswer, status=201,
          status_of=lambda answer: 200 if answer["confirmed"] else 201,
          other_status=(200, "Confirmed a report already showing")),
    Route(method="DELETE", path=STATION + "/reports/<problem>",
          service="stations", rpc="clear_problem", tag="stations",
          summary="Clear a problem report (the keeper, or staff)",
          status=204, roles=MANAGERS),
    Route(method="GET", path=STATION + "/check-in-codes",
          service="stations", rpc="get_checkin_codes", tag="stations",
          summary="The codes to show: the screen's (rotating) and today's poster",
          response=schemas.CheckInCodes, roles=MANAGERS),
    Route(method="POST", path=STATION + "/check-ins",
          service="stations", rpc="check_in", tag="stations",
          summary="Check in with the code shown at the station (201); within a few hours "
                  "of my last counted check-in it is not counted again (200)",
          body=CheckInRequest, response=schemas.CheckIn, status=201,
          status_of=lambda answer: 201 if answer["counted"] else 200,
          other_status=(200, "Not counted: within hours of the last counted check-in")),
)
