"""Numbers said inside sentences — amounts, phones, ID numbers with corrections, ages, dates."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import cn2an
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from voice.digits import (
    Period,
    amount_in_sentence,
    digit_string,
    digits_to_speech,
    spoken_age,
    spoken_date,
    spoken_id_number,
    spoken_phone,
)

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 11, 28)


def _heard(kind: str, text: str) -> str:
    """What the kiosk understood, written like the corpus' expected column."""
    if kind == "amount":
        found = amount_in_sentence(text)
        if found is None:
            return "-"
        value = f"{found.value.normalize():f}"
        return (
            ("?" if found.approximate else "")
            + value
            + (f"/{found.period}" if found.period else "")
        )
    if kind == "phone":
        return spoken_phone(text) or "-"
    if kind == "id":
        return spoken_id_number(text) or "-"
    if kind == "age":
        age = spoken_age(text)
        return "-" if age is None else ("?" if age.approximate else "") + str(age.years)
    if kind == "date":
        day = spoken_date(text, today=TODAY)
        return day.isoformat() if day else "-"
    raise AssertionError(kind)


def test_every_number_in_the_corpus_comes_out_right(capsys: pytest.CaptureFixture[str]) -> None:
    per_kind: Counter[str] = Counter()
    right: Counter[str] = Counter()
    wrong: list[str] = []
    for line in (HERE / "numbers_corpus.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, text, expected = line.split("\t")
        per_kind[kind] += 1
        got = _heard(kind, text)
        if got == expected:
            right[kind] += 1
        else:
            wrong.append(f"{kind} {text}: {got} (expected {expected})")
    with capsys.disabled():
        print("\nnumbers corpus: " + ", ".join(f"{k} {right[k]}/{n}" for k, n in per_kind.items()))
    assert sum(per_kind.values()) >= 60
    assert not wrong, wrong


def test_an_amount_said_approximately_is_asked_about_not_used() -> None:
    for said in ("一万出头", "两千多", "大概三千左右", "一千到两千"):
        found = amount_in_sentence(said)
        assert found is not None and found.approximate, said


def test_a_count_or_an_age_in_the_sentence_is_not_taken_for_the_amount() -> None:
    found = amount_in_sentence("家里五口人，两个人干活，每个月一共六千")
    assert found is not None and found.value == Decimal(6000) and found.period is Period.MONTH


# -- property tests ------------------------------------------------------------------------------
TEMPLATES = ("{n}块", "每个月{n}块钱", "一年{n}元", "养老金一个月{n}", "{n}元钱")


@given(st.integers(min_value=1, max_value=99_999_999), st.sampled_from(TEMPLATES))
def test_any_whole_amount_said_in_chinese_inside_a_sentence_comes_back(
    n: int, template: str
) -> None:
    said = template.format(n=cn2an.an2cn(n, "low"))
    found = amount_in_sentence(said)
    assert found is not None and found.value == Decimal(n) and not found.approximate, said


@given(st.integers(min_value=1, max_value=9), st.integers(min_value=1, max_value=9))
def test_the_shortened_thousands_and_ten_thousands_are_read_as_people_mean_them(
    a: int, b: int
) -> None:
    digit = "零一二三四五六七八九"
    assert amount_in_sentence(f"{digit[a]}千{digit[b]}").value == Decimal(a * 1000 + b * 100)  # type: ignore[union-attr]
    assert amount_in_sentence(f"{digit[a]}万{digit[b]}").value == Decimal(a * 10000 + b * 1000)  # type: ignore[union-attr]


@st.composite
def mobile_in_groups(draw: st.DrawFn) -> tuple[str, list[str]]:
    number = (
        "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    )
    return number, [number[:3], number[3:7], number[7:]]


def _say(digits: str, rnd: random.Random) -> str:
    words = {
        "0": "零洞",
        "1": "一幺",
        "2": "二两",
        "3": "三",
        "4": "四",
        "5": "五",
        "6": "六",
        "7": "七拐",
        "8": "八",
        "9": "九勾",
    }
    return "".join(rnd.choice(words[d]) for d in digits)


@settings(max_examples=150)
@given(mobile_in_groups(), st.integers(min_value=0, max_value=2), st.randoms(use_true_random=False))
def test_a_group_taken_back_with_cuo_le_is_replaced_by_what_follows(
    case: tuple[str, list[str]], which: int, rnd: random.Random
) -> None:
    number, groups = case
    wrong = "".join(str((int(d) + 1) % 10) for d in groups[which])
    said = []
    for i, group in enumerate(groups):
        if i == which:
            said.append(_say(wrong, rnd) + "，" + rnd.choice(["错了", "不对", "说错了"]))
        said.append(_say(group, rnd))
    assert digit_string("，".join(said)) == number
    assert spoken_phone("，".join(said)) == number


@settings(max_examples=150)
@given(mobile_in_groups(), st.integers(min_value=0, max_value=2), st.randoms(use_true_random=False))
def test_a_group_said_twice_by_mistake_is_said_once_when_the_length_tells(
    case: tuple[str, list[str]], which: int, rnd: random.Random
) -> None:
    number, groups = case
    said = [_say(g, rnd) for g in groups]
    said.insert(which, said[which])
    assert spoken_phone("，".join(said)) == number


@given(st.text(alphabet="0123456789", min_size=2, max_size=20))
def test_yao_misheard_as_yao_want_inside_a_digit_run_is_one(digits: str) -> None:
    assume("11" not in digits)  # 要要 alone is a word, not digits
    said = digits_to_speech(digits).replace(" ", "").replace("一", "要")
    assert digit_string(said) == digits
