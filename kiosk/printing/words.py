"""Dates as a resident reads them on paper: 2026年12月7日 星期一, 今天/明天/后天 where they apply."""

from __future__ import annotations

from datetime import date

WEEKDAYS = "一二三四五六日"
_NEAR = {0: "今天", 1: "明天", 2: "后天"}


def date_words(day: date) -> str:
    """``2026年12月7日 星期一``."""
    return f"{day.year}年{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}"


def day_words(day: date, today: date) -> str:
    """``明天 12月8日 星期二`` near today, otherwise the full date in words."""
    near = _NEAR.get((day - today).days)
    if near is None:
        return date_words(day)
    return f"{near} {day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}"
