"""feeds' domain errors: one function per situation, code and message.
Staff and departments' developers read these."""
from shared.errors import Conflict, InvalidInput, NotFound, Unauthenticated


def department_not_found():
    return NotFound("DEPARTMENT_NOT_FOUND", "找不到该订阅部门")


def department_revoked():
    return Conflict("DEPARTMENT_REVOKED", "该部门的订阅已撤销")


def not_webhook():
    return Conflict("NOT_A_WEBHOOK_DEPARTMENT", "该部门通过消息队列接收,没有推送记录")


def webhook_refused(reason):
    return InvalidInput("WEBHOOK_URL_REFUSED", "推送地址不可用:" + reason)


def types_not_subscribed(types):
    return InvalidInput("EVENT_TYPES_NOT_SUBSCRIBED", "只能重放本部门订阅的事件类型",
                        details={"event_types": sorted(types)})


def replay_window():
    return InvalidInput("REPLAY_WINDOW_INVALID", "重放的起止时间有误:起点须早于终点,且不晚于现在")


def replay_not_found():
    return NotFound("REPLAY_NOT_FOUND", "找不到该重放任务")


def bad_department_key():
    return Unauthenticated("DEPARTMENT_KEY_INVALID", "部门接口密钥无效或已更换")


def unknown_service(service, backfillable):
    return InvalidInput("SERVICE_UNKNOWN", "没有名为“{}”的服务".format(service),
                        details={"services": backfillable})


def service_handles_nothing(service, backfillable):
    return InvalidInput("SERVICE_HANDLES_NO_EVENTS",
                        "服务“{}”不处理任何事件,无需回填".format(service),
                        details={"services": backfillable})


def backfill_window():
    return InvalidInput("BACKFILL_WINDOW_INVALID", "回填的起止时间有误:起点须早于终点,且终点不晚于现在")


def backfill_before_archive(retention_days):
    return InvalidInput("BACKFILL_BEFORE_ARCHIVE",
                        "起点超出事件档案的保存期限:档案只保存最近 {:g} 天的事件".format(
                            retention_days))


def backfill_not_found():
    return NotFound("BACKFILL_NOT_FOUND", "找不到该回填任务")
