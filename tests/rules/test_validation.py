"""Resident ID, phone and free-text checks: what a resident typing on the keypad is told."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.validation import (
    age_on,
    check_phone,
    check_resident_id,
    name_problem,
    text_problem,
)
from tests.rules.ids import make_id

TODAY = date(2026, 6, 15)
# Area codes of Changzhou that exist today; some were created long after residents were born.
AREAS = ["320402", "320404", "320411", "320412", "320413", "320481", "110101"]


def test_a_valid_id_gives_birth_date_age_and_sex() -> None:
    result = check_resident_id(make_id(date(1952, 5, 4), male=False), TODAY)
    assert result.ok
    assert result.birth_date == date(1952, 5, 4)
    assert result.age == 74 and result.sex == "女"


def test_an_elderly_residents_id_with_a_newer_area_code_is_accepted() -> None:
    # 320412 (武进区) exists since 2002; a resident born in 1940 holds it after re-registration.
    assert check_resident_id(make_id(date(1940, 1, 1), area="320412"), TODAY).ok


def test_a_lower_case_x_and_spaces_are_accepted() -> None:
    for seq in range(1, 500):
        number = make_id(date(1960, 7, 1), seq=seq)
        if number.endswith("X"):
            break
    spaced = f"{number[:6]} {number[6:14]} {number[14:-1]}x"
    result = check_resident_id(spaced, TODAY)
    assert result.ok and result.number == number


def test_id_problems_are_plain_and_specific() -> None:
    good = make_id(date(1980, 1, 1))
    assert "18位" in (check_resident_id(good[:-2], TODAY).problem or "")
    assert "15位" in (check_resident_id("320402800101123", TODAY).problem or "")
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert "校验码" in (check_resident_id(wrong_check, TODAY).problem or "")
    bad_date = make_id(date(1980, 1, 1))[:10] + "1340" + good[14:]
    assert check_resident_id(bad_date, TODAY).problem
    assert "请输入" in (check_resident_id("  ", TODAY).problem or "")
    future = make_id(TODAY + timedelta(days=1))
    assert "比今天还晚" in (check_resident_id(future, TODAY).problem or "")
    unknown_area = make_id(date(1980, 1, 1), area="999999")
    assert "地区码" in (check_resident_id(unknown_area, TODAY).problem or "")


def test_age_counts_completed_years() -> None:
    assert age_on(date(1950, 6, 16), TODAY) == 75
    assert age_on(date(1950, 6, 15), TODAY) == 76
    assert age_on(date(2000, 2, 29), date(2026, 2, 28)) == 25


@settings(max_examples=200, deadline=None)
@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    male=st.booleans(),
    seq=st.integers(min_value=0, max_value=99),
    area=st.sampled_from(AREAS),
)
def test_every_well_formed_id_is_accepted_with_its_birth_date_and_sex(
    born: date, male: bool, seq: int, area: str
) -> None:
    result = check_resident_id(make_id(born, male=male, seq=seq, area=area), TODAY)
    assert result.ok, result.problem
    assert result.birth_date == born
    assert result.sex == ("男" if male else "女")
    assert result.age == age_on(born, TODAY)


@settings(max_examples=300, deadline=None)
@given(
    born=st.dates(min_value=date(1920, 1, 1), max_value=TODAY),
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from("0123456789X"),
)
def test_every_single_character_change_of_an_id_is_refused(
    born: date, position: int, replacement: str
) -> None:
    number = make_id(born)
    changed = number[:position] + replacement + number[position + 1 :]
    if changed == number:
        return
    result = check_resident_id(changed, TODAY)
    assert not result.ok
    assert result.problem and not result.problem.isascii()


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from("3456789"),
    rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
    style=st.sampled_from(["plain", "+86", "86", "spaces", "dashes", "fullwidth"]),
)
def test_every_mainland_mobile_number_is_accepted_however_it_is_typed(
    prefix: str, rest: str, style: str
) -> None:
    number = "1" + prefix + rest
    typed = {
        "plain": number,
        "+86": f"+86 {number}",
        "86": f"86{number}",
        "spaces": f"{number[:3]} {number[3:7]} {number[7:]}",
        "dashes": f"{number[:3]}-{number[3:7]}-{number[7:]}",
        "fullwidth": number.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    }[style]
    result = check_phone(typed)
    assert result.ok and result.kind == "mobile" and result.number == number


@settings(max_examples=200, deadline=None)
@given(
    local=st.text(alphabet="0123456789", min_size=7, max_size=7), first=st.sampled_from("2345689")
)
def test_changzhou_landlines_are_accepted_with_or_without_the_area_code(
    local: str, first: str
) -> None:
    number = first + local
    for typed in (f"0519-{number}", f"0519 {number}", f"0519{number}", number):
        result = check_phone(typed)
        assert result.ok and result.kind == "landline" and result.number == f"0519-{number}"


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="0123456789", min_size=0, max_size=14))
def test_digit_strings_are_accepted_only_when_they_are_a_mobile_or_local_number(text: str) -> None:
    result = check_phone(text)
    is_mobile = len(text) == 11 and text[0] == "1" and text[1] in "3456789"
    is_local = (len(text) == 8 and text[0] in "23456789") or (
        len(text) == 12 and text.startswith("0519") and text[4] in "23456789"
    )
    is_prefixed = (
        len(text) == 13 and text.startswith("86") and text[2] == "1" and text[3] in "3456789"
    )
    assert result.ok == (is_mobile or is_local or is_prefixed), text
    if not result.ok:
        assert result.problem and not result.problem.isascii()


def test_phone_problems_are_plain() -> None:
    assert "11位" in (check_phone("1391234567").problem or "")
    assert "0519" in (check_phone("025-83123456").problem or "")
    assert "数字" in (check_phone("139abc").problem or "")


def test_names_allow_chinese_and_the_minority_middle_dot_but_not_digits_or_emoji() -> None:
    assert name_problem("王大山") is None
    assert name_problem("阿依古丽·买买提") is None
    assert "汉字" in (name_problem("王3") or "")
    assert "表情" in (name_problem("王大山🙂") or "")
    assert "两个字" in (name_problem("王") or "")


def test_free_text_refuses_control_characters_but_keeps_line_breaks_when_allowed() -> None:
    assert text_problem("第一行\n第二行", "事情经过", multiline=True) is None
    assert text_problem("第一行\n第二行", "对方名称") is not None
    assert "不能显示" in (text_problem("abc\u202e", "备注") or "")
    assert "表情" in (text_problem("好👍", "备注") or "")
    assert text_problem(None, "备注", required=False) is None
