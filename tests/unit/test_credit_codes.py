"""统一社会信用代码 (shared/credit_codes.py): the GB 32100-2015 check, on
published codes and on every kind of typo."""
import pytest

from shared import credit_codes as rules
from shared.credit_codes import (
    credit_check_character, credit_code_fault, credit_code_problem, normalized_credit_code)


# ---- 统一社会信用代码 ------------------------------------------------------------------

# Published codes of well-known companies (on their business licences and in
# the national enterprise credit system); each passing by chance would be a
# 1-in-31 coincidence, so together they pin the weights and the alphabet.
PUBLISHED = {
    "深圳市腾讯计算机系统有限公司": "91440300708461136T",
    "华为技术有限公司": "914403001922038216",
    "阿里巴巴(中国)有限公司": "91330100799655058B",
    "小米科技有限责任公司": "91110108551385082Q",
    "北京百度网讯科技有限公司": "91110000802100433B",
    "中国石油化工股份有限公司": "91110000710926094P",
    "比亚迪股份有限公司": "91440300192317458F",
    "中国工商银行股份有限公司": "91100000100003962T",
}


def test_the_weights_are_the_standards():
    assert rules.CREDIT_CODE_WEIGHTS == (
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_the_alphabet_is_31_characters_without_i_o_z_s_v():
    alphabet = rules.CREDIT_CODE_ALPHABET
    assert len(alphabet) == len(set(alphabet)) == 31
    assert not set("IOZSV") & set(alphabet)
    assert set(alphabet) == set("0123456789ABCDEFGHJKLMNPQRTUWXY")


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_codes_pass(name):
    code = PUBLISHED[name]
    assert credit_check_character(code[:17]) == code[17]
    assert credit_code_fault(code) is None and credit_code_problem(code) is None


@pytest.mark.parametrize("name", PUBLISHED)
def test_any_other_check_character_is_wrong(name):
    code = PUBLISHED[name]
    for other in rules.CREDIT_CODE_ALPHABET.replace(code[17], ""):
        assert credit_code_fault(code[:17] + other) == "wrong_check_character"


def test_a_check_value_of_31_is_written_0():
    """A weighted sum divisible by 31 gives 31 - 0 = 31, written "0" (the
    alphabet has no 32nd character)."""
    body = "9133042400000000"
    for last in rules.CREDIT_CODE_ALPHABET:
        first17 = body + last
        total = sum(rules.CREDIT_CODE_ALPHABET.index(c) * w
                    for c, w in zip(first17, rules.CREDIT_CODE_WEIGHTS))
        if total % 31 == 0:
            assert credit_check_character(first17) == "0"
            assert credit_code_fault(first17 + "0") is None
            return
    pytest.fail("no body with a sum divisible by 31")


def test_one_character_mistyped_or_two_swapped_is_caught():
    code = PUBLISHED["阿里巴巴(中国)有限公司"]
    for position in range(17):
        typo = code[:position] + ("1" if code[position] != "1" else "2") + code[position + 1:]
        assert credit_code_fault(typo) == "wrong_check_character"
    swapped = code[:11] + code[12] + code[11] + code[13:]
    assert swapped != code and credit_code_fault(swapped) == "wrong_check_character"


@pytest.mark.parametrize("code,length", [
    ("", 0), ("9144030070846113", 16), ("91440300708461136TT", 19)])
def test_wrong_length(code, length):
    assert credit_code_fault(code) == "wrong_length"
    assert credit_code_problem(code) == "统一社会信用代码应为18位,现为{}位".format(length)


@pytest.mark.parametrize("code,position,character", [
    ("91440300708461136Z", 18, "Z"),     # a letter the standard leaves out
    ("9I4403001922038216", 2, "I"),      # I would be read as 1
    ("91330100799655058b", 18, "b"),     # lower case: normalizing is the caller's
    ("91440300708461136-", 18, "-"),
    ("914403007O8461136T", 10, "O")])
def test_illegal_character_names_where(code, position, character):
    assert credit_code_fault(code) == "illegal_character"
    message = credit_code_problem(code)
    assert "第{}位“{}”".format(position, character) in message
    assert "不含I、O、Z、S、V" in message


def test_the_division_code_must_be_six_digits():
    code = "9144A300708461136T"
    assert credit_code_fault(code) == "bad_division"
    assert "行政区划代码" in credit_code_problem(code)


def test_wrong_check_character_message():
    assert credit_code_problem("91440300708461136X") == \
        "统一社会信用代码最后一位校验码不符,请对照营业执照核对是否抄错"


def test_each_fault_has_its_own_message():
    assert set(rules.CREDIT_CODE_MESSAGES) == {
        "wrong_length", "illegal_character", "bad_division", "wrong_check_character"}
    assert len(set(rules.CREDIT_CODE_MESSAGES.values())) == 4


@pytest.mark.parametrize("typed", [
    " 91330100799655058b ", "9133 0100 7996 5505 8B", "９１３３０１００７９９６５５０５８Ｂ",
    "91330100799655058B\n"])
def test_normalizing_what_people_type(typed):
    assert normalized_credit_code(typed) == "91330100799655058B"
    assert credit_code_fault(normalized_credit_code(typed)) is None
