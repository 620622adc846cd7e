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
from enum import StrEnum

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


# Said to take back the digits just said: …幺五九，错了，幺五八….
CORRECTIONS = ("说错了", "搞错了", "弄错了", "错了", "不对", "不是", "重说", "重新说")
# Recognisers write 幺 as these inside a run of digits (yao); elsewhere they are ordinary words.
_YAO_ALIKE = "要腰药摇"
_PAUSES = " ，,、。.；;：:-—"


def _digit_of(text: str, i: int) -> str | None:
    ch = text[i]
    if ch.isascii() and ch.isdigit():
        return ch
    return DIGIT_WORDS.get(ch)


def _digit_groups(text: str) -> list[tuple[str, bool]]:
    """``(digits, taken_back)`` per group said between pauses; ``taken_back`` when a correction
    word (错了, 不对 …) follows the group."""
    text = text.translate(_FULLWIDTH)
    for word in _X_WORDS:
        text = text.replace(word, "X" if word != "叉叉" else "XX")
    groups: list[tuple[str, bool]] = []
    current: list[str] = []

    def close(taken_back: bool = False) -> None:
        if current or taken_back:
            groups.append(("".join(current), taken_back))
            current.clear()

    i = 0
    while i < len(text):
        correction = next((w for w in CORRECTIONS if text.startswith(w, i)), None)
        if correction is not None:
            close(taken_back=True)
            i += len(correction)
            continue
        digit = _digit_of(text, i)
        if digit is None and text[i] in _YAO_ALIKE:
            before = _digit_of(text, i - 1) if i > 0 else None
            after = _digit_of(text, i + 1) if i + 1 < len(text) else None
            edge_before = i == 0 or text[i - 1] in _PAUSES
            edge_after = i + 1 >= len(text) or text[i + 1] in _PAUSES
            if (before and after) or (before and edge_after) or (after and edge_before):
                digit = "1"
        if digit is not None:
            current.append(digit)
        elif text[i] in _PAUSES:
            close()
        i += 1
    close()
    return groups


def _undo_repeat(groups: list[str], length: int) -> str | None:
    """The digits with one group said twice by mistake taken out, when that makes ``length``."""
    joined = "".join(groups)
    excess = len(joined) - length
    if excess <= 0:
        return None
    for i in range(len(groups) - 1):
        if groups[i] == groups[i + 1] and len(groups[i]) == excess:
            return "".join(groups[:i] + groups[i + 1 :])
    candidates = {
        joined[:i] + joined[i + excess :]
        for i in range(len(joined) - 2 * excess + 1)
        if joined[i : i + excess] == joined[i + excess : i + 2 * excess]
    }
    return candidates.pop() if len(candidates) == 1 else None


def digit_string(text: str, length: int | None = None) -> str:
    """The digits a resident meant, with their own corrections and slips applied.

    - 不对 / 错了 takes back the group said just before it (``…幺五九，错了，幺五八`` → …158);
      said without a pause, as many digits as the replacement has;
    - a group said twice by mistake is said once, when ``length`` (11 for a mobile, 18 for an ID
      number) makes it clear and only one reading gives that length;
    - 要 (and other sounds like 幺) inside a run of digits is 1.
    """
    groups = _digit_groups(text)
    said = sum(len(g) for g, _ in groups)
    kept: list[str] = []
    for i, (digits, taken_back) in enumerate(groups):
        if not taken_back:
            kept.append(digits)
            continue
        replacement = next((g for g, _ in groups[i + 1 :] if g), "")
        # No pause before the correction: take back as many digits as were said again — or, when
        # the length is known, as many as are too many (幺五九错了幺五八八: the 8 goes on).
        drop = len(replacement)
        if length is not None and 0 < said - length <= len(digits):
            drop = said - length
        if digits and replacement and len(digits) > drop:
            kept.append(digits[:-drop])
        elif not digits and kept:
            kept.pop()  # "…幺五九，错了": the group before the pause
    kept = [g for g in kept if g]
    joined = "".join(kept)
    if length is not None and len(joined) > length:
        return _undo_repeat(kept, length) or joined
    return joined


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
    """A mainland mobile (11 digits) or a Changzhou landline (0519 + 8 digits, or 8 local digits).

    Corrections and a group said twice are honoured (:func:`digit_string`).
    """
    for length in (11, 12, 13, 8):
        digits = digit_string(text, length)
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        if _MOBILE_RE.match(digits) or _LANDLINE_RE.match(digits):
            return digits
    return None


def spoken_id_number(text: str) -> str | None:
    """An 18-character resident ID number whose check character and birth date are right."""
    from stdnum.cn import ric  # small import, but only needed here

    candidate = digit_string(text, 18)
    if len(candidate) != 18 or "X" in candidate[:-1]:
        return None
    return candidate if ric.is_valid(candidate) else None


