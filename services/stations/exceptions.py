"""stations' domain errors: one function per situation, code and message."""
from shared.errors import Conflict, Forbidden, NotFound, TooManyAttempts


def station_not_found():
    return NotFound("STATION_NOT_FOUND", "找不到该驿站")


def not_your_station():
    return Forbidden("NOT_YOUR_STATION", "您只能管理自己负责的驿站")


def keepers_are_for_staff():
    return Forbidden("FORBIDDEN", "只有工会工作人员可以指定驿站管理员")


def closed_stations_are_for_staff():
    return Forbidden("FORBIDDEN", "您没有权限查看已关闭的驿站")


def already_closed():
    return Conflict("STATION_ALREADY_CLOSED", "该驿站已关闭")


def not_closed():
    return Conflict("STATION_NOT_CLOSED", "该驿站未关闭")


def station_closed():
    return Conflict("STATION_CLOSED", "该驿站已关闭")


def wrong_code():
    """403: the code is the proof of being there (as a class's check-in code
    is); the request itself is well-formed."""
    return Forbidden("WRONG_CHECKIN_CODE", "打卡码不正确或已过期,请扫描或输入驿站当前展示的打卡码")


def too_many_wrong_codes(minutes):
    return TooManyAttempts("CHECKIN_LOCKED",
                           "打卡码错误次数过多,请{}分钟后再试".format(minutes),
                           details={"retry_after_minutes": str(minutes)})


def too_far(distance_m, allowed_m):
    return Conflict("TOO_FAR_FROM_STATION",
                    "您距离驿站约{}米,请到驿站后再打卡".format(distance_m),
                    details={"distance_m": str(distance_m), "allowed_m": str(allowed_m)})


def no_such_report():
    return NotFound("REPORT_NOT_FOUND", "该驿站没有这项问题反馈")
