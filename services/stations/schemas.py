"""stations' request and response schemas, and the vocabulary they validate
with (a leaf: the gateway imports it, so it imports nothing of the service)."""

# ---- vocabulary -----------------------------------------------------------------

# Coordinate systems. Phones report WGS-84; Amap and Tencent use GCJ-02
# ("Mars coordinates", the state-mandated obfuscation); Baidu adds its own
# BD-09 on top. Every coordinate in the API says which one it is in.
WGS84, GCJ02, BD09 = "wgs84", "gcj02", "bd09"
COORDINATE_SYSTEMS = (WGS84, GCJ02, BD09)

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

# Check-in codes (codes.py): the keeper's screen shows a code that changes
# this often; a printed poster carries the code of the China day.
SCREEN_PERIOD_SECONDS = 300
CODE_DIGITS = 6
