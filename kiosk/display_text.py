"""How numbers, dates and times look to a resident: the one place that decides it (issue 12).

Long numbers are grouped for reading and checking against a card or a slip, the way elder-ui.md
asks: ID numbers 6-8-4 (``320483 19440315 0026``: area, birth date, sequence and check), mobiles
3-4-4 (``138 1234 5678``), landlines with their area code (``0519-86661234``), receipt codes in
fours (``2345 6789 2345``). Short service numbers (``12348``) stay as they are. Dates are words
(``2025年1月1日``, with ``星期三`` where asked), times ``8点30分``; never ``2025-01-01``.

Grouping uses spaces and the dash only, which :mod:`kiosk.line_breaking` keeps on one line.
Everything here is display only: what is stored, sent or validated stays the bare digits.
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta

WEEKDAYS = "一二三四五六日"
_NEAR = ("今天", "明天", "后天")  # 0, 1 and 2 days ahead
RECEIPT_GROUP = 4
_DIGIT_WORDS = dict(zip("0123456789", "零一二三四五六七八九", strict=True))


def _groups(digits: str, sizes: tuple[int, ...], sep: str = " ") -> str:
    """``digits`` cut after each of ``sizes`` in turn (the rest in the last group), so a number
    being typed is grouped as it grows."""
    parts: list[str] = []
    rest = digits
    for size in sizes:
        if not rest:
            break
        parts.append(rest[:size])
        rest = rest[size:]
    if rest:
        parts.append(rest)
    return sep.join(parts)


def _bare(text: str) -> str:
    return "".join(ch for ch in text if ch not in " -\u3000")


def id_number(number: str) -> str:
    """A resident ID number as 6-8-4 groups: ``320483 19440315 0026`` (partial ones too)."""
    return _groups(_bare(number).upper(), (6, 8, 4))


def phone(number: str) -> str:
    """A mobile as 3-4-4 (``138 1234 5678``), a landline with its area code and a dash
    (``0519-86661234``); anything else (``12348``, an incomplete entry) as typed, grouped the
    same way while it grows."""
    digits = _bare(number)
    if not digits.isdigit():
        return number
    if digits.startswith("1") and len(digits) > 5:
        return _groups(digits, (3, 4, 4))
    if digits.startswith("0") and len(digits) > 4:
        area = 3 if digits[1] in "12" else 4  # 010, 02x: three digits; 0519: four
        return f"{digits[:area]}-{digits[area:]}"
    return digits


def receipt_code(code: str) -> str:
    """A receipt code in groups of four: ``2345 6789 2345`` (also while it is being typed)."""
    digits = _bare(code)
    return " ".join(digits[i : i + RECEIPT_GROUP] for i in range(0, len(digits), RECEIPT_GROUP))


def digits_spoken(code: str) -> str:
    """Digit by digit with pauses, so speech never reads a code as one big number."""
    return "，".join(_DIGIT_WORDS.get(ch, ch) for ch in _bare(code))


def date_words(day: date | str, *, year: bool = True, weekday: bool = False) -> str:
    """``2025年1月1日`` (``1月1日`` with ``year=False``), then `` 星期三`` if ``weekday``.

    Accepts a date or its ISO text (as stored)."""
    d = date.fromisoformat(day) if isinstance(day, str) else day
    text = f"{d.year}年{d.month}月{d.day}日" if year else f"{d.month}月{d.day}日"
    return f"{text} {weekday_words(d)}" if weekday else text


def day_word(day: date | str, today: date) -> str:
    """The word a resident uses for ``day``: 今天/明天/后天, 这周五/下周一, else 星期四.

    Accepts a date or its ISO text (as stored)."""
    d = date.fromisoformat(day) if isinstance(day, str) else day
    ahead = (d - today).days
    if 0 <= ahead < len(_NEAR):
        return _NEAR[ahead]
    weeks = (d - (today - timedelta(days=today.weekday()))).days // 7
    name = WEEKDAYS[d.weekday()]
    if weeks == 0:
        return f"这周{name}"
    if weeks == 1:
        return f"下周{name}"
    return f"星期{name}"


def near_day_words(day: date, today: date) -> str:
    """``明天 12月8日 星期二`` for today, tomorrow and the day after (:func:`day_word`);
    otherwise the full date in words with its weekday."""
    if not 0 <= (day - today).days < len(_NEAR):
        return date_words(day, weekday=True)
    return f"{day_word(day, today)} {date_words(day, year=False, weekday=True)}"


def weekday_words(day: date) -> str:
    """``星期三``."""
    return f"星期{WEEKDAYS[day.weekday()]}"


def time_words(hour: int, minute: int) -> str:
    """``8点30分``, ``9点05分``; on the hour just ``9点``."""
    return f"{hour}点" if minute == 0 else f"{hour}点{minute:02d}分"


def clock_range(start: str, end: str) -> str:
    """``08:30``–``11:30`` as ``8点30分到11点30分``."""

    def one(hhmm: str) -> str:
        h, m = hhmm.split(":")
        return time_words(int(h), int(m))

    return f"{one(start)}到{one(end)}"


def moment_words(ts: float | None, now: float | None = None) -> str:
    """When something happened, from a Unix time: ``今天9点05分`` or ``2025年1月1日9点05分``."""
    if ts is None:
        return "时间不详"
    now = time.time() if now is None else now
    when = datetime.fromtimestamp(ts)
    clock = time_words(when.hour, when.minute)
    if when.date() == datetime.fromtimestamp(now).date():
        return f"今天{clock}"
    return f"{date_words(when.date())}{clock}"


# Inside sentences (a pack's texts, messages): the numbers a resident may need to check, grouped.
_ID_IN_TEXT = re.compile(r"(?<![0-9Xx])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_RECEIPT_IN_TEXT = re.compile(r"(?<![0-9])[2-9]{12}(?![0-9])")


def group_numbers_in(text: str) -> str:
    """``text`` with every bare ID number, mobile number and receipt code in it grouped; short
    numbers (``12348``) and landlines already written with their dash are left alone."""
    if not any(ch.isdigit() for ch in text):
        return text
    text = _ID_IN_TEXT.sub(lambda m: id_number(m.group()), text)
    text = _RECEIPT_IN_TEXT.sub(lambda m: receipt_code(m.group()), text)
    return _MOBILE_IN_TEXT.sub(lambda m: phone(m.group()), text)


def split_first_sentence(text: str) -> tuple[str, str]:
    """("全家一年一共收入大概多少钱？", "工资、养老金……都算上。") from the whole question: the
    first sentence (up to its 。？！) and the rest, stripped; (text, "") when there is one."""
    for i, ch in enumerate(text):
        if ch in "。？！" and text[i + 1 :].strip():
            return text[: i + 1], text[i + 1 :].strip()
    return text, ""
