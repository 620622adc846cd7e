"""Pinyin → candidate characters for the on-screen keyboard (no Kivy; tested on its own).

The table (``data/pinyin_table.json``) is built from pypinyin's readings and jieba's word
frequencies by ``tools/build_pinyin_table.py``: for each toneless syllable the characters most
used first, and for each run of syllables the commonest words. Typing ``zhang`` offers 张/长/章…;
``gongzi`` offers 工资 before any single character.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE_PATH = Path(__file__).resolve().parent / "data" / "pinyin_table.json"
MAX_SYLLABLE = 6  # "zhuang", "shuang"


@dataclass(frozen=True)
class Candidate:
    text: str
    consumes: int  # how many typed letters picking this candidate uses up


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, list[str]]]:
    doc = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    return doc["chars"], doc["words"]


def syllables() -> frozenset[str]:
    return frozenset(_table()[0])


def split_syllables(letters: str) -> list[str]:
    """Greedy longest-first split of typed letters into syllables (``xian`` stays one)."""
    chars, _ = _table()
    out: list[str] = []
    i = 0
    while i < len(letters):
        for size in range(min(MAX_SYLLABLE, len(letters) - i), 0, -1):
            piece = letters[i : i + size]
            if piece in chars:
                out.append(piece)
                i += size
                break
        else:
            out.append(letters[i:])  # an unfinished syllable: keep it for prefix matching
            break
    return out


def candidates(letters: str, limit: int = 60) -> list[Candidate]:
    """What the resident can pick for the typed letters, most likely first."""
    letters = "".join(ch for ch in letters.lower() if "a" <= ch <= "z")
    if not letters:
        return []
    chars, words = _table()
    found: list[Candidate] = []
    seen: set[str] = set()

    def add(text: str, consumes: int) -> None:
        if text not in seen:
            seen.add(text)
            found.append(Candidate(text, consumes))

    parts = split_syllables(letters)
    # Whole words for the longest run of complete syllables first: 工资 for "gongzi".
    for n in range(len(parts), 1, -1):
        key = "".join(parts[:n])
        if all(p in chars for p in parts[:n]):
            for word in words.get(key, []):
                add(word, len(key))
    first = parts[0]
    if first in chars:
        for ch in chars[first]:
            add(ch, len(first))
    # Unfinished syllable ("zh", "xia"): characters of every syllable it starts.
    # Taken round-robin so no one syllable (zha…) crowds out the rest (zhong, zhi…).
    prefixed = sorted(s for s in chars if s.startswith(first) and s != first)
    for rank in range(8):
        for syl in prefixed:
            if rank < len(chars[syl]):
                add(chars[syl][rank], len(first))
    return found[:limit]
