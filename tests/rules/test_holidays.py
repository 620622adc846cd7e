"""Statutory holidays in years the calendar library has no data for (issue 16 item 3)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from kiosk.content import ContentPack
from kiosk.holidays import statutory_holidays
from kiosk.visits import WorkCalendar, list_slots


def _library_knows(day: date) -> bool:
    try:
        chinese_calendar.is_holiday(day)
    except NotImplementedError:
        return False
    return True


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_the_regulation_fixes_is_a_holiday_in_the_published_arrangements(
    year: int,
) -> None:
    # The years since the 2024 amendment (4-day Spring Festival from 除夕) that the library has
    # published: our computed days must all be official days off.
    assert _library_knows(date(year, 6, 1))
    for day, name in statutory_holidays(year).items():
        assert chinese_calendar.is_holiday(day), (day, name)


@pytest.mark.parametrize("year", range(2016, 2025))
def test_the_lunar_and_solar_term_holidays_match_the_published_years(year: int) -> None:
    # Before 2025 除夕 and 2 May were not statutory days; 初一–初三, 清明, 端午 and 中秋 were —
    # exactly the days the lunar calendar and the solar terms decide.
    days = statutory_holidays(year)
    lunar = {d: n for d, n in days.items() if n in ("清明节", "端午节", "中秋节")}
    new_year_days = sorted(d for d, n in days.items() if n == "春节")
    first_days = [d for d in new_year_days if d - timedelta(days=1) in days][-3:]
    assert len(lunar) == 3 and len(first_days) == 3
    for day in [*lunar, *first_days]:
        assert chinese_calendar.is_holiday(day), (day, days[day])


def test_a_year_without_published_data_still_closes_new_year_and_the_spring_festival(
    pack: ContentPack,
) -> None:
    cal = WorkCalendar(pack)
    assert not _library_knows(date(2028, 1, 3))
    assert not cal.is_working_day(date(2028, 1, 1))  # a Saturday anyway, but named
    assert cal.holiday_name(date(2028, 1, 1)) == "元旦"
    # 2028: 初一 is 26 January (Wednesday); 除夕 the 25th, 初三 the 28th.
    for d in range(25, 29):
        day = date(2028, 1, d)
        assert not cal.is_working_day(day), day
        assert cal.holiday_name(day) == "春节"
    assert cal.is_working_day(date(2028, 1, 24))
    assert cal.is_working_day(date(2028, 1, 31))
    assert not cal.is_working_day(date(2028, 10, 2))
    assert not cal.is_working_day(date(2028, 5, 1))
    assert not cal.is_confirmed(date(2028, 1, 26))


def test_visits_are_not_offered_on_statutory_holidays_of_an_unannounced_year(
    pack: ContentPack,
) -> None:
    slots = list_slots(
        pack,
        "legal_aid",
        district="wujin",
        start=date(2027, 12, 27),
        days=40,
        today=date(2027, 12, 20),
        include_full=True,
    )
    offered = {s.date for s in slots}
    closed = {d.isoformat() for d in statutory_holidays(2028)}
    assert offered, "some days must be offered"
    assert not offered & closed
    assert "2028-01-01" not in offered
    assert {s.calendar_confirmed for s in slots} == {False}
