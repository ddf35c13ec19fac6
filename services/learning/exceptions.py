"""learning's domain errors: one function per situation, code and message."""
from shared.domain import china_time
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound


def lesson_not_found():
    return NotFound("LESSON_NOT_FOUND", "找不到该课程内容")


def already_published():
    return Conflict("ALREADY_PUBLISHED", "该内容已发布")


def not_published():
    return Conflict("NOT_PUBLISHED", "该内容尚未发布")


def drafts_are_for_staff():
    return Forbidden("FORBIDDEN", "您没有权限查看未发布的内容")


def question_not_found():
    return NotFound("QUESTION_NOT_FOUND", "找不到该题目")


def quiz_not_found():
    return NotFound("QUIZ_NOT_FOUND", "找不到该答题活动")


def attempt_not_found():
    return NotFound("ATTEMPT_NOT_FOUND", "找不到该答题记录")


def quiz_not_open(opens_at):
    local = china_time(opens_at)
    return Conflict("QUIZ_NOT_OPEN",
                    "本期答题尚未开始,将于{}开放".format(local.strftime("%m月%d日 %H:%M")),
                    details={"opens_at": local.isoformat()})


def quiz_closed():
    return Conflict("QUIZ_CLOSED", "本期答题已结束")


def daily_attempts_used(limit):
    return Conflict("DAILY_ATTEMPTS_USED",
                    "今天的{}次答题机会已用完,明天再来吧".format(limit),
                    details={"attempts_per_day": str(limit)})


def not_enough_questions(available, needed):
    return Conflict("NOT_ENOUGH_QUESTIONS",
                    "题库中该主题的题目不足:需要{}道,现有{}道".format(needed, available),
                    details={"available": str(available), "needed": str(needed)})


def already_submitted():
    return Conflict("ALREADY_SUBMITTED", "该次答题已提交,不能重复提交")


def attempt_expired():
    return Conflict("ATTEMPT_EXPIRED", "答题时间已到,本次提交无效")


def answer_not_in_attempt(question_id):
    return InvalidInput("ANSWER_NOT_IN_ATTEMPT", "所答题目不在本次答题中",
                        details={"question_id": question_id})


def choice_out_of_range(question_id):
    return InvalidInput("CHOICE_OUT_OF_RANGE", "所选选项不存在",
                        details={"question_id": question_id})
