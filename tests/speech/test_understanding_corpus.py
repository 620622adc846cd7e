"""The understanding corpus: realistic transcripts on every screen of the bundled pack, with the
safety rules and the pack's lexicon, scored per category (see build_understanding_corpus.py)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kiosk.content import load_pack
from offline_cache import BUNDLED_PACK_DIR
from voice.commands import COMMANDS
from voice.lexicon import Lexicon
from voice.matching import MatchResult, match
from voice.options import OptionLike
from voice.rules import PageKind

HERE = Path(__file__).resolve().parent


def _rows() -> list[tuple[str, str, str, str, str]]:
    rows = []
    for line in (HERE / "understanding_corpus.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            screen, page, expected, kind, text = line.split("\t")
            rows.append((screen, page, expected, kind, text))
    return rows


def _judge(kind: str, expected: str, result: MatchResult[OptionLike]) -> tuple[bool, bool]:
    """(right, false accept) for one row."""
    got = result.option.id if result.option is not None else "-"
    if kind == "binary-unsure":  # the answer's sound, not its words: must be confirmed first
        return got == expected and result.needs_confirmation, False
    if expected == "-":
        return result.option is None, result.accepted
    return got == expected and not result.asked_back, result.accepted and got != expected


def test_the_corpus_covers_every_screen_and_category_with_a_quarter_that_must_match_nothing() -> (
    None
):
    rows = _rows()
    pack = load_pack(BUNDLED_PACK_DIR)
    static = {s for s in pack.screen_ids() if not s.startswith("region.")}
    assert static <= {r[0] for r in rows}
    assert len(rows) >= 800
    assert sum(r[2] == "-" for r in rows) / len(rows) >= 0.25
    kinds = Counter(r[3] for r in rows)
    for kind in ("exact", "synonym", "homophone", "accent", "filler", "dropped", "local", "indirect",
                 "negation", "question", "other_place", "age", "oog", "binary"):  # fmt: skip
        assert kinds[kind] >= 3, kind


def test_understanding_corpus_accuracy_and_no_false_accepts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """≥ 98% of rows handled right (the option meant, or nothing where nothing was meant) and not
    one false accept: the kiosk never acts on a meaning the resident didn't say."""
    pack = load_pack(BUNDLED_PACK_DIR)
    lexicon = Lexicon.from_pack(pack)
    per_kind: Counter[str] = Counter()
    right: Counter[str] = Counter()
    failures: list[str] = []
    false_accepts: list[str] = []
    for screen, page, expected, kind, text in _rows():
        options = list(pack.screen_options(screen)) + ([] if screen == "yes_no" else list(COMMANDS))
        result = match(text, options, page=PageKind(page), screen=screen, lexicon=lexicon)
        ok, false_accept = _judge(kind, expected, result)
        per_kind[kind] += 1
        right[kind] += ok
        got = result.option.id if result.option else "-"
        if not ok:
            failures.append(
                f"{screen} {kind} {text} -> {got} {result.score} {result.reason} (expected {expected})"
            )
        if false_accept:
            false_accepts.append(failures[-1] if not ok else f"{screen} {text} -> {got}")
    total = sum(per_kind.values())
    with capsys.disabled():
        print(
            f"\nunderstanding corpus: {total} utterances, right {sum(right.values()) / total:.1%},"
            f" false accepts {len(false_accepts)}"
        )
        print("  by kind: " + ", ".join(f"{k} {right[k]}/{n}" for k, n in per_kind.most_common()))
    assert not false_accepts, false_accepts
    assert sum(right.values()) / total >= 0.98, failures
