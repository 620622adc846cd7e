"""Receipt codes: 8 digits from 2–9 (no 0/O or 1/I/L to confuse), the last a check digit.

Digits only, because residents type them on the big digit keypad and say them aloud; 0 and 1 are
left out so a code never looks like O/I/L when handwritten on the slip. The check digit is Luhn
mod 8, which catches every single wrong digit and most swapped neighbours. The 7 data digits are
a bijective shuffle of a per-terminal counter, so codes are unique per terminal and neighbours in
a queue don't look alike.
"""

from __future__ import annotations

ALPHABET = "23456789"
BASE = len(ALPHABET)
DATA_LEN = 7
CODE_LEN = DATA_LEN + 1
CAPACITY = BASE**DATA_LEN  # 2,097,152 codes per terminal
_MULTIPLIER = 1_234_567  # odd, so multiplying is a bijection modulo 8**7
_OFFSET = 987_654
_DIGIT_WORDS = dict(zip("23456789", "二三四五六七八九", strict=True))


def _luhn_check(data: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(data)):
        v = ALPHABET.index(ch)
        if i % 2 == 0:
            v *= 2
            v = v // BASE + v % BASE
        total += v
    return ALPHABET[(BASE - total % BASE) % BASE]


def code_for_counter(counter: int) -> str:
    """The receipt code for the terminal's ``counter``-th submission (1-based)."""
    if not 1 <= counter <= CAPACITY:
        raise ValueError("receipt counter out of range")
    n = (counter * _MULTIPLIER + _OFFSET) % CAPACITY
    digits = []
    for _ in range(DATA_LEN):
        n, r = divmod(n, BASE)
        digits.append(ALPHABET[r])
    data = "".join(reversed(digits))
    return data + _luhn_check(data)


def normalize(text: str) -> str | None:
    """Strip spaces and dashes; ``None`` unless what remains is a well-formed code."""
    cleaned = "".join(ch for ch in text if ch not in " -\u3000")
    if len(cleaned) != CODE_LEN or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def is_valid(text: str) -> bool:
    code = normalize(text)
    return code is not None and _luhn_check(code[:-1]) == code[-1]


def problem(text: str) -> str | None:
    """A plain-Chinese reason the code can't be right, or ``None`` if it is valid."""
    cleaned = "".join(ch for ch in text if ch not in " -\u3000")
    if not cleaned:
        return "请输入回执单上的 8 位号码。"
    if any(ch in "01" for ch in cleaned):
        return "回执号码里没有 0 和 1，请再看一下回执单。"
    if any(ch not in ALPHABET for ch in cleaned):
        return "回执号码只有数字 2 到 9。"
    if len(cleaned) != CODE_LEN:
        return f"回执号码是 8 位，您输入了 {len(cleaned)} 位。"
    if not is_valid(cleaned):
        return "这个号码不对，可能有一位输错了，请对照回执单再输一次。"
    return None


def display(code: str) -> str:
    """Grouped for the eye: ``2345 6789``."""
    return f"{code[:4]} {code[4:]}"


def spoken(code: str) -> str:
    """Digit by digit with pauses, so TTS never reads it as one big number."""
    return "，".join(_DIGIT_WORDS[ch] for ch in code)