class Period(StrEnum):
    """What an amount is counted per, when the resident said so."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class SpokenAmount:
    """A money amount heard in a sentence. ``approximate`` (一万出头, 两千多, 大概…左右) means the
    kiosk should ask for the figure rather than use it; ``period`` is per month/year… if said."""

    value: Decimal
    period: Period | None
    approximate: bool


_PERIODS: tuple[tuple[str, Period], ...] = (
    ("每个月", Period.MONTH), ("一个月", Period.MONTH), ("每月", Period.MONTH), ("月收入", Period.MONTH),
    ("个月", Period.MONTH), ("月", Period.MONTH),
    ("每年", Period.YEAR), ("一年", Period.YEAR), ("年收入", Period.YEAR), ("一年到头", Period.YEAR),
    ("每天", Period.DAY), ("一天", Period.DAY), ("每周", Period.WEEK), ("一个礼拜", Period.WEEK),
    ("一周", Period.WEEK), ("每个礼拜", Period.WEEK),
)  # fmt: skip
# After a number these make it a count or a date, not money (3个人, 2个月, 80岁, 5号, 3亩).
_NOT_MONEY_AFTER = ("个月", "个人", "口人", "个", "月", "年", "天", "岁", "口", "人", "号", "日", "点",
                    "周", "礼拜", "星期", "亩", "斤", "次", "层", "楼", "分", "趟", "辆", "间")  # fmt: skip
_APPROXIMATE = (
    "出头",
    "多",
    "左右",
    "上下",
    "大概",
    "大约",
    "差不多",
    "将近",
    "不到",
    "快",
    "几",
    "来块",
)
_NUMBER_RUN_RE = re.compile(r"(\d+(?:\.\d+)?)(万|千)?")
_UNIT_RE = re.compile(r"^(?:块钱|块|元钱|元|圆|块人民币)")


def amount_in_sentence(text: str) -> SpokenAmount | None:
    """The money amount anywhere in ``text``: ``"养老金一个月四千五"`` → 4500 per month.

    Before or after the unit and the period (一个月…, …块钱, 每年…), with 零 and the usual
    shortenings (两千零八十, 四千五, 一万二). Counts and dates (三口人, 两个月, 八十岁) are
    not taken for money; 一万出头, 两千多, 大概三千左右 come back ``approximate``.
    """
    cleaned = text.replace(" ", "").replace("人民币", "")
    jiao = re.search(r"([一二三四五六七八九])(角|毛)$", cleaned)
    if jiao:
        cleaned = cleaned[: jiao.start()]
    # 三块五 is 3.5 yuan: the digit after 块 is tenths, not a new number.
    tenths = re.search(r"块([一二三四五六七八九])$", cleaned)
    if tenths:
        cleaned = cleaned[: tenths.start() + 1]
    converted = _cn2an_text(cleaned)
    if converted is None:
        return None
    best: tuple[int, Decimal, int, int] | None = None  # (priority, value, start, end)
    for found in _NUMBER_RUN_RE.finditer(converted):
        after = converted[found.end() :]
        if found.group(2) is None and after.startswith(_NOT_MONEY_AFTER):
            continue
        if converted[: found.start()].endswith("第"):
            continue
        try:
            value = Decimal(found.group(1))
        except InvalidOperation:
            continue
        value *= {"万": 10000, "千": 1000, None: 1}[found.group(2)]
        priority = 2 if _UNIT_RE.match(after) else 1
        if best is None or (priority, value) > (best[0], best[1]):
            best = (priority, value, found.start(), found.end())
    if best is None:
        return None
    _, value, start, end = best
    if jiao:
        value += Decimal(spoken_digits(jiao.group(1))) / 10
    if tenths:
        value += Decimal(spoken_digits(tenths.group(1))) / 10
    around = converted[max(0, start - 4) : end + 4]
    approximate = any(word in around for word in _APPROXIMATE) or bool(
        re.search(r"\d\s*(?:到|至|或者)\s*\d", converted)
    )
    period = next((p for word, p in _PERIODS if word in cleaned), None)
    return SpokenAmount(value, period, approximate)


def spoken_amount(text: str) -> Decimal | None:
    """A money amount in yuan: ``"两千五百块"`` → 2500, ``"一万二"`` → 12000, ``"三百五十元五角"`` → 350.5.

    The figure only; :func:`amount_in_sentence` also says per what and whether it was approximate.
    """
    found = amount_in_sentence(text)
    return found.value if found is not None else None


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
class SpokenAge:
    """An age said in a sentence. ``approximate`` (快八十了, 七十多) means ask, don't place it."""

    years: int
    approximate: bool
    spoken: str


_AGE_RE = re.compile(
    r"(?P<near>快|快要|将近|差不多|大概|接近)?(?P<n>\d{1,3})(?P<more>多)?(?:周岁|岁|了)"
)
_AGE_PREFIX_RE = re.compile(
    r"(?:今年|年纪|年龄|岁数)(?:是|有)?(?P<near>快|将近|差不多|大概)?(?P<n>\d{1,3})(?P<more>多)?"
)


def spoken_age(text: str) -> SpokenAge | None:
    """``"我今年八十二岁"`` → 82; ``"七十多岁"`` and ``"快八十了"`` come back ``approximate``."""
    converted = _cn2an_text(text)
    if converted is None:
        return None
    found = _AGE_RE.search(converted) or _AGE_PREFIX_RE.search(converted)
    if not found:
        return None
    years = int(found.group("n"))
    if not 1 <= years <= 120:
        return None
    near, more = bool(found.group("near")), bool(found.group("more"))
    spoken = ("快" if near else "") + f"{years}" + ("多" if more else "") + "岁"
    return SpokenAge(years, near or more, spoken)


def _cn2an_text(text: str) -> str | None:
    """``text`` with Chinese numerals turned into digits (cn2an), or ``None`` if it can't."""
    import warnings

    try:
        import cn2an  # 0.4 s to import: only when a number is said

        with warnings.catch_warnings():  # cn2an warns on 一万出头 and still converts the rest
            warnings.simplefilter("ignore")
            return str(cn2an.transform(text.replace(" ", ""), "cn2an"))
    except (ValueError, KeyError):
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
