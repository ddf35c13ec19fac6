"""驿路共富's rules: whose credit code is well formed, which posting asks a
worker for money, how an application moves and when it lapses, whether a
posting takes applications, when an employer sees a phone number.

Pure: no I/O, no clock (the time is an argument), no config (the reply
window is an argument). The documents read here are the store's:

- an application: ``status``, ``submitted_at`` (aware datetime), ``phone``;
- a posting: ``status`` (open, pending_review, closed, taken_down, rejected:
  what staff and the sweep last wrote), ``closes_at`` (aware datetime),
  ``hired`` and ``headcount`` (ints).
"""
import unicodedata
from datetime import timedelta

from services.jobs.schemas import (
    CLOSED, FINAL_STATUSES, HIRED, NO_REPLY, OPEN, REJECTED, REJECTION_REASONS, SHORTLISTED,
    SUBMITTED, TAKEN_DOWN_BY_STAFF, UNANSWERED, VIEWED, WITHDRAWN)
from services.jobs import exceptions
from services.jobs.schemas import EMPLOYER_VERIFIED, MAX_OPEN_DAYS
from shared.caller import UNION_STAFF
from shared.domain import mask_phone


# ---- fee words ------------------------------------------------------------------------
# 劳动合同法 art. 9 forbids an employer to take a guarantee, a deposit or any
# property from a worker it hires, or to keep their ID card; job scams aimed
# at riders and drivers dress the same demand as a fee. A posting with one of
# these words waits for staff before it goes live.
#
# Every mention is flagged, negated or not ("无需押金", "不收培训费"): a
# false alarm costs a staff member a minute, a missed one costs a worker
# money, and "无押金" is also how a scam opens before the "服装费". Words are
# chosen so honest postings rarely contain them by accident: not bare "担保"
# (公司承担保险), "先交" (优先交通补贴) or "缴纳" (缴纳五险一金).
FEE_WORDS = (
    # Deposits and guarantees, the law's own words.
    "押金", "保证金", "风险金", "抵押", "担保金", "担保费", "担保人", "提供担保",
    # Wages held back as a deposit ("压一个月工资").
    "押工资", "压工资", "押一个月", "押半个月", "压一个月", "压半个月",
    # ID papers kept: art. 9 again, and the usual pledge for a "deposit".
    "押身份证", "押证件",
    # A fee to get the job, named for what it pretends to pay for.
    "培训费", "服装费", "工装费", "制服费", "装备费", "体检费", "报名费", "中介费",
    "介绍费", "会员费", "信息费", "资料费", "建档费", "工本费", "办卡费", "上岗费",
    "入职费", "管理费", "手续费", "加盟费",
    # Paying first, however it is put.
    "缴纳费用", "交纳费用", "先交钱", "先交费", "需先交", "须先交", "要先交",
    "需先缴", "须先缴", "要先缴", "预交",
    # The vehicle as the trap: rent charged to the rider or driver, and the
    # ride-hailing "rent now, own the car later" loans.
    "租车费", "车租金", "车辆租金", "以租代购",
)

# Traditional forms of the characters in FEE_WORDS: "押金" written as
# "保證金" or "培訓費" reads the same to a worker.
_TRADITIONAL = str.maketrans(
    "證風險擔費資壓個訓裝體檢報紹會員檔辦崗職備續繳納錢須預購車輛",
    "证风险担费资压个训装体检报绍会员档办岗职备续缴纳钱须预购车辆")
# What is dropped between characters: spaces, punctuation and symbols put
# in to break a word up ("押 金", "押*金", "押.金"), zero-width characters.
_DROPPED_CATEGORIES = ("Z", "P", "S", "C")


def fee_text(text):
    """A text as fee words are looked for in it: full-width and compatibility
    forms folded (NFKC), traditional characters of the words simplified,
    spaces, punctuation and symbols dropped."""
    folded = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)
    return "".join(character for character in folded
                   if not unicodedata.category(character).startswith(_DROPPED_CATEGORIES))


def fee_words_in(*texts):
    """The fee words found in any of the texts (None is skipped), each once,
    in FEE_WORDS order."""
    joined = "\n".join(fee_text(text) for text in texts if text)
    return [word for word in FEE_WORDS if word in joined]


