"""jobs' domain errors: one function per situation, code and message."""
from shared.errors import Conflict, Forbidden, NotFound


def employer_not_found():
    return NotFound("EMPLOYER_NOT_FOUND", "找不到该用人单位")


def no_employer():
    return NotFound("EMPLOYER_NOT_REGISTERED", "您还没有登记用人单位")


def employer_exists():
    return Conflict("EMPLOYER_EXISTS", "您已登记过用人单位")


def credit_code_taken():
    return Conflict("CREDIT_CODE_TAKEN", "该统一社会信用代码已被登记")


def employer_not_verified():
    return Forbidden("EMPLOYER_NOT_VERIFIED", "用人单位通过工会审核后才能发布岗位")


def employer_decided():
    return Conflict("EMPLOYER_ALREADY_DECIDED", "该用人单位已审核")


def job_not_found():
    return NotFound("JOB_NOT_FOUND", "找不到该岗位")


def not_your_job():
    return Forbidden("NOT_YOUR_JOB", "只能管理本单位发布的岗位")


def job_not_pending():
    return Conflict("JOB_NOT_PENDING_REVIEW", "该岗位不在待审核状态")


def job_ended():
    return Conflict("JOB_ENDED", "该岗位已结束招聘")


def job_closed():
    return Conflict("JOB_CLOSED", "该岗位已停止招聘,不能再投递")


def closes_in_past():
    return Conflict("CLOSING_DATE_PASSED", "截止时间须晚于现在")


def closes_too_late(days):
    return Conflict("CLOSING_DATE_TOO_LATE", "截止时间不能晚于{}天后".format(days))


def already_reported():
    return Conflict("ALREADY_REPORTED", "您已举报过该岗位,工会正在处理")


def report_not_found():
    return NotFound("REPORT_NOT_FOUND", "找不到该举报")


def application_not_found():
    return NotFound("APPLICATION_NOT_FOUND", "找不到该投递记录")


def transition_refused(message):
    return Conflict("STATUS_CHANGE_REFUSED", message)


def headcount_filled():
    return Conflict("HEADCOUNT_FILLED", "该岗位招聘人数已满")
