"""Leaderboard periods in China time: "this week" starts Monday 00:00 in
Haiyan, not in UTC (DESIGN.md: a day is the Asia/Shanghai calendar day).
The periods one may ask for are schemas.PERIODS."""
from datetime import timedelta

from shared.domain import CHINA_TZ


def period_start(period, now):
    """The first moment of the period containing ``now``; None for "all"."""
    if period == "all":
        return None
    local = now.astimezone(CHINA_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        local -= timedelta(days=local.weekday())
    elif period == "month":
        local = local.replace(day=1)
    elif period == "year":
        local = local.replace(month=1, day=1)
    return local
