"""Build ``screens/data/pinyin_table.json`` for the on-screen pinyin keyboard.

Readings come from pypinyin's character dictionary, frequencies from jieba's word dictionary
(a character's weight is the summed frequency of the words it appears in). Only characters the
kiosk font can draw are kept. The output is committed so the kiosk starts without jieba's 5 MB
dictionary parse; re-run after upgrading either package:

    .venv/bin/python screens/tools/build_pinyin_table.py
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

CHARS_PER_SYLLABLE = 60
WORDS_KEPT = 30000


def main() -> int:
    import jieba
    from fontTools.ttLib import TTCollection
    from pypinyin import Style, lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from screens.fonts import find_cjk_font

    font = TTCollection(str(find_cjk_font()))[0]
    drawable = set(font.getBestCmap())

    freq: dict[str, int] = defaultdict(int)
    words: list[tuple[int, str]] = []
    dict_path = Path(jieba.__file__).parent / "dict.txt"
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        word, count = parts[0], int(parts[1])
        if not all("\u4e00" <= ch <= "\u9fff" and ord(ch) in drawable for ch in word):
            continue
        for ch in word:
            freq[ch] += count
        if 2 <= len(word) <= 4:
            words.append((count, word))

    # A character's weight under a secondary reading is a small share of its frequency, so 方
    # (mostly fāng) doesn't lead the candidates for "wang".
    by_syllable: dict[str, dict[str, float]] = defaultdict(dict)
    for code, readings in pinyin_dict.items():
        ch = chr(code)
        if ch not in freq or code not in drawable:
            continue
        seen: set[str] = set()
        for rank, reading in enumerate(readings.split(",")):
            plain = lazy_pinyin(reading, style=Style.NORMAL, errors="ignore")
            # lazy_pinyin on a toned latin syllable returns it unchanged; strip tones ourselves.
            syl = _strip_tone(plain[0] if plain else reading)
            if syl and syl not in seen:
                seen.add(syl)
                by_syllable[syl][ch] = freq[ch] * (1.0 if rank == 0 else 0.05)
    chars = {
        syl: "".join(sorted(cs, key=lambda c: -cs[c])[:CHARS_PER_SYLLABLE])
        for syl, cs in sorted(by_syllable.items())
    }
    words.sort(reverse=True)
    word_index: dict[str, list[str]] = defaultdict(list)
    for _count, word in words[:WORDS_KEPT]:
        key = "".join(lazy_pinyin(word, style=Style.NORMAL))
        if len(word_index[key]) < 12:
            word_index[key].append(word)
    out = Path(__file__).resolve().parents[1] / "data" / "pinyin_table.json"
    out.write_text(
        json.dumps({"chars": chars, "words": word_index}, ensure_ascii=False, sort_keys=True),
        encoding="utf-8",
    )
    print(f"{out}: {len(chars)} syllables, {len(word_index)} word keys")
    return 0


_TONES = {
    "āáǎà": "a", "ēéěè": "e", "īíǐì": "i", "ōóǒò": "o", "ūúǔù": "u", "ǖǘǚǜü": "v",
    "ńňǹ": "n", "ḿ": "m",
}  # fmt: skip


def _strip_tone(s: str) -> str:
    out = []
    for ch in s:
        for toned, plain in _TONES.items():
            if ch in toned:
                ch = plain
                break
        out.append(ch)
    return "".join(c for c in out if c.isascii() and c.isalpha())


if __name__ == "__main__":
    sys.exit(main())
