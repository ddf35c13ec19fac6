"""The one text field of every request schema (shared/schemas.py): what it
refuses, and that the pattern the OpenAPI document publishes says the same."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError

from shared.schemas import IdempotencyKey, Name, Text

LONE_SURROGATE = "\ud800"
BIDI_AND_ZERO_WIDTH = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                       "\u2068", "\u2069", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
# Unicode category Cc other than tab and line breaks.
CONTROL = ["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x9f"]
LINE_BREAKS = ["\t", "\n", "\r"]


class Form(Schema):
    name = Name(1, 20)
    note = Text(0, 200)
    body = Text(0, 2000, multiline=True)


def errors_of(data):
    with pytest.raises(ValidationError) as raised:
        Form().load(data)
    return raised.value.normalized_messages()


def test_ordinary_chinese_text_loads():
    data = {"name": "赵凯锋", "note": "饿了么 · 武原街道", "body": "## 红船\n\n1921年,\t嘉兴南湖"}
    assert Form().load(data) == data


@pytest.mark.parametrize("field", ["name", "note", "body"])
def test_a_lone_surrogate_is_refused_in_any_field(field):
    assert field in errors_of({field: "赵" + LONE_SURROGATE})


@pytest.mark.parametrize("character", CONTROL)
@pytest.mark.parametrize("field", ["name", "note", "body"])
def test_control_characters_are_refused_in_any_field(field, character):
    assert field in errors_of({field: "赵" + character + "锋"})


@pytest.mark.parametrize("character", LINE_BREAKS)
def test_tab_and_line_breaks_only_in_multi_line_text(character):
    assert Form().load({"body": "一" + character + "二"}) == {"body": "一" + character + "二"}
    assert set(errors_of({"name": "一" + character + "二", "note": "一" + character})) == {
        "name", "note"}


@pytest.mark.parametrize("character", BIDI_AND_ZERO_WIDTH)
def test_bidi_and_zero_width_characters_are_refused_in_names(character):
    assert "name" in errors_of({"name": "赵" + character + "锋"})
    # Elsewhere they may be needed (an emoji joined with U+200D, mixed scripts).
    assert Form().load({"note": "赵" + character + "锋"})


def test_a_name_of_spaces_only_is_refused():
    assert errors_of({"name": " \u3000 "}) == {"name": ["不能为空"]}


def test_an_optional_name_may_be_empty():
    class Optional(Schema):
        employer = Name(0, 50)
    assert Optional().load({"employer": ""}) == {"employer": ""}


def test_a_name_too_long_is_refused_by_length_as_before():
    assert "name" in errors_of({"name": "名" * 21})


def test_a_field_with_its_own_format_checks_both():
    class Keyed(Schema):
        key = IdempotencyKey()
    assert Keyed().load({"key": "a" * 8}) == {"key": "a" * 8}
    for key in ("short", "a" * 8 + "\x00", "a" * 8 + LONE_SURROGATE):
        with pytest.raises(ValidationError):
            Keyed().load({"key": key})


# What the document publishes must refuse what the field refuses and allow
# what it allows (a lone surrogate aside: patterns cannot speak of it).
ALPHABET = st.sampled_from(["a", "名", " ", "\u3000", "1", "-"] + CONTROL + LINE_BREAKS
                           + BIDI_AND_ZERO_WIDTH)


def accepts(field, value):
    try:
        field.deserialize(value)
        return True
    except ValidationError:
        return False


@settings(max_examples=300, derandomize=True)
@given(value=st.text(ALPHABET, max_size=6))
@pytest.mark.parametrize("field", [Name(), Name(0, 50), Text(), Text(multiline=True)],
                         ids=["name", "optional-name", "text", "multi-line"])
def test_the_published_pattern_agrees_with_the_field(field, value):
    # fullmatch: ECMA-262's `$` (JSON Schema's) does not match before a final \n.
    assert accepts(field, value) == bool(re.fullmatch(field.pattern, value))
