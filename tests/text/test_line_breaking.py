"""Chinese line breaking (kiosk.line_breaking): the clreq / GB/T 15834 rules, on any text."""

from __future__ import annotations

import re

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from kiosk.line_breaking import (
    CLOSING,
    OPENING,
    break_lines,
    line_rule_violations,
    unbreakable_runs,
)


def measure(text: str) -> float:
    """A stand-in font: a CJK character or mark 1 em, a digit, Latin letter or space half."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)


CJK = st.sampled_from("申请法律援助您的回执号码请输入位数字只有到电话身份证今天明天查询进度家里")
CLOSE = st.sampled_from(sorted("，。、；：？！）」』”’…"))
OPEN = st.sampled_from(sorted("（「『“‘"))
ID = st.from_regex(r"\A[1-9][0-9]{5} (19|20)[0-9]{6} [0-9]{3}[0-9X]\Z")
MOBILE = st.from_regex(r"\A1[3-9][0-9] [0-9]{4} [0-9]{4}\Z")
LANDLINE = st.from_regex(r"\A0519-[2-8][0-9]{7}\Z")
RECEIPT = st.from_regex(r"\A[2-9]{4} [2-9]{4} [2-9]{4}\Z")
DIGITS = st.from_regex(r"\A[0-9]{1,6}\Z")
NUMBERS = st.one_of(ID, MOBILE, LANDLINE, RECEIPT, DIGITS, st.just("12348"))
PIECES = st.one_of(
    CJK, CJK, CJK, CLOSE, OPEN, NUMBERS, NUMBERS.map(lambda n: f"{n} 位"), st.just(" ")
)
TEXTS = st.lists(PIECES, min_size=1, max_size=60)


def _text_and_numbers(pieces: list[str]) -> tuple[str, list[str]]:
    numbers = []
    for piece in pieces:
        numbers += re.findall(r"[0-9][0-9 X-]*[0-9X]|[0-9]", piece)
    return "".join(pieces), numbers


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=6, max_value=40))
@example(["请输入回执上的 ", "12 位", "数字", "（", "只有 ", "2", " 到 ", "9", "）", "。"], 8)
@example(["申", "申", "申", "‘", " ", "12348"], 6)  # found by hypothesis: "‘" then a space
@example(["100000 19000000 0000", " ", " ", "100000 19000000 0000 位"], 11)  # two numbers
def test_no_line_breaks_a_rule_and_the_lines_give_the_text_back(
    pieces: list[str], width: int
) -> None:
    text, numbers = _text_and_numbers(pieces)
    assume(max(measure(run.rstrip()) for run in unbreakable_runs(text)) <= width)
    lines = break_lines(text, width, measure)
    assert "".join(lines) == text
    assert line_rule_violations(lines) == []
    for line in lines:
        assert measure(line.rstrip()) <= width
        assert line[:1] not in CLOSING or line is lines[0]
        assert line.rstrip()[-1:] not in OPENING or line is lines[-1]
    for number in numbers:  # every ID, phone, code and digit run whole on one line
        assert any(number in line for line in lines), (number, lines)


@settings(max_examples=100, deadline=None)
@given(TEXTS, st.integers(min_value=1, max_value=5))
def test_even_too_narrow_a_width_loses_no_text_and_breaks_no_number(
    pieces: list[str], width: int
) -> None:
    text, numbers = _text_and_numbers(pieces)
    lines = break_lines(text, width, measure)
    assert "".join(lines) == text
    for number in numbers:
        assert any(number in line for line in lines)


def test_a_closing_mark_takes_the_character_before_it_to_the_next_line() -> None:
    # 9 ems: per character, "入" would end line 1 and "，" start line 2.
    lines = break_lines("您的回执号码请输入，然后点查询。", 9, measure)
    assert lines == ["您的回执号码请输", "入，然后点查询。"]


def test_an_opening_mark_goes_down_with_what_it_opens() -> None:
    lines = break_lines("点下面的“查询办理进度”按钮", 5, measure)
    assert not any(line.endswith("“") for line in lines)
    assert any(line.startswith("“查") for line in lines)


def test_the_status_prompt_keeps_12_with_its_word() -> None:
    text = "请输入回执上的 12 位数字（只有 2 到 9）。"
    for width in range(6, 22):
        lines = break_lines(text, width, measure)
        assert line_rule_violations(lines) == [], (width, lines)
        assert any("12 位" in line for line in lines), (width, lines)


def test_an_id_number_is_never_cut_in_its_groups() -> None:
    text = "身份证号：320483 19440315 0026，请核对。"
    for width in range(11, 30):
        lines = break_lines(text, width, measure)
        assert any("320483 19440315 0026" in line for line in lines), (width, lines)
        assert line_rule_violations(lines) == []


def test_a_number_wider_than_the_line_keeps_its_comma_and_its_opening_bracket() -> None:
    # The landline is 6.5 ems, wider than the 6-em line: it gets a line of its own, and the
    # "，" after it (or the "（" before it) stays with it instead of breaking a rule.
    for text in ("电话0519-86681234，打12348。", "电话（0519-86681234）打12348。"):
        lines = break_lines(text, 6, measure)
        assert "".join(lines) == text
        assert line_rule_violations(lines) == [], lines
        assert any("0519-86681234" in line for line in lines), lines


def test_hard_newlines_stay_line_ends() -> None:
    assert break_lines("第一行\n第二行", 20, measure) == ["第一行", "第二行"]


def test_the_check_finds_what_kivy_used_to_do() -> None:
    assert line_rule_violations(["32048319", "56031500", "25"])  # issue 12's ID
    assert line_rule_violations(["您好", "。请"])
    assert line_rule_violations(["点“", "查询”"])
    assert line_rule_violations(["请输入回执上的 12", "位数字"])
    assert line_rule_violations(["等一下…", "…好了"])
    assert line_rule_violations(["请输入回执上的", "12 位数字。"]) == []
