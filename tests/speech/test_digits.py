"""Numbers said aloud — phones, ID numbers, receipt codes, amounts, dates — come out right."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from kiosk import display_text, receipts
from voice.digits import (
    digits_to_speech,
    spoken_amount,
    spoken_date,
    spoken_digits,
    spoken_id_number,
    spoken_phone,
)

# Every way a digit is commonly said, including the telephone words.
SAID = {
    "0": ["零", "〇", "洞", "0"],
    "1": ["一", "幺", "1"],
    "2": ["二", "两", "2"],
    "3": ["三"], "4": ["四"], "5": ["五"], "6": ["六"],
    "7": ["七", "拐"],
    "8": ["八"],
    "9": ["九", "勾"],
    "X": ["叉", "艾克斯", "爱克斯", "X", "x"],
}  # fmt: skip


@st.composite
def said_aloud(draw: st.DrawFn, alphabet: str = "0123456789", min_size: int = 1) -> tuple[str, str]:
    digits = draw(st.text(alphabet=alphabet, min_size=min_size, max_size=20))
    pieces = []
    for ch in digits:
        pieces.append(draw(st.sampled_from(SAID[ch])))
        pieces.append(draw(st.sampled_from(["", "", " ", "，", "、", "-"])))
    return digits, "".join(pieces)


@given(said_aloud())
def test_any_digit_string_said_any_common_way_comes_back_exactly(case: tuple[str, str]) -> None:
    digits, text = case
    assert spoken_digits(text) == digits


@given(said_aloud())
def test_leading_zeros_are_kept(case: tuple[str, str]) -> None:
    digits, text = case
    assert spoken_digits("零" + text) == "0" + digits


@given(st.text(alphabet="0123456789X", min_size=1, max_size=20))
def test_read_aloud_digits_are_heard_back_as_the_same_digits(digits: str) -> None:
    speech = digits_to_speech(digits)
    assert "幺" not in speech  # the TTS voice says 一, not 幺
    assert spoken_digits(speech) == digits


@given(
    st.text(alphabet=receipts.ALPHABET, min_size=11, max_size=11).map(receipts.with_check),
    st.randoms(use_true_random=False),
)
def test_a_receipt_code_said_aloud_comes_back_as_the_code(code: str, rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    said = "，".join(rnd.choice(SAID[ch]) for ch in code)
    assert receipts.is_valid(spoken_digits(said))
    assert spoken_digits(said) == code
    # what the kiosk reads out, heard back
    assert spoken_digits(display_text.digits_spoken(code)) == code


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    # Area codes valid for the birth year (stdnum checks that): Beijing Chaoyang and the old and
    # new codes of Changzhou's districts.
    area = draw(st.sampled_from(["110105", "320421", "320402", "320411", "320412", "320481"]))
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)))
    seq = draw(st.integers(min_value=0, max_value=999))
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")  # stdnum wants all 18 characters
    assume(ric.is_valid(number))
    return number


@settings(max_examples=200, deadline=None)  # stdnum loads its area-code table on first use
@given(id_numbers(), st.randoms(use_true_random=False))
def test_an_id_number_said_with_phone_words_is_recognised(id_number: str, rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    said = " ".join(rnd.choice(SAID[ch]) for ch in id_number)
    assert spoken_id_number(said) == id_number


def test_an_id_number_with_one_wrong_digit_is_refused() -> None:
    good = "11010519491231002X"
    assert spoken_id_number("幺幺洞幺洞五幺九四九幺二三幺洞洞二叉") == good
    assert spoken_id_number("幺幺洞幺洞五幺九四九幺二三幺洞洞三叉") is None


@given(
    st.integers(min_value=3, max_value=9), st.text(alphabet="0123456789", min_size=9, max_size=9)
)
def test_mobile_numbers_said_digit_by_digit(second: int, rest: str) -> None:
    number = f"1{second}{rest}"
    said = "我的手机是 " + "".join(SAID[ch][1 if len(SAID[ch]) > 1 else 0] for ch in number)
    assert spoken_phone(said) == number


def test_a_changzhou_landline_with_area_code() -> None:
    assert spoken_phone("洞五幺九 八八八八 六六六六") == "051988886666"
    assert spoken_phone("幺二三") is None


def test_amounts_said_as_numbers() -> None:
    assert spoken_amount("两千五百块") == Decimal(2500)
    assert spoken_amount("一万二") == Decimal(12000)
    assert spoken_amount("大概两万块钱") == Decimal(20000)
    assert spoken_amount("三百五十元五角") == Decimal("350.5")
    assert spoken_amount("没有收入") is None


def test_dates_said_aloud() -> None:
    today = date(2026, 11, 28)
    assert spoken_date("二〇二四年三月五号", today=today) == date(2024, 3, 5)
    assert spoken_date("十二月三号", today=today) == date(2026, 12, 3)
    assert spoken_date("三月五日", today=today) == date(2027, 3, 5)  # the next one
    assert spoken_date("明天", today=today) == date(2026, 11, 29)
    assert spoken_date("二月三十号", today=today) is None
    assert spoken_date("随便", today=today) is None