# ---- applications ---------------------------------------------------------------------
# The employer moves an application viewed → shortlisted → hired, or rejects
# it at any point before hiring; viewing is optional (a list can be
# shortlisted or rejected from). Hiring needs shortlisting first: that is
# when the employer gets the phone number, and nobody is hired unspoken to.
# The worker may withdraw until the end. An unanswered application lapses to
# no_reply, but the employer may still answer it: a late yes is worth more
# to a worker than a record of silence. Staff taking a posting down ends
# every application still waiting on it.
TRANSITIONS = {
    SUBMITTED: frozenset({VIEWED, SHORTLISTED, REJECTED, NO_REPLY, WITHDRAWN,
                          TAKEN_DOWN_BY_STAFF}),
    VIEWED: frozenset({SHORTLISTED, REJECTED, NO_REPLY, WITHDRAWN, TAKEN_DOWN_BY_STAFF}),
    SHORTLISTED: frozenset({HIRED, REJECTED, WITHDRAWN, TAKEN_DOWN_BY_STAFF}),
    NO_REPLY: frozenset({SHORTLISTED, REJECTED, WITHDRAWN, TAKEN_DOWN_BY_STAFF}),
    HIRED: frozenset(),
    REJECTED: frozenset(),
    WITHDRAWN: frozenset(),
    TAKEN_DOWN_BY_STAFF: frozenset(),
}

TRANSITION_PROBLEMS = {
    "unknown_status": "没有这个投递状态",
    "unchanged": "投递已经是这个状态",
    "final": "该投递已有结果,不能再更改",
    "not_allowed": "投递状态不能这样更改",
    "reason_required": "不录用须选择原因",
    "unknown_reason": "不录用的原因不在可选范围内",
    "reason_not_expected": "只有不录用时才选择原因",
}


def next_status_allowed(current, wanted):
    return wanted in TRANSITIONS.get(current, ())


def transition_problem(current, wanted, reason=None):
    """None, or a TRANSITION_PROBLEMS code. "unchanged" is its own code so a
    repeated request can be answered as done rather than refused."""
    if current not in TRANSITIONS or wanted not in TRANSITIONS:
        return "unknown_status"
    if current == wanted:
        return "unchanged"
    if current in FINAL_STATUSES:
        return "final"
    if not next_status_allowed(current, wanted):
        return "not_allowed"
    return _reason_problem(wanted, reason)


def _reason_problem(wanted, reason):
    if wanted != REJECTED:
        return None if reason is None else "reason_not_expected"
    if reason is None:
        return "reason_required"
    return None if reason in REJECTION_REASONS else "unknown_reason"


def lapses_at(application, days):
    """When an unanswered application becomes no_reply: ``days`` after it was
    submitted, whether or not the employer opened it (opening it is no
    answer, and must not restart the wait). None once it is answered or
    over."""
    if application["status"] not in UNANSWERED:
        return None
    return application["submitted_at"] + timedelta(days=days)


# ---- postings -------------------------------------------------------------------------

def posting_state(posting, now):
    """What staff or the sweep last wrote, except that an open posting is
    closed as soon as its closing time passes or its places are filled,
    before the sweep writes it down."""
    if posting["status"] != OPEN:
        return posting["status"]
    if now >= posting["closes_at"] or posting["hired"] >= posting["headcount"]:
        return CLOSED
    return OPEN


def accepts_applications(posting, now):
    return posting_state(posting, now) == OPEN


# ---- phone numbers --------------------------------------------------------------------

def phone_unmasked(status):
    """An employer sees a worker's number while they are talking to them
    (shortlisted) or have hired them; masked before, and again after a
    rejection, a withdrawal or a take-down: no reason left to call."""
    return status in (SHORTLISTED, HIRED)


def phone_shown(application):
    """The phone number as the employer sees it."""
    phone = application["phone"]
    return phone if phone_unmasked(application["status"]) else mask_phone(phone)


# ---- checks: the rules above as the refusals a caller gets ------------------------------

def check_may_post(employer, fields, now):
    """A verified employer, a closing date to come and not too far off (no
    posting lives forever)."""
    if employer["status"] != EMPLOYER_VERIFIED:
        raise exceptions.employer_not_verified()
    if fields["closes_at"] <= now:
        raise exceptions.closes_in_past()
    if fields["closes_at"] > now + timedelta(days=MAX_OPEN_DAYS):
        raise exceptions.closes_too_late(MAX_OPEN_DAYS)


def check_may_see(caller, posting, employer_id):
    """An open posting is anyone's to read; any other only its employer's and
    staff's (to anyone else it does not exist)."""
    if posting["status"] == OPEN or UNION_STAFF in caller.roles \
            or posting["employer_id"] == employer_id:
        return
    raise exceptions.job_not_found()


def check_owns(posting, employer_id):
    if posting["employer_id"] != employer_id:
        raise exceptions.not_your_job()


def check_accepts_applications(posting, now):
    if not accepts_applications(posting, now):
        raise exceptions.job_closed()


def check_transition(current, wanted, reason):
    """Whether the move is to be made: False when the application already
    has that status (a repeated request, answered as done)."""
    problem = transition_problem(current, wanted, reason)
    if problem == "unchanged":
        return False
    if problem is not None:
        raise exceptions.transition_refused(TRANSITION_PROBLEMS[problem])
    return True
