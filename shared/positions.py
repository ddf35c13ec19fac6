"""Positions in the API: the coordinate systems and the fields that carry a
point, for every service that takes or shows one (stations, volunteering,
jobs). Conversions and distances are shared/coordinates.py's."""
from marshmallow import Schema, fields, validate

from shared.schemas import Text

# Coordinate systems. Phones report WGS-84; Amap and Tencent use GCJ-02
# ("Mars coordinates", the state-mandated obfuscation); Baidu adds its own
# BD-09 on top. Every coordinate in the API says which one it is in.
WGS84, GCJ02, BD09 = "wgs84", "gcj02", "bd09"
COORDINATE_SYSTEMS = (WGS84, GCJ02, BD09)


def latitude(**kwargs):
    return fields.Float(validate=validate.Range(min=-90, max=90), **kwargs)


def longitude(**kwargs):
    return fields.Float(validate=validate.Range(min=-180, max=180), **kwargs)


def system_field(**kwargs):
    return Text(validate=validate.OneOf(COORDINATE_SYSTEMS), metadata={
        "description": "coordinate system: wgs84 (GPS), gcj02 (Amap, Tencent), bd09 (Baidu)"},
        **kwargs)


class Position(Schema):
    lat = latitude(required=True)
    lng = longitude(required=True)
    system = system_field(required=True)


class ReportedPosition(Position):
    """Where the phone says it is, and how sure it is (metres, as the phone reports)."""
    accuracy_m = fields.Float(validate=validate.Range(min=0, max=100_000), load_default=None)


class CheckInCode(Schema):
    """A rotating check-in code as the worker typed it (shared/checkin_codes.py):
    a station's, or a volunteer activity's organizer's."""
    code = Text(1, 12, required=True)


class CheckInRequest(CheckInCode):
    """A check-in at a place: the code, and where the phone says it is, if it says."""
    position = fields.Nested(ReportedPosition, allow_none=True, load_default=None)


class PositionView(Schema):
    lat = fields.Float()
    lng = fields.Float()
    system = fields.String()
