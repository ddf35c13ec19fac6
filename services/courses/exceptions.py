"""courses' domain errors."""
from shared.domain import china_time
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound


def class_not_found():
    return NotFound("CLASS_NOT_FOUND", "找不到该课程")


def class_not_bookable():
    return Conflict("CLASS_NOT_BOOKABLE", "该课程未发布或已取消,不能报名")


def booking_not_open(opens_at):
    local = china_time(opens_at)
    return Conflict("BOOKING_NOT_OPEN",
                    "报名尚未开始,将于{}开放".format(local.strftime("%m月%d日 %H:%M")),
                    details={"booking_opens_at": local.isoformat()})


def booking_closed():
    return Conflict("BOOKING_CLOSED", "报名已截止")


def members_only():
    return Forbidden("MEMBERS_ONLY", "该课程仅限工会会员报名,请先申请入会")


def class_full():
    return Conflict("CLASS_FULL", "名额已满,候补也已排满")


def already_booked():
    return Conflict("ALREADY_BOOKED", "您已报名该课程")


def already_waitlisted():
    return Conflict("ALREADY_WAITLISTED", "您已在该课程的候补名单中")


def already_holding(kind):
    """The refusal for a worker holding a "seat" (or an offer of one) or a
    waitlist "place" in the class."""
    return already_booked() if kind == "seat" else already_waitlisted()


def booking_limit_reached(limit):
    return Conflict("BOOKING_LIMIT_REACHED",
                    "您已报名{}门未开始的课程,请先参加或取消后再报名".format(limit))


def no_booking():
    return NotFound("BOOKING_NOT_FOUND", "您没有该课程的报名")


def no_offer():
    return Conflict("NO_OFFER", "没有待确认的名额,或确认时间已过")


def class_started():
    return Conflict("CLASS_STARTED", "课程已开始,不能再取消或修改")


def seats_in_use(booked):
    return Conflict("SEATS_IN_USE", "已有{}人报名,名额不能少于此数".format(booked))


def idempotency_key_reused():
    return InvalidInput("IDEMPOTENCY_KEY_REUSED", "该 Idempotency-Key 已用于其他请求")


def already_published():
    return Conflict("ALREADY_PUBLISHED", "课程已发布")


def class_cancelled():
    return Conflict("CLASS_CANCELLED", "课程已取消")


def class_not_running():
    return Conflict("CLASS_NOT_RUNNING", "课程不在签到时间内")


def wrong_checkin_code():
    return Forbidden("WRONG_CHECKIN_CODE", "签到码不正确")
