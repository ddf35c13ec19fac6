"""驿路共富's pure rules (services/jobs/rules.py): fee words,
how an application moves and lapses, a posting's state, the phone shown."""
from datetime import datetime, timedelta, timezone

import pytest

from services.jobs import rules, schemas as words
from services.jobs.rules import (
    accepts_applications, fee_text, fee_words_in, lapses_at, next_status_allowed, phone_shown, phone_unmasked, posting_state, transition_problem)
from services.jobs.schemas import (
    HIRED, NO_REPLY, REJECTED, SHORTLISTED, SUBMITTED, TAKEN_DOWN_BY_STAFF, VIEWED, WITHDRAWN)

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)

# ---- fee words ------------------------------------------------------------------------

@pytest.mark.parametrize("text,found", [
    ("入职需交押金300元", ["押金"]),
    ("上岗前缴纳培训费、服装费", ["培训费", "服装费"]),
    ("需交保证金,另收体检费", ["保证金", "体检费"]),
    ("通过中介费用全免", ["中介费"]),
    ("押一个月工资,年底返还", ["押一个月"]),
    ("入职押身份证原件", ["押身份证"]),
    ("需先交两百元报名费", ["报名费", "需先交"]),
    ("网约车以租代购,零首付", ["以租代购"]),
    ("电动车租车费每月300", ["租车费"]),
])
def test_asking_for_money_is_found(text, found):
    assert fee_words_in(text) == found


@pytest.mark.parametrize("text", [
    "押 金500元", "押　金500元", "押*金", "押-金", "押.金", "押\u200b金", "押\n金", "押、金",
])
def test_a_word_broken_up_is_still_found(text):
    assert fee_words_in(text) == ["押金"]


@pytest.mark.parametrize("text,found", [
    ("需交保證金", ["保证金"]), ("培訓費自理", ["培训费"]), ("體檢費", ["体检费"]),
    ("押\uf90a", ["押金"]),  # 金 as a CJK compatibility ideograph
])
def test_traditional_and_compatibility_forms_are_found(text, found):
    assert fee_words_in(text) == found


@pytest.mark.parametrize("text,found", [
    ("无需押金,不收培训费", ["押金", "培训费"]), ("不收取押金", ["押金"])])
def test_a_negated_mention_is_flagged_too(text, found):
    """A false alarm costs staff a minute; "无押金" opens many a scam."""
    assert fee_words_in(text) == found


@pytest.mark.parametrize("text", [
    "每单6至8元,日结,公司承担保险", "有经验者优先,交通补贴每月200元",
    "缴纳五险一金,月薪6000元", "免费培训,带薪上岗", "提供宿舍和工作餐,油费、过路费公司承担",
    "停车方便,租房补贴300元", "公司提供工作服", "月结,每月15日发工资",
])
def test_honest_postings_are_not_flagged(text):
    assert fee_words_in(text) == []


# The demand each fee word is there to catch, as a posting would put it.
DEMANDS = {
    "押金": "入职交押金300元", "保证金": "需交入职保证金", "风险金": "司机每月扣风险金500元",
    "抵押": "车辆抵押金2000元", "担保金": "入职交担保金", "担保费": "收取担保费",
    "担保人": "需本地担保人签字", "提供担保": "须提供担保方可上岗",
    "押工资": "公司押工资一个月", "压工资": "压工资半个月,年底发",
    "押一个月": "押一个月工资", "押半个月": "押半个月工资", "压一个月": "压一个月工资",
    "压半个月": "压半个月工资", "押身份证": "入职押身份证原件", "押证件": "需押证件",
    "培训费": "上岗前交培训费", "服装费": "收服装费200元", "工装费": "工装费从工资扣",
    "制服费": "制服费自理", "装备费": "骑手装备费380元", "体检费": "体检费由个人承担",
    "报名费": "报名费50元", "中介费": "中介费一个月工资", "介绍费": "收介绍费",
    "会员费": "办会员费才能接单", "信息费": "收取岗位信息费", "资料费": "资料费100元",
    "建档费": "建档费30元", "工本费": "工牌工本费20元", "办卡费": "工资卡办卡费",
    "上岗费": "上岗费300", "入职费": "入职费500", "管理费": "每月扣管理费200",
    "手续费": "提现收手续费", "加盟费": "站点加盟费两万元", "缴纳费用": "需缴纳费用后安排工作",
    "交纳费用": "交纳费用后上岗", "先交钱": "先交钱后上班", "先交费": "先交费再派单",
    "需先交": "需先交一千元", "须先交": "须先交800元", "要先交": "要先交400元",
    "需先缴": "需先缴一千元", "须先缴": "须先缴800元", "要先缴": "要先缴400元",
    "预交": "预交三个月房租", "租车费": "租车费每月600", "车租金": "电动车租金每月300",
    "车辆租金": "车辆租金从收入扣", "以租代购": "以租代购,两年车归你",
}


