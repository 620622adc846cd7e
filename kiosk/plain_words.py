"""Is every text a resident reads or hears plain enough? Short sentences, no officialese.

The rules live in the pack (``screens.json`` → ``plain_words``): the longest sentence allowed
and the bureaucratic words (受理, 审查, 指派, 事项范围 …) with what to say instead. Those words are
allowed only where the law is cited — the ``basis`` and ``source`` fields shown on the small
依据 line — never in a label, a sentence read aloud, a material's why/where or a result reason.

:func:`pack_problems` walks every resident-facing string of a pack; :func:`text_problems` checks
one text (the rules' own result sentences are checked with it in the tests). Both return plain
lines naming the place, for ``kiosk-admin pack validate`` and the test suite alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.content import ContentPack

# Keys whose strings are shown or read to a resident. Everything else — ids, synonyms (what a
# resident may say, not what we say), basis/source (the 依据 line), figures, dates — is left out.
RESIDENT_KEYS = frozenset(
    {
        "label",
        "why",
        "where",
        "detail",
        "summary",
        "text",
        "reason",
        "sentences",
        "hours",
        "cost",
        "what_for",
        "who",
        "where_to_apply",
        "certificate_days_text",
        "remote_video",
        "fees",
        "contact",
        "answer",  # 问一问 answers, read aloud verbatim
    }
)
# Subtrees that are about texts rather than texts themselves.
SKIPPED_KEYS = frozenset({"plain_words", "exemption_loose_words", "synonyms", "basis", "source"})
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True)
class PlainRules:
    max_sentence_chars: int
    words: dict[str, str]  # bureaucratic word → what to say instead

    @classmethod
    def of(cls, pack: ContentPack) -> PlainRules:
        rules = pack.data("screens")["plain_words"]
        return cls(
            max_sentence_chars=int(rules["max_sentence_chars"]),
            words={str(w["word"]): str(w["instead"]) for w in rules["bureaucratic_words"]},
        )


def text_problems(text: str, rules: PlainRules) -> list[str]:
    """What makes ``text`` hard to follow: each over-long sentence, each bureaucratic word."""
    problems: list[str] = []
    # A {placeholder} is filled with a short name or figure; count it as two characters.
    plain = _PLACEHOLDER.sub("某某", text)
    for word, instead in rules.words.items():
        if word in plain:
            problems.append(f"用了官话“{word}”，请改说“{instead}”（条文只写在依据一行）")
    for sentence in _SENTENCE_END.split(plain):
        sentence = sentence.strip()
        if len(sentence) > rules.max_sentence_chars:
            problems.append(
                f"句子太长（{len(sentence)} 字，最多 {rules.max_sentence_chars} 字）：“{sentence}”"
            )
    return problems


def resident_texts(pack: ContentPack) -> Iterator[tuple[str, str, str]]:
    """``(file, JSON path, text)`` for every string a resident sees or hears."""
    from kiosk.content import DATA_FILES

    for stem in DATA_FILES:
        data = pack.data(stem)
        if stem == "screens":
            for key, sentence in sorted(data["spoken"].items()):
                yield f"data/{stem}.json", f"/spoken/{key}", str(sentence)
            data = {k: v for k, v in data.items() if k != "spoken"}
        yield from _walk(f"data/{stem}.json", data, "", resident=False)


def _walk(file: str, node: Any, path: str, *, resident: bool) -> Iterator[tuple[str, str, str]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in SKIPPED_KEYS:
                continue
            yield from _walk(file, value, f"{path}/{key}", resident=key in RESIDENT_KEYS)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(file, value, f"{path}/{i}", resident=resident)
    elif isinstance(node, str) and resident:
        yield file, path, node


def pack_problems(pack: ContentPack) -> list[str]:
    """One line per readability problem in ``pack``: file, place, what to change."""
    rules = PlainRules.of(pack)
    return [
        f"{file}: {path}: {problem}"
        for file, path, text in resident_texts(pack)
        for problem in text_problems(text, rules)
    ]
