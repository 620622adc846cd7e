"""How numbers, dates and times look to a resident (kiosk.display_text)."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from kiosk import display_text as shown


def test_id_numbers_are_grouped_6_8_4_also_while_typed() -> None:
    assert shown.id_number("320483194403150026") == "320483 19440315 0026"
    assert shown.id_number("32048119650917118x") == "320481 19650917 118X"
    assert shown.id_number("32048319") == "320483 19"
    assert shown.id_number("320483 19440315 0026") == "320483 19440315 0026"


def test_phones_mobile_3_4_4_landline_with_its_area_code() -> None:
    assert shown.phone("13812345678") == "138 1234 5678"
    assert shown.phone("1381234") == "138 1234"  # while it is being typed
    assert shown.phone("051986661234") == "0519-86661234"
    assert shown.phone("0519-86661234") == "0519-86661234"
    assert shown.phone("01062345678") == "010-62345678"
    assert shown.phone("12348") == "12348"  # the hotline stays whole


def test_receipt_codes_in_fours_and_spoken_digit_by_digit() -> None:
    assert shown.receipt_code("234567892345") == "2345 6789 2345"
    assert shown.receipt_code("23456789") == "2345 6789"  # an old 8-digit slip
    assert shown.digits_spoken("2345") == "二，三，四，五"


def test_dates_are_words_never_iso() -> None:
    assert shown.date_words(date(2025, 1, 1)) == "2025年1月1日"
    assert shown.date_words("2025-01-01", weekday=True) == "2025年1月1日 星期三"
    assert shown.date_words("2025-03-05", year=False) == "3月5日"
    assert shown.time_words(9, 5) == "9点05分"
    assert shown.time_words(14, 0) == "14点"
    assert shown.clock_range("08:30", "11:30") == "8点30分到11点30分"


def test_a_moment_is_today_or_a_date_in_words() -> None:
    now = datetime(2025, 6, 2, 15, 0).timestamp()
    assert shown.moment_words(datetime(2025, 6, 2, 9, 5).timestamp(), now) == "今天9点05分"
    assert shown.moment_words(datetime(2025, 1, 1, 8, 30).timestamp(), now) == (
        "2025年1月1日8点30分"
    )
    assert shown.moment_words(None) == "时间不详"


def test_numbers_inside_sentences_are_grouped_and_12348_is_left_alone() -> None:
    text = "您的身份证号320483194403150026，电话13812345678，回执号234567892345。请拨打12348或0519-86661234。"
    assert shown.group_numbers_in(text) == (
        "您的身份证号320483 19440315 0026，电话138 1234 5678，回执号2345 6789 2345。"
        "请拨打12348或0519-86661234。"
    )


@given(st.from_regex(r"\A[1-9][0-9]{16}[0-9X]\Z"))
def test_grouping_an_id_only_adds_spaces(number: str) -> None:
    grouped = shown.id_number(number)
    assert grouped.replace(" ", "") == number
    assert [len(g) for g in grouped.split(" ")] == [6, 8, 4]
    assert shown.group_numbers_in(number) == grouped


def test_a_question_splits_into_its_first_sentence_and_the_rest() -> None:
    assert shown.split_first_sentence("全家一年一共收入大概多少钱？工资、养老金都算上。") == (
        "全家一年一共收入大概多少钱？",
        "工资、养老金都算上。",
    )
    assert shown.split_first_sentence("请输入您的身份证号码。") == ("请输入您的身份证号码。", "")
