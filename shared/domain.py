"""Facts of the county the platform serves, shared by every service."""
import re
from datetime import timedelta, timezone

# "A day" and every time shown to people is China Standard Time.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

# Haiyan County's streets (街道) and towns (镇).
DISTRICTS = (
    "武原街道", "西塘桥街道", "望海街道", "秦山街道",
    "沈荡镇", "百步镇", "于城镇", "澉浦镇", "通元镇",
)

OCCUPATION_LABELS = {
    "food_delivery": "外卖骑手", "courier": "快递员", "truck_driver": "货车司机",
    "ride_hailing": "网约车司机", "domestic": "家政服务员", "other": "其他",
}
OCCUPATIONS = tuple(OCCUPATION_LABELS)

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def mask_phone(phone):
    """138****1234: what anyone but the owner sees."""
    return phone[:3] + "****" + phone[-4:]


def china_time(moment):
    return moment.astimezone(CHINA_TZ)


def china_day(moment):
    """The Asia/Shanghai calendar date of a moment, 'YYYY-MM-DD': the "day" of
    daily caps, whatever the server's time zone."""
    return china_time(moment).date().isoformat()
