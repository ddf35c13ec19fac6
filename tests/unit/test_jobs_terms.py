"""jobs' search terms: a query finds a posting when each of its terms is
one of the posting's (what a MongoDB $all on the indexed array and the
in-memory index both do)."""
import socket

import pytest
import rjieba

from services.jobs import terms
from services.jobs.terms import posting_terms, query_terms

COURIER = {"title": "招聘快递员", "description": "负责海盐县城区派件，多劳多得，电动车自备。"}
SORTER = {"title": "快递分拣员（夜班）", "description": "仓库分拣打包工，包吃住，周结。"}
RIDER = {"title": "外卖骑手(武原站)", "description": "美团外卖骑手，兼职全职均可，日结。",
         "labels": ["电动车驾驶"], "employer_name": "海盐美团配送站"}
DRIVER = {"title": "货车司机", "description": "持A2驾照，熟悉海盐至嘉兴线路，五险一金。",
          "employer_name": "海盐顺达物流有限公司"}
CLEANER = {"title": "家政保洁员", "description": "上门保洁，时间灵活，需要有司机开车接送。",
           "address": "武原街道 海滨东路88号"}
JAVA = {"title": "Java开发工程师", "description": "维护工会App后端。"}
POSTINGS = {"courier": COURIER, "sorter": SORTER, "rider": RIDER, "driver": DRIVER,
            "cleaner": CLEANER, "java": JAVA}


def found_by(q):
    wanted = set(query_terms(q))
    assert wanted, f"{q!r} has no terms"
    return {name for name, fields in POSTINGS.items() if wanted <= set(posting_terms(**fields))}


# (query, postings it must find, postings it must not find)
TABLE = [
    ("快递", {"courier", "sorter"}, {"rider", "driver", "cleaner", "java"}),
    ("快递员", {"courier"}, {"sorter"}),          # a word of the trade, cut whole
    ("分拣员", {"sorter"}, {"courier"}),
    ("分拣", {"sorter"}, {"courier"}),              # a word inside a word
    ("kdy", {"courier"}, {"sorter", "rider"}),     # pinyin initials of the title
    ("kuaidiyuan", {"courier"}, {"sorter"}),       # full pinyin, no tones
    ("KDY", {"courier"}, {"sorter"}),              # case
    ("ｋｄｙ", {"courier"}, {"sorter"}),            # full-width, as a Chinese keyboard types
    ("kd", {"courier", "sorter"}, {"rider"}),      # initials of a word inside a word
    ("kdfjy", {"sorter"}, {"courier"}),            # initials of a run of words
    ("wmqs", {"rider"}, {"courier"}),
    ("qishou", {"rider"}, {"courier"}),
    ("骑手", {"rider"}, {"courier"}),
    ("外卖 日结", {"rider"}, {"sorter"}),            # AND: both words
    ("外卖 周结", set(), {"rider", "sorter"}),       # AND: no posting has both
    ("日结", {"rider"}, {"sorter"}),                 # 日结 is not 周结
    ("打包", {"sorter"}, {"courier"}),               # inside 打包工, in the description
    ("包吃住", {"sorter"}, {"courier"}),
    ("五险一金", {"driver"}, {"courier"}),
    ("a2", {"driver"}, {"courier"}),                 # a latin word, lower-cased
    ("司机", {"driver", "cleaner"}, {"courier"}),    # in a title and in a description
    ("sj", {"driver"}, {"cleaner"}),                 # pinyin only from the title's words
    ("顺达", {"driver"}, {"courier"}),               # the employer's name
    ("shunda", {"driver"}, {"courier"}),
    ("美团", {"rider"}, {"courier"}),
    ("武原", {"rider", "cleaner"}, {"courier"}),     # a title and an address
    ("java", {"java"}, {"courier"}),
    ("Java 开发", {"java"}, {"courier"}),
    ("快递的", {"courier", "sorter"}, {"rider"}),   # a stop character
    ("海盐 快递员", {"courier"}, {"sorter"}),
]


@pytest.mark.parametrize("q, must, must_not", TABLE, ids=[row[0] for row in TABLE])
def test_a_query_finds_the_postings_it_should_and_no_others(q, must, must_not):
    found = found_by(q)
    assert must <= found
    assert not found & must_not


def test_the_query_is_cut_into_whole_words():
    assert query_terms("快递员") == ["快递员"]
    assert query_terms("外卖骑手 日结") == ["外卖", "骑手", "日结"]


def test_a_posting_is_cut_into_words_and_the_words_inside_them():
    assert {"快递", "快递员", "招聘"} <= set(posting_terms("招聘快递员", ""))


def test_the_titles_pinyin_is_initials_and_full_without_tones():
    found = set(posting_terms("招聘快递员", ""))
    assert {"kdy", "kuaidiyuan", "zp", "zhaopin", "zpkdy"} <= found
    assert not any(character.isdigit() for term in found for character in term)


def test_a_lone_character_gives_no_pinyin():
    assert "z" not in posting_terms("站", "") and "zhan" not in posting_terms("站", "")


def test_the_description_gives_no_pinyin():
    assert "sj" not in posting_terms("保洁", "需要司机")
    assert "sj" in posting_terms("司机", "")


def test_only_punctuation_or_stop_characters_have_no_terms():
    assert query_terms("，。！？ ") == []
    assert query_terms("的了") == []


def test_posting_terms_have_no_punctuation_spaces_stop_characters_or_repeats():
    found = posting_terms("快递员，快递员！", "的 快递员 了。。\n 快递员")
    assert len(found) == len(set(found))
    for term in found:
        assert term.strip() == term and any(character.isalnum() for character in term)
        assert term not in terms.STOP_CHARACTERS


def test_posting_terms_are_capped_keeping_the_titles_first():
    description = "".join(f"岗位{n}号要求{n}年经验" for n in range(2000))
    found = posting_terms("快递员", description)
    assert len(found) == terms.MAX_TERMS
    assert found[:2] == ["快递", "快递员"]


def test_overlong_tokens_are_no_terms():
    assert posting_terms("司机", "x" * (terms.MAX_TERM_CHARS + 1)) == posting_terms("司机", "")


@pytest.mark.parametrize("word", terms.JOB_WORDS)
def test_each_word_of_the_trade_is_cut_whole_and_missing_from_the_dictionary(word):
    assert query_terms(word) == [word]
    assert not rjieba.has_word(word)


def test_terms_are_made_without_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("tried to use the network")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    terms._segmenter.cache_clear()
    assert "kdy" in posting_terms("快递员", "")
