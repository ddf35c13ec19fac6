"""What callers see of a station: its position in the system they asked
for (every position says its system), its state now, and its links."""
from services.stations import hours, navigation, rules
from shared.positions import BD09, GCJ02

SUMMARY_FIELDS = ("_id", "kind", "name", "theme", "address", "district", "amenities")
DETAIL_FIELDS = ("story", "hours", "photos", "phone", "keepers", "created_at", "updated_at")


def position_in(station, system):
    return dict(station["positions"][system], system=system)


def status_of(station, now):
    return rules.status_now(station, hours.state_at(station["hours"], now), now)


def summary(station, system, status):
    view = {field: station.get(field) for field in SUMMARY_FIELDS}
    view.update(position=position_in(station, system), status=status)
    return view


def detail(station, system, now):
    view = summary(station, system, status_of(station, now))
    view.update({field: station.get(field) for field in DETAIL_FIELDS})
    positions = station["positions"]
    view.update(station_status=station["status"], navigation=navigation.links(
        station["name"], as_pair(positions[GCJ02]), as_pair(positions[BD09])))
    return view


def as_pair(position):
    return position["lat"], position["lng"]


# ---- the search's answers, built directly ---------------------------------------
# A page of the nearest search is what schemas.Nearby (and OnRoute) dump, but
# built here: marshmallow dumping 20 stations took half the service's time
# for a search (0.6 of 1.2 ms, measured in-process over 5,000 stations).
# tests/unit/test_stations_views.py holds these equal to the schemas' dumps.

def iso(moment):
    return None if moment is None else moment.isoformat()


def problem_answer(problem):
    return dict(problem, first_reported_at=iso(problem["first_reported_at"]),
                last_reported_at=iso(problem["last_reported_at"]),
                fades_at=iso(problem["fades_at"]))


def status_answer(status):
    return dict(status, changes_at=iso(status["changes_at"]),
                problems=[problem_answer(problem) for problem in status["problems"]])


def found_answer(station, system, status, **measures):
    """One station of a search's answer: its summary, and ``measures``
    (distance_m, or along_route_m and off_route_m) rounded to metres."""
    answer = {field: station.get(field) for field in SUMMARY_FIELDS[1:]}
    answer.update(id=station["_id"], position=position_in(station, system),
                  status=status_answer(status))
    answer.update({name: round(value) for name, value in measures.items()})
    return answer
