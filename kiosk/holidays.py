"""China's statutory public holidays for any year, from the national holiday regulation itself.

``chinese_calendar`` carries the State Council's published arrangements (with 调休 working
weekends) only for the years already announced (2004–2026 in the version we ship). For later
years the kiosk must still never offer a home visit on a day the law closes: the days fixed by
《全国年节及纪念日放假办法》 (as amended in 2024, in force from 1 January 2025) are

- 元旦: 1 January;
- 春节: 农历除夕 and 正月初一 to 初三 (4 days);
- 清明节: the day of the 清明 solar term;
- 劳动节: 1 and 2 May;
- 端午节: 农历五月初五;
- 中秋节: 农历八月十五;
- 国庆节: 1 to 3 October.

Lunar dates and the solar term come from ``lunar_python`` (a maintained lunar-calendar library),
not from a table of our own. Which weekends are swapped for working days is decided each year by
the State Council, so it is not guessed here: those days arrive as the content pack's
``extra_workdays``/``extra_holidays`` once published, and until then the slots of such a year are
marked provisional (``WorkCalendar.is_confirmed``).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# The official Chinese names, also used for the holidays chinese_calendar reports in English.
NEW_YEAR = "元旦"
SPRING_FESTIVAL = "春节"
TOMB_SWEEPING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """Every day of ``year`` the regulation closes, with its holiday's name.

    The 除夕 of a Spring Festival that begins in January belongs to the year before, so both
    the festival starting in ``year`` and the one starting in ``year + 1`` are looked at.
    """
    from lunar_python import Lunar, Solar

    def solar(lunar_year: int, month: int, day: int) -> date:
        s = Lunar.fromYmd(lunar_year, month, day).getSolar()
        return date(s.getYear(), s.getMonth(), s.getDay())

    days: dict[date, str] = {date(year, 1, 1): NEW_YEAR}
    for lunar_year in (year, year + 1):
        first = solar(lunar_year, 1, 1)
        for offset in range(-1, 3):  # 除夕, 初一, 初二, 初三
            day = first + timedelta(days=offset)
            if day.year == year:
                days[day] = SPRING_FESTIVAL
    term = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"]
    days[date(term.getYear(), term.getMonth(), term.getDay())] = TOMB_SWEEPING
    days[date(year, 5, 1)] = LABOUR_DAY
    days[date(year, 5, 2)] = LABOUR_DAY
    days[solar(year, 5, 5)] = DRAGON_BOAT
    days[solar(year, 8, 15)] = MID_AUTUMN
    for d in (1, 2, 3):
        # 中秋 sometimes falls on 1–3 October (as in 2020): the day keeps its first name.
        days.setdefault(date(year, 10, d), NATIONAL_DAY)
    return days


def statutory_holiday(day: date) -> str | None:
    """The name of the statutory holiday on ``day``, or None on an ordinary day."""
    return statutory_holidays(day.year).get(day)
