"""Spoken numbers after recognition: digit strings (phones, ID numbers, receipt codes), amounts, dates.

Digit strings are mapped character by character because ``cn2an`` drops leading zeros
(零一零 → 10) and doesn't know the words people use to keep digits apart on the phone:
幺 (1), 两 (2), 洞 (0), 拐 (7), 勾 (9), and 叉/艾克斯 for the X at the end of an ID number.
Amounts and dates are real numbers, so they go through ``cn2an``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

DIGIT_WORDS: dict[str, str] = {
    "零": "0", "〇": "0", "洞": "0",
    "一": "1", "幺": "1", "么": "1", "妖": "1",
    "二": "2", "两": "2", "俩": "2",
    "三": "3", "四": "4", "五": "5", "六": "6",
    "七": "7", "拐": "7",
    "八": "8",
    "九": "9", "勾": "9", "钩": "9",
    "叉": "X", "x": "X", "X": "X", "×": "X",
}  # fmt: skip
# Said for the letter X; checked before single characters.
_X_WORDS = ("艾克斯", "爱克斯", "埃克斯", "挨克斯", "叉叉")
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")


def spoken_digits(text: str) -> str:
    """Digits (and X) in the order they were said; every other word is dropped.

    ``"幺三八 洞洞幺三 八洞洞洞"`` → ``"13800138000"``; ``"……拐勾叉"`` → ``"…79X"``.
    """
    text = text.translate(_FULLWIDTH)
    for word in _X_WORDS:
        text = text.replace(word, "X" if word != "叉叉" else "XX")
    out: list[str] = []
    for ch in text:
        if ch.isascii() and ch.isdigit():
            out.append(ch)
        elif ch in DIGIT_WORDS:
            out.append(DIGIT_WORDS[ch])
    return "".join(out)


def digits_to_speech(digits: str) -> str:
    """The reverse, for read-aloud: ``"13800138000"`` → ``"一 三 八 零 …"`` (一, not 幺: TTS says it)."""
    words = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
    words["X"] = "叉"
    return " ".join(words.get(ch.upper(), ch) for ch in digits if not ch.isspace())


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0519\d{8}$|^\d{8}$")


def spoken_phone(text: str) -> str | None:
    """A mainland mobile (11 digits) or a Changzhou landline (0519 + 8 digits, or 8 local digits)."""
    digits = spoken_digits(text)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE_RE.match(digits) or _LANDLINE_RE.match(digits):
        return digits
    return None


def spoken_id_number(text: str) -> str | None:
    """An 18-character resident ID number whose check character and birth date are right."""
    from stdnum.cn import ric  # small import, but only needed here

    candidate = spoken_digits(text)
    if len(candidate) != 18 or "X" in candidate[:-1]:
        return None
    return candidate if ric.is_valid(candidate) else None


_AMOUNT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|千)?\s*(?:元|块|圆)?")


def spoken_amount(text: str) -> Decimal | None:
    """A money amount in yuan: ``"两千五百块"`` → 2500, ``"一万二"`` → 12000, ``"三百五十元五角"`` → 350.5."""
    cleaned = text.replace(" ", "").replace("钱", "").replace("人民币", "")
    jiao = re.search(r"([一二三四五六七八九])(角|毛)", cleaned)
    cleaned = re.sub(r"[一二三四五六七八九](角|毛)", "", cleaned)
    try:
        import cn2an  # 0.4 s to import (it compiles its patterns): only when a number is said

        converted = cn2an.transform(cleaned, "cn2an")
    except (ValueError, KeyError):
        return None
    found = _AMOUNT_RE.search(converted)
    if not found:
        return None
    try:
        value = Decimal(found.group(1))
    except InvalidOperation:
        return None
    if found.group(2) == "万":
        value *= 10000
    elif found.group(2) == "千":
        value *= 1000
    if jiao:
        value += Decimal(spoken_digits(jiao.group(1))) / 10
    return value


_DATE_RE = re.compile(r"(?:(\d{2,4})年)?(\d{1,2})月(\d{1,2})(?:日|号)?")


def spoken_date(text: str, *, today: date | None = None) -> date | None:
    """``"二〇二四年三月五号"`` → 2024-03-05; without a year, the next such day from ``today``."""
    today = today or date.today()
    relative = {"今天": 0, "明天": 1, "后天": 2}
    for word, days in relative.items():
        if word in text:
            return date.fromordinal(today.toordinal() + days)
    year_part = re.search(r"([零〇一二三四五六七八九]{4})年", text)
    if year_part:  # a year said digit by digit: cn2an would read 二〇二四 as a number anyway
        text = text.replace(year_part.group(1), spoken_digits(year_part.group(1)))
    try:
        import cn2an

        converted = cn2an.transform(text.replace(" ", ""), "cn2an")
    except (ValueError, KeyError):
        return None
    found = _DATE_RE.search(converted)
    if not found:
        return None
    month, day = int(found.group(2)), int(found.group(3))
    try:
        if found.group(1):
            year = int(found.group(1))
            if year < 100:
                year += 2000
            return date(year, month, day)
        candidate = date(today.year, month, day)
        if candidate < today:
            candidate = date(today.year + 1, month, day)
        return candidate
    except ValueError:
        return None


@dataclass(frozen=True)
class HeardNumbers:
    """Every reading of one spoken sentence (``kiosk-admin voice digits`` shows them all)."""

    digits: str
    phone: str | None
    id_number_valid: bool
    amount: Decimal | None
    date: date | None


def heard_numbers(text: str) -> HeardNumbers:
    """``text`` read as digits, a phone number, an ID number, an amount and a date at once."""
    return HeardNumbers(
        digits=spoken_digits(text),
        phone=spoken_phone(text),
        id_number_valid=spoken_id_number(text) is not None,
        amount=spoken_amount(text),
        date=spoken_date(text),
    )
