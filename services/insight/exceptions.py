"""insight's domain errors: one function per situation, code and message."""
from shared.errors import Conflict, NotFound


def tag_not_found(tag):
    return NotFound("TAG_NOT_FOUND", "没有标签「{}」".format(tag), details={"tag": tag})


def tag_in_use(segment_names):
    return Conflict("TAG_IN_USE", "该标签正被已保存的人群使用:{},请先修改这些人群".format(
        "、".join(segment_names)), details={"segments": list(segment_names)})


def too_many_rules(limit):
    return Conflict("TOO_MANY_TAG_RULES", "标签规则最多{}条".format(limit))


def segment_not_found():
    return NotFound("SEGMENT_NOT_FOUND", "找不到该人群")


def segment_name_taken():
    return Conflict("SEGMENT_NAME_TAKEN", "已有同名的人群")


def push_not_found():
    return NotFound("PUSH_NOT_FOUND", "找不到该推送")


def idempotency_key_reused():
    return Conflict("IDEMPOTENCY_KEY_REUSED", "该 Idempotency-Key 已用于另一条推送")


def notification_not_found():
    return NotFound("NOTIFICATION_NOT_FOUND", "找不到该消息")


def worker_not_found():
    return NotFound("WORKER_NOT_FOUND", "找不到该职工的画像")
