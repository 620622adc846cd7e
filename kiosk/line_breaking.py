"""Chinese line breaking for the screens: where a line may end, given a way to measure text.

Kivy wraps CJK text after any character, so lines start with "，" or "。", an opening "“" is left
dangling at a line's end and an ID number is cut in the middle (issue 12). This module decides the
lines itself and the label is handed text already broken (``screens/line_breaks.py``). The rules,
from the W3C *Requirements for Chinese Text Layout* (clreq) and GB/T 15834:

- no line starts with closing punctuation (``，。、；：？！）」』”’…`` and their kin);
- no line ends with opening punctuation (``（「『“‘`` and their kin);
- a number is never broken: digit runs, and the groups of one number — ``320483 19440315 0026``,
  ``2345 6789 2345``, ``0519-86661234``, ``8:30-11:30`` — are one unit, and a number stays on the
  line of the word it counts (``12 位``, ``3月``);
- ``……`` and ``——`` stay whole; a Latin word is never split.

A mark that may not stand where the break falls takes the character before it along to the next
line (the whole unbreakable run moves down, clreq's "push out"): a line never grows past the
width, so the label never re-wraps it its own way. Unicode's line-breaking algorithm (UAX #14,
e.g. ``uniseg``) gets the punctuation right but breaks at the spaces inside a grouped number and
between a number and its unit, both of which we forbid — the rules above are few enough to write.

Kivy-free; :func:`line_rule_violations` is the check the accessibility audit runs on a label's
rendered lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

# May not start a line (clreq "line-start prohibition"; GB/T 15834 closing and middle marks).
CLOSING = frozenset("，。、；：？！）」』”’…‥〕】》〉〗〙〛｝］～·・％‰" + ",.;:?!)]}%")
# May not end a line.
OPENING = frozenset("（「『“‘〔【《〈〖〘〚｛［" + "([{")
# Marks written doubled that must stay together: …… and ——.
_DOUBLED = frozenset("…—")
_SPACES = frozenset(" \u3000")

_DIGIT = "0-9０-９"
# One number: digit runs joined by a single space, dash, dot, colon or slash (grouped IDs, phone
# numbers with their area code, receipt codes, times, decimals, dates written with dashes), with
# an ID number's final X.
_NUMBER = rf"[{_DIGIT}]+(?:[ \-.:/·～~][{_DIGIT}]+)*(?:[Xx](?![A-Za-z]))?"
_ATOM = re.compile(
    rf"(?P<num>{_NUMBER})|(?P<latin>[A-Za-z]+)|(?P<space>[ \u3000]+)|(?P<other>.)", re.S
)


def _is_ideograph(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch >= "\U00020000"


def _is_digit(ch: str) -> bool:
    return ch.isdigit()


def _atoms(paragraph: str) -> list[tuple[str, str]]:
    """The paragraph as (kind, text) units that are never split: numbers, words, spaces, chars."""
    out: list[tuple[str, str]] = []
    for m in _ATOM.finditer(paragraph):
        kind = m.lastgroup or "other"
        out.append((kind, m.group()))
    return out


def _may_break(atoms: Sequence[tuple[str, str]], i: int) -> bool:
    """May a line end after ``atoms[i]`` (and the next start with ``atoms[i + 1]``)?"""
    kind, text = atoms[i]
    next_kind, next_text = atoms[i + 1]
    if next_kind == "space":  # a space stays at the end of its line
        return False
    if next_text[0] in CLOSING or text[-1] in OPENING:
        return False
    if kind == "space" and i > 0 and atoms[i - 1][1][-1] in OPENING:
        return False  # "‘ 12348": the space would leave "‘" at the line's end
    if text[-1] in _DOUBLED and next_text[0] == text[-1]:
        return False
    if kind == "num" and (_is_ideograph(next_text[0]) or next_kind == "num"):
        return False  # 12位, 3月, 5日: a number stays with the word it counts
    # "12 位" written with a space: the space doesn't part them either.
    return not (
        kind == "space" and i > 0 and atoms[i - 1][0] == "num" and _is_ideograph(next_text[0])
    )


def unbreakable_runs(paragraph: str) -> list[str]:
    """Runs of text with no break allowed inside; a line may end only between two of them."""
    atoms = _atoms(paragraph)
    segments: list[str] = []
    current = ""
    for i, (_kind, text) in enumerate(atoms):
        current += text
        if i == len(atoms) - 1 or _may_break(atoms, i):
            segments.append(current)
            current = ""
    if current:
        segments.append(current)
    return segments


def _split_wide(segment: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """A run too wide for a whole line (very rare: a number wider than the line, or a long chain
    of glued marks): cut it between its atoms, never inside a number or word, as late as fits.
    A closing mark hangs past the width rather than start a line, and an opening one goes down
    with what it opens: the piece is too wide already, so the rules are kept at the width's cost."""
    pieces: list[str] = []
    current = ""
    for _kind, text in _atoms(segment):
        glued = text[0] in CLOSING or current.rstrip()[-1:] in OPENING
        if current and not glued and measure((current + text).rstrip()) > width:
            pieces.append(current)
            current = text
        else:
            current += text
    if current:
        pieces.append(current)
    return pieces


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text`` as lines no wider than ``width`` by ``measure`` (trailing spaces not counted),
    broken only where the rules allow. A hard newline ends a line; the newline itself is not in
    the result, so ``"".join(lines) == text.replace("\\n", "")``. A break's space stays at the end
    of the line before it. A single number wider than ``width`` gets a line of its own, whole.

    ``measure`` is called on each candidate line, so it should be cheap (the screens sum cached
    character widths)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if not paragraph or measure(paragraph.rstrip()) <= width:
            lines.append(paragraph)
            continue
        current = ""
        for segment in unbreakable_runs(paragraph):
            candidate = current + segment
            if not current or measure(candidate.rstrip()) <= width:
                current = candidate
                continue
            lines.append(current)
            current = segment
            if measure(current.rstrip()) > width:  # wider than a whole line on its own
                *full, current = _split_wide(current, width, measure)
                lines.extend(full)
        lines.append(current)
    return lines


def line_rule_violations(lines: Sequence[str]) -> list[str]:
    """Each breach of the rules at the breaks between ``lines`` (as rendered, in order)."""
    problems: list[str] = []
    for n, (line, following) in enumerate(pairwise(lines), start=2):
        end, start = line.rstrip(), following.lstrip()
        if not end or not start:
            continue
        if start[0] in CLOSING:
            problems.append(f"line {n} starts with closing punctuation {start[0]!r}")
        if end[-1] in OPENING:
            problems.append(f"line {n - 1} ends with opening punctuation {end[-1]!r}")
        # Two spaces or more part two numbers (a grouped number has single spaces).
        apart = len(line) - len(end) >= 2
        if (
            _is_digit(end[-1])
            and not apart
            and (
                _is_digit(start[0])
                or start[0] in "Xx"
                or (len(start) > 1 and start[0] in " -.:/" and _is_digit(start[1]))
            )
        ):
            problems.append(
                f"a number is broken between lines {n - 1} and {n}: {end[-6:]!r}|{start[:6]!r}"
            )
        elif _is_digit(end[-1]) and _is_ideograph(start[0]):
            problems.append(
                f"a number is parted from its word between lines {n - 1} and {n}: {end[-6:]!r}|{start[:2]!r}"
            )
        if end[-1] in _DOUBLED and start[0] == end[-1]:
            problems.append(f"{end[-1] * 2!r} is split between lines {n - 1} and {n}")
    return problems
