"""Receipt codes: 12 digits from 2–9 (no 0/O or 1/I/L to confuse), the last a check digit.

Digits only, because residents type them on the big digit keypad and say them aloud; 0 and 1 are
left out so a code never looks like O/I/L when handwritten on the slip. The 11 data digits come
from the operating system's CSPRNG (:mod:`secrets`), so no terminal's codes can be predicted from
another's or from the previous one; the outbox refuses a code already issued on this terminal
and :mod:`kiosk.submissions` draws again. 8**11 ≈ 8.6 × 10⁹ codes: with the wrong-code throttle
of :mod:`kiosk.status_lookup` guessing a live one is hopeless (the arithmetic is in
docs/security.md). The check digit is Luhn mod 8, which catches every single wrong digit and
most swapped neighbours. Shown and read in three groups of four: ``2345 6789 2345``
(:func:`kiosk.display_text.receipt_code`, :func:`kiosk.display_text.digits_spoken`).

Slips printed before the codes grew to 12 digits carry 8 (same alphabet, same check digit);
they are still accepted when typed, so no resident's old slip stops working.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789"
BASE = len(ALPHABET)
DATA_LEN = 11
CODE_LEN = DATA_LEN + 1
LEGACY_CODE_LEN = 8  # slips printed before; never issued any more


def _luhn_check(data: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(data)):
        v = ALPHABET.index(ch)
        if i % 2 == 0:
            v *= 2
            v = v // BASE + v % BASE
        total += v
    return ALPHABET[(BASE - total % BASE) % BASE]


def with_check(data: str) -> str:
    """``data`` (digits 2–9) followed by its check digit."""
    return data + _luhn_check(data)


def new_code() -> str:
    """A fresh random receipt code (unique per terminal once the outbox accepts it)."""
    return with_check("".join(secrets.choice(ALPHABET) for _ in range(DATA_LEN)))


def _cleaned(text: str) -> str:
    return "".join(ch for ch in text if ch not in " -\u3000")


def normalize(text: str) -> str | None:
    """Strip spaces and dashes; ``None`` unless what remains is a well-formed code."""
    cleaned = _cleaned(text)
    if len(cleaned) not in (CODE_LEN, LEGACY_CODE_LEN) or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def is_valid(text: str) -> bool:
    code = normalize(text)
    return code is not None and _luhn_check(code[:-1]) == code[-1]


def problem(text: str) -> str | None:
    """A plain-Chinese reason the code can't be right, or ``None`` if it is valid."""
    cleaned = _cleaned(text)
    if not cleaned:
        return f"请输入回执单上的 {CODE_LEN} 位号码。"
    if any(ch in "01" for ch in cleaned):
        return "回执号码里没有 0 和 1，请再看一下回执单。"
    if any(ch not in ALPHABET for ch in cleaned):
        return "回执号码只有数字 2 到 9。"
    if len(cleaned) not in (CODE_LEN, LEGACY_CODE_LEN):
        return f"回执号码是 {CODE_LEN} 位，您输入了 {len(cleaned)} 位。"
    if not is_valid(cleaned):
        return "这个号码不对，可能有一位输错了，请对照回执单再输一次。"
    return None
