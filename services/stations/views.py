"""What callers see of a station: its position in the system they asked
for (every position says its system), its state now, and its links."""
from services.stations import hours, navigation, rules
from services.stations.schemas import BD09, GCJ02

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
