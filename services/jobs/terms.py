"""The search terms of a job posting and of a query (驿路共富's keyword search).

Why terms: MongoDB's text index cuts words at spaces and punctuation, and
Chinese writes neither between words, so it would see 招聘快递员 as one word
(and the embedded database has no text index at all). So a posting's text is
cut into words here, at write time, and stored as the array ``terms`` under a
multikey index; a query is the list of terms that must ALL be members of it:
``{"terms": {"$all": query_terms(q)}}`` in MongoDB, set intersection in each
instance's index (search.py). Every lookup is of an exact member: no prefix,
stemming or fuzziness, which neither can do from an index.

The words come from jieba's dictionary (the rjieba package). A posting is cut
in search-engine mode, each word and the dictionary words inside it
(快递员 -> 快递, 快递员); a query in accurate mode, one term per word. Every
accurate-mode word of a text is among its search-mode words, so 快递 finds
快递员 and 快递分拣员, while 快递员 finds 快递员 but not 快递分拣员. The
same characters can be cut differently in a sentence and alone; words of the
trade missing from the dictionary (JOB_WORDS) keep the common ones whole.

Workers on a phone often type pinyin, or only its initials: a posting's
title, labels and employer also give the pinyin of their words and of runs of
up to three words (招聘快递员 -> kdy, kuaidiyuan, zpkdy, ...). The description
and address do not: their pinyin would triple the terms, and two-letter
initials (sj: 司机, 时间, 手机) would then match nearly every posting.

Changing JOB_WORDS, STOP_CHARACTERS or the pinned rjieba or pypinyin changes
the terms of the same text: recompute the stored terms when doing so. Pure:
no I/O."""
import functools
import unicodedata

import rjieba
from pypinyin import Style, lazy_pinyin

# A posting is found under at most this many terms, the first ones kept:
# title, labels, employer, address, then description. A 2,000-character
# description alone gives ~500 distinct words; searches are for what a job
# is, which the first few hundred terms say, and the array stays small in
# MongoDB's multikey index and in each instance's memory (search.py).
MAX_TERMS = 300
# Tokens longer than this (a URL, a serial number) are not words anyone types.
MAX_TERM_CHARS = 40
# Pinyin is given for runs of up to this many words and Han characters: nobody
# types the initials of a whole sentence.
MAX_RUN_WORDS, MAX_RUN_CHARACTERS = 3, 6

# One-character function words: as terms they would match nearly every
# posting, so they are dropped from posting and query alike (快递的 = 快递).
STOP_CHARACTERS = frozenset("的了和与及或在是有等也都就把被着过吗呢吧啊之其为而并从对向")

# Words of this trade that jieba's dictionary lacks (checked: has_word is
# False for each), so they are cut whole rather than into pieces (快递/员,
# 顺丰速/运收/派员). Compounds of two dictionary words (货车司机) are left out
# on purpose: a query for them then matches 货车 and 司机 anywhere.
JOB_WORDS = (
    "快递员", "分拣员", "收派员", "派件员", "揽件员", "配送员", "外卖员", "送餐员",
    "网约车", "代驾", "闪送", "月嫂", "育儿嫂", "普工", "打包工", "叉车工",
    "日结", "周结", "月结", "五险一金", "包吃住", "众包", "充电桩",
    "顺丰", "中通", "申通", "韵达", "极兔", "美团", "饿了么", "货拉拉", "菜鸟驿站",
)


@functools.cache
def _segmenter():
    """Built on first use (~0.1 s, the dictionary is inside the package);
    a Jieba of our own, so JOB_WORDS changes no other user of rjieba."""
    jieba = rjieba.Jieba()
    for word in JOB_WORDS:
        jieba.add_word(word, None, None)
    return jieba


def posting_terms(title, description, labels=(), employer_name="", address=""):
    """The terms a posting is found under: distinct, in field order, at most
    MAX_TERMS. ``labels``: the Chinese labels of its skills and occupations;
    ``address``: where the work is, district included."""
    named = [title, *labels, employer_name]
    terms = {}  # a dict keeps the first-seen order
    for text in named:
        terms.update(dict.fromkeys(_search_words(text)))
        terms.update(dict.fromkeys(_pinyin_terms(text)))
    for text in (address, description):
        terms.update(dict.fromkeys(_search_words(text)))
    return list(terms)[:MAX_TERMS]


def query_terms(q):
    """The terms every posting found by ``q`` has: distinct, in the order
    typed. Empty when ``q`` has nothing to search by (only punctuation or
    stop characters): the caller then filters by keyword not at all. A
    token of latin letters (kdy, kuaidiyuan, java) is looked up as typed,
    lower-cased: initials, full pinyin and latin words share the term set."""
    return list(dict.fromkeys(_kept(_segmenter().cut(_normal(q)))))


def _normal(text):
    # NFKC: full-width ＫＤＹ and Ａ２ as typed on a Chinese keyboard are kdy, a2.
    return unicodedata.normalize("NFKC", text)


def _search_words(text):
    return _kept(_segmenter().cut_for_search(_normal(text)))


def _kept(tokens):
    for token in tokens:
        token = token.lower()
        if _is_term(token):
            yield token


def _is_term(token):
    return (len(token) <= MAX_TERM_CHARS and token not in STOP_CHARACTERS
            and any(character.isalnum() for character in token))


def _is_han(character):
    return "\u4e00" <= character <= "\u9fff" or "\u3400" <= character <= "\u4dbf"


def _pinyin_terms(text):
    """Initials and full pinyin (no tones, ü as v) of every run of up to
    MAX_RUN_WORDS consecutive all-Han words with 2 to MAX_RUN_CHARACTERS
    characters, and of each such dictionary word inside a word (快递 in
    快递员). One character alone gives none: a lone initial is no search."""
    jieba = _segmenter()
    for run in _han_runs(jieba.cut(_normal(text))):
        for words in _spans(run):
            yield from _pinyin_of("".join(words))
        for word in run:
            for inner in jieba.cut_for_search(word):
                yield from _pinyin_of(inner)


def _han_runs(words):
    """Lists of consecutive words written in Han characters only."""
    run = []
    for word in words:
        if all(_is_han(character) for character in word):
            run.append(word)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _spans(run):
    for start in range(len(run)):
        for end in range(start + 1, min(start + MAX_RUN_WORDS, len(run)) + 1):
            words = run[start:end]
            if 2 <= sum(map(len, words)) <= MAX_RUN_CHARACTERS:
                yield words


def _pinyin_of(phrase):
    if len(phrase) < 2:
        return
    yield "".join(lazy_pinyin(phrase, style=Style.FIRST_LETTER))
    yield "".join(lazy_pinyin(phrase))