def test_each_fee_word_catches_its_demand():
    assert set(DEMANDS) == set(rules.FEE_WORDS)
    for word, demand in DEMANDS.items():
        assert word in fee_words_in(demand), demand


def test_words_from_every_text_once_in_list_order_none_skipped():
    assert fee_words_in("收服装费", None, "押金、服装费", "") == ["押金", "服装费"]
    assert fee_words_in() == [] and fee_words_in(None) == []


def test_a_word_does_not_span_two_texts():
    """Title and description are separate: "…押" + "金…" is no deposit."""
    assert fee_words_in("电动车可押", "金额另议") == []


def test_fee_text_drops_separators_and_folds_forms():
    assert fee_text("押 金:５００元!") == "押金500元"
    assert fee_text("保證金") == "保证金"


def test_every_fee_word_is_distinct_and_already_normal():
    assert len(rules.FEE_WORDS) == len(set(rules.FEE_WORDS))
    assert all(fee_text(word) == word for word in rules.FEE_WORDS)


def test_the_brief_s_words_are_all_there():
    assert {"押金", "培训费", "中介费", "服装费", "体检费", "保证金", "报名费", "工装费",
            "介绍费", "会员费", "缴纳费用"} <= set(rules.FEE_WORDS)


def test_the_traditional_table_serves_only_the_words():
    simplified = {chr(code) for code in rules._TRADITIONAL.values()}
    used = set("".join(rules.FEE_WORDS))
    assert simplified <= used


# ---- application status ---------------------------------------------------------------

@pytest.mark.parametrize("current,wanted", [
    (SUBMITTED, VIEWED), (SUBMITTED, SHORTLISTED), (VIEWED, SHORTLISTED),
    (SHORTLISTED, HIRED), (SUBMITTED, WITHDRAWN), (SHORTLISTED, WITHDRAWN),
    (SUBMITTED, NO_REPLY), (VIEWED, NO_REPLY), (NO_REPLY, SHORTLISTED),
    (NO_REPLY, WITHDRAWN), (VIEWED, TAKEN_DOWN_BY_STAFF),
    (NO_REPLY, TAKEN_DOWN_BY_STAFF)])
def test_allowed_moves(current, wanted):
    assert next_status_allowed(current, wanted)
    assert transition_problem(current, wanted) is None


@pytest.mark.parametrize("current", [SUBMITTED, VIEWED, SHORTLISTED, NO_REPLY])
def test_rejecting_is_possible_until_hired_with_a_reason(current):
    assert next_status_allowed(current, REJECTED)
    assert transition_problem(current, REJECTED, "position_filled") is None
    assert transition_problem(current, REJECTED) == "reason_required"
    assert transition_problem(current, REJECTED, "too_old") == "unknown_reason"


@pytest.mark.parametrize("current", [SUBMITTED, VIEWED, NO_REPLY])
def test_hiring_needs_shortlisting_first(current):
    assert not next_status_allowed(current, HIRED)
    assert transition_problem(current, HIRED) == "not_allowed"


@pytest.mark.parametrize("current,wanted", [
    (SHORTLISTED, VIEWED), (SHORTLISTED, SUBMITTED), (VIEWED, SUBMITTED),
    (NO_REPLY, VIEWED), (SHORTLISTED, NO_REPLY), (SUBMITTED, HIRED)])
def test_no_going_back(current, wanted):
    assert not next_status_allowed(current, wanted)
    assert transition_problem(current, wanted) == "not_allowed"


@pytest.mark.parametrize("final", sorted(words.FINAL_STATUSES))
def test_nothing_leaves_a_final_status(final):
    assert final in (HIRED, REJECTED, WITHDRAWN, TAKEN_DOWN_BY_STAFF)
    for wanted in words.APPLICATION_STATUSES:
        assert not next_status_allowed(final, wanted)
        if wanted != final:
            assert transition_problem(final, wanted, "other") == "final"


def test_final_statuses_are_exactly_those():
    assert words.FINAL_STATUSES == {HIRED, REJECTED, WITHDRAWN, TAKEN_DOWN_BY_STAFF}
    assert words.WAITING == {SUBMITTED, VIEWED, SHORTLISTED, NO_REPLY}
    assert words.UNANSWERED == {SUBMITTED, VIEWED}


def test_the_same_status_again_is_unchanged_not_refused():
    assert transition_problem(SHORTLISTED, SHORTLISTED) == "unchanged"
    assert transition_problem(HIRED, HIRED) == "unchanged"
    assert not next_status_allowed(SHORTLISTED, SHORTLISTED)


