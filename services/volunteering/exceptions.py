"""volunteering's domain errors: one function per situation, code and message."""
from shared.domain import china_time
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound


def activity_not_found():
    return NotFound("ACTIVITY_NOT_FOUND", "找不到该志愿活动")


def shift_not_found():
    return NotFound("SHIFT_NOT_FOUND", "该活动没有这个班次")


def signup_not_found():
    return NotFound("SIGNUP_NOT_FOUND", "找不到该报名记录")


def station_not_found():
    return NotFound("STATION_NOT_FOUND", "找不到该驿站")


def certificate_not_found():
    return NotFound("CERTIFICATE_NOT_FOUND", "查无此证明:编号不存在,该证明不是本平台出具的")


def not_organizer():
    return Forbidden("NOT_YOUR_ACTIVITY", "只有活动的组织者(工会工作人员或该驿站管理员)可以进行此操作")


def not_your_station():
    return Forbidden("NOT_YOUR_STATION", "驿站管理员只能在自己负责的驿站发布活动")


def activity_cancelled():
    return Conflict("ACTIVITY_CANCELLED", "该活动已取消")


def signup_closed(closes_at):
    return Conflict("SIGNUP_CLOSED", "报名已于{}截止".format(
        china_time(closes_at).strftime("%m月%d日 %H:%M")))


def shift_started():
    return Conflict("SHIFT_STARTED", "该班次已开始,不能再报名或取消")


def shift_full():
    return Conflict("SHIFT_FULL", "该班次名额已满,候补也已排满")


def already_signed_up():
    return Conflict("ALREADY_SIGNED_UP", "您已报名该班次")


def overlapping_shift():
    return Conflict("OVERLAPPING_SHIFT", "您已报名同一时间段的其他志愿班次")


def idempotency_key_reused():
    return Conflict("IDEMPOTENCY_KEY_REUSED", "该 Idempotency-Key 已用于另一次报名")


def no_contact_phone():
    return InvalidInput("CONTACT_REQUIRED", "请填写联系人姓名和手机号")


def places_in_use(held):
    return Conflict("PLACES_IN_USE", "已有{}人报名,名额不能少于已报名人数".format(held),
                    details={"held": str(held)})


def shift_in_use():
    return Conflict("SHIFT_IN_USE", "该班次已有人报名,不能删除")


def shift_times_locked():
    return Conflict("SHIFT_TIMES_LOCKED", "已有人报名的班次不能修改时间,请取消后重新发布")


def activity_over():
    return Conflict("ACTIVITY_OVER", "活动已经开始或结束,不能再修改")


def checkin_not_open(opens_at):
    return Conflict("CHECKIN_NOT_OPEN", "签到将于{}开放".format(
        china_time(opens_at).strftime("%m月%d日 %H:%M")))


def shift_over():
    return Conflict("SHIFT_OVER", "该班次已结束")


def not_signed_up():
    return Conflict("NOT_SIGNED_UP", "您没有该班次的名额(候补中的不能签到)")


def not_checked_in():
    return Conflict("NOT_CHECKED_IN", "您还没有签到")


def already_checked_in():
    return Conflict("ALREADY_CHECKED_IN", "您已签到")


def already_checked_out():
    return Conflict("ALREADY_CHECKED_OUT", "您已签退")


def wrong_code():
    return Forbidden("WRONG_CHECKIN_CODE", "签到码不正确或已过期,请输入驿站或组织者当前展示的签到码")


def too_far(distance_m, allowed_m):
    return Conflict("TOO_FAR_FROM_VENUE",
                    "您距离活动地点约{}米,请到现场后再签到".format(distance_m),
                    details={"distance_m": str(distance_m), "allowed_m": str(allowed_m)})


def shift_not_over():
    return Conflict("SHIFT_NOT_OVER", "班次结束后才能补录出勤")


def worker_not_found():
    return NotFound("WORKER_NOT_FOUND", "找不到该职工")


def hours_not_ready():
    return Conflict("HOURS_NOT_READY", "该记录还没有可确认的时长(未签退或缺勤)")


def hours_decided():
    return Conflict("HOURS_ALREADY_DECIDED", "该记录的时长已确认或已驳回")


def no_confirmed_hours():
    return Conflict("NO_CONFIRMED_HOURS", "您还没有已确认的志愿服务时长,暂不能开具证明")
