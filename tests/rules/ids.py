"""Test helpers: valid resident ID numbers for a given birth date and sex (never real people)."""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric


def make_id(birth: date, *, male: bool = True, area: str = "320402", seq: int = 12) -> str:
    """An ID number with a correct check character (sequence odd for men, even for women)."""
    seq3 = seq * 10 + (1 if male else 2)
    body = f"{area}{birth:%Y%m%d}{seq3 % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")
