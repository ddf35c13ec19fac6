"""统一社会信用代码, the unified social credit code every Chinese company,
institution and social organization has (GB 32100-2015): whether one is well
formed, with the message a person who mistyped it can act on. Pure."""
import unicodedata

# 31 characters: digits and capitals without I, O (read as 1, 0), Z, S, V.
# A character's value is its index here.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_LENGTH = 18
# Weight of position i (0-based) is 3**i mod 31: 1, 3, 9, 27, 19, 26, 16, ...
CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(CREDIT_CODE_LENGTH - 1))
# Characters 3-8: the registering office's administrative division (GB/T 2260).
DIVISION = slice(2, 8)

CREDIT_CODE_MESSAGES = {
    "wrong_length": "统一社会信用代码应为18位,现为{length}位",
    "illegal_character": "统一社会信用代码只含数字和大写字母(不含I、O、Z、S、V),"
                         "第{position}位“{character}”不对",
    "bad_division": "统一社会信用代码第3至8位是登记机关的行政区划代码,应为6位数字",
    "wrong_check_character": "统一社会信用代码最后一位校验码不符,请对照营业执照核对是否抄错",
}


def normalized_credit_code(text):
    """What a person typed, as the rules check it: full-width characters (a
    Chinese input method's) to ASCII, spaces dropped, letters upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def credit_check_character(first17):
    """The 18th character for the first 17 (all in the alphabet):
    31 - (weighted sum mod 31), 31 written as 0."""
    total = sum(CREDIT_CODE_ALPHABET.index(character) * weight
                for character, weight in zip(first17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_ALPHABET[-total % 31]


def credit_code_fault(code):
    """None, or what is wrong with an already normalized code (the first
    fault found, in this order): "wrong_length", "illegal_character",
    "bad_division", "wrong_check_character".

    The first two characters (registering department, kind of body) are not
    matched against a list: the list has grown by amendment since 2015, a
    body refused for an unlisted one could not register at all, and a
    mistyped one already fails the check character. (A few codes issued in
    the 2015 pilots are reported not to satisfy the check character; such an
    employer needs union staff to register it.)"""
    if len(code) != CREDIT_CODE_LENGTH:
        return "wrong_length"
    if _first_illegal(code) is not None:
        return "illegal_character"
    if not code[DIVISION].isdigit():  # the alphabet check left only ASCII
        return "bad_division"
    if credit_check_character(code[:-1]) != code[-1]:
        return "wrong_check_character"
    return None


def credit_code_problem(code):
    """None, or the Chinese message for what is wrong with a normalized code."""
    fault = credit_code_fault(code)
    if fault is None:
        return None
    position = _first_illegal(code)
    return CREDIT_CODE_MESSAGES[fault].format(
        length=len(code), position=(position or 0) + 1,
        character=code[position] if position is not None else "")


def _first_illegal(code):
    for position, character in enumerate(code):
        if character not in CREDIT_CODE_ALPHABET:
            return position
    return None
