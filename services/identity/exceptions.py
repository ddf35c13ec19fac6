"""identity's domain errors: one function per situation, code and message."""
from shared.domain import china_time
from shared.errors import Conflict, Forbidden, NotFound, TooManyAttempts, Unauthenticated


def phone_taken():
    return Conflict("PHONE_TAKEN", "该手机号已注册,请直接登录")


def invalid_credentials():
    return Unauthenticated("INVALID_CREDENTIALS", "手机号或密码错误")


def account_locked(locked_until):
    local = china_time(locked_until)
    return TooManyAttempts(
        "ACCOUNT_LOCKED",
        "密码错误次数过多,账号已锁定,请于{}后再试".format(local.strftime("%H:%M")),
        details={"locked_until": local.isoformat()})


def invalid_refresh_token():
    return Unauthenticated("INVALID_REFRESH_TOKEN", "登录已失效,请重新登录")


def refresh_token_reused():
    return Unauthenticated("REFRESH_TOKEN_REUSED", "登录凭证已被使用,为保护账号安全请重新登录")


def session_revoked():
    return Unauthenticated("SESSION_REVOKED", "您已退出登录,请重新登录")


def worker_not_found():
    return NotFound("WORKER_NOT_FOUND", "找不到该用户")


def already_member():
    return Conflict("ALREADY_MEMBER", "您已是工会会员")


def application_pending():
    return Conflict("APPLICATION_PENDING", "您的入会申请正在审核中")


def application_not_found():
    return NotFound("APPLICATION_NOT_FOUND", "找不到该入会申请")


def application_decided():
    return Conflict("APPLICATION_ALREADY_DECIDED", "该申请已审核,不能重复处理")


def cannot_change_own_roles():
    return Forbidden("CANNOT_CHANGE_OWN_ROLES", "不能修改自己的角色")
