"""ledger's domain errors: one function per situation, code and message."""
from shared.errors import Conflict, InvalidInput, NotFound


def account_not_found():
    return NotFound("ACCOUNT_NOT_FOUND", "找不到该用户的积分账户")


def entry_not_found():
    return NotFound("ENTRY_NOT_FOUND", "找不到该积分记录")


def reward_not_found():
    return NotFound("REWARD_NOT_FOUND", "找不到该奖品")


def reward_unavailable():
    return Conflict("REWARD_UNAVAILABLE", "该奖品已下架")


def out_of_stock():
    return Conflict("OUT_OF_STOCK", "奖品已兑完")


def stock_would_go_negative(stock):
    return Conflict("STOCK_WOULD_GO_NEGATIVE", "库存不足以核减:当前库存{}件".format(stock),
                    details={"stock": str(stock)})


def insufficient_points(balance, needed):
    return Conflict("INSUFFICIENT_POINTS",
                    "积分不足:需要{}分,当前余额{}分".format(needed, balance),
                    details={"balance": str(balance), "needed": str(needed)})


def already_reversed():
    return Conflict("ALREADY_REVERSED", "该记录已被撤销过,不能重复撤销")


def not_reversible(reason_code):
    return Conflict("NOT_REVERSIBLE", "该类记录不能撤销",
                    details={"reason_code": reason_code})


def reversal_would_overdraw(balance, needed):
    return Conflict("REVERSAL_WOULD_OVERDRAW",
                    "撤销需扣回{}分,当前余额仅{}分,积分不能为负".format(needed, balance),
                    details={"balance": str(balance), "needed": str(needed)})


def rules_changed(current):
    return Conflict("RULES_CHANGED", "积分规则已被他人修改,请刷新后再改",
                    details={"current_version": str(current)})


def idempotency_key_reused():
    return InvalidInput("IDEMPOTENCY_KEY_REUSED", "该 Idempotency-Key 已用于其他请求")


def ledger_busy():
    """Concurrent writes on one account kept conflicting: nothing was written,
    and the same Idempotency-Key makes a retry safe."""
    return Conflict("LEDGER_BUSY", "操作繁忙,请稍后重试")