def test_unknown_statuses():
    assert transition_problem("lost", VIEWED) == "unknown_status"
    assert transition_problem(SUBMITTED, "interviewing") == "unknown_status"
    assert not next_status_allowed("lost", VIEWED)
    assert not next_status_allowed(SUBMITTED, "interviewing")


def test_a_reason_only_with_a_rejection():
    assert transition_problem(SHORTLISTED, HIRED, "other") == "reason_not_expected"
    assert transition_problem(SHORTLISTED, HIRED, None) is None


def test_every_status_has_a_row_and_every_problem_a_message():
    assert set(rules.TRANSITIONS) == set(words.APPLICATION_STATUSES)
    assert all(targets <= set(words.APPLICATION_STATUSES) for targets in rules.TRANSITIONS.values())
    problems = {transition_problem(c, w, r) for c in list(words.APPLICATION_STATUSES) + ["x"]
                for w in words.APPLICATION_STATUSES
                for r in (None, "other", "x")} - {None}
    assert problems == set(rules.TRANSITION_PROBLEMS)


def test_who_moves_what():
    assert set(words.EMPLOYER_MOVES) == {VIEWED, SHORTLISTED, HIRED, REJECTED}


def test_rejection_reasons_have_chinese_labels():
    assert {"position_filled", "skills_mismatch", "schedule_mismatch", "location_too_far",
            "other"} <= set(words.REJECTION_REASONS)
    assert words.REJECTION_REASONS["position_filled"] == "岗位已招满"
    assert all(label and label.isprintable() for label in words.REJECTION_REASONS.values())


# ---- no reply -------------------------------------------------------------------------

def application(status=SUBMITTED, submitted=NOW, phone="13812345678"):
    return {"status": status, "submitted_at": submitted, "phone": phone}


@pytest.mark.parametrize("status", [SUBMITTED, VIEWED])
def test_an_unanswered_application_lapses_days_after_it_was_submitted(status):
    assert lapses_at(application(status), 7) == NOW + timedelta(days=7)
    assert lapses_at(application(status), 3) == NOW + timedelta(days=3)


@pytest.mark.parametrize("status", sorted(set(words.APPLICATION_STATUSES) - words.UNANSWERED))
def test_an_answered_or_ended_application_never_lapses(status):
    assert lapses_at(application(status), 7) is None


# ---- posting state --------------------------------------------------------------------

def posting(status=words.OPEN, closes_in=timedelta(days=3), hired=0, headcount=2):
    return {"status": status, "closes_at": NOW + closes_in, "hired": hired,
            "headcount": headcount}


def test_an_open_posting_takes_applications():
    assert posting_state(posting(), NOW) == words.OPEN
    assert accepts_applications(posting(), NOW)


def test_it_closes_at_its_closing_time():
    closing = posting(closes_in=timedelta(hours=1))
    assert posting_state(closing, NOW + timedelta(minutes=59)) == words.OPEN
    assert posting_state(closing, NOW + timedelta(hours=1)) == words.CLOSED
    assert not accepts_applications(closing, NOW + timedelta(hours=1))


def test_it_closes_when_every_place_is_filled():
    assert posting_state(posting(hired=1, headcount=2), NOW) == words.OPEN
    assert posting_state(posting(hired=2, headcount=2), NOW) == words.CLOSED
    assert not accepts_applications(posting(hired=2, headcount=2), NOW)


@pytest.mark.parametrize("status", [
    words.PENDING_REVIEW, words.TAKEN_DOWN, words.POSTING_REJECTED, words.CLOSED])
def test_what_staff_or_the_sweep_wrote_stands(status):
    assert posting_state(posting(status), NOW) == status
    assert posting_state(posting(status, closes_in=-timedelta(days=1)), NOW) == status
    assert not accepts_applications(posting(status), NOW)


def test_posting_states_have_labels():
    assert set(words.POSTING_STATES) == {"open", "closed", "pending_review", "taken_down",
                                     "rejected"}


# ---- phone ----------------------------------------------------------------------------

@pytest.mark.parametrize("status", [SHORTLISTED, HIRED])
def test_the_employer_sees_the_phone_once_shortlisted_or_hired(status):
    assert phone_unmasked(status)
    assert phone_shown(application(status)) == "13812345678"


@pytest.mark.parametrize("status", sorted(set(words.APPLICATION_STATUSES) - {SHORTLISTED,
                                                                          HIRED}))
def test_masked_otherwise(status):
    assert not phone_unmasked(status)
    assert phone_shown(application(status)) == "138****5678"


def test_every_status_has_its_moves_and_a_label():
    assert set(rules.TRANSITIONS) == set(words.APPLICATION_STATUSES)
