"""zinnia through the ctypes binding, on strokes of real characters in correct stroke order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.devices.handwriting import (
    DEFAULT_MODEL,
    HandwritingRecognizer,
    Ink,
    InkError,
    load_recognizer,
)
from tests.devices.conftest import STROKES_DIR

needs_zinnia = pytest.mark.skipif(
    load_recognizer().unavailable_reason is not None, reason="zinnia or its model not installed"
)

# Measured on the 79 fixtures: top-1 74.7 %, top-5 86.1 % (docs/devices.md). The floors leave
# room for a different zinnia build, not for a broken binding (which scores ~0).
TOP1_FLOOR, TOP5_FLOOR = 0.65, 0.80


@pytest.fixture(scope="module")
def zinnia() -> Iterator[HandwritingRecognizer]:
    recognizer = load_recognizer()
    yield recognizer
    recognizer.close()


def _fixtures() -> list[Path]:
    return sorted(STROKES_DIR.glob("*.json"))


def test_there_are_at_least_30_fixture_characters() -> None:
    assert len(_fixtures()) >= 30


@needs_zinnia
def test_written_surnames_and_address_characters_are_recognised(
    zinnia: HandwritingRecognizer,
) -> None:
    top1 = top5 = 0
    for path in _fixtures():
        chars = [c.char for c in zinnia.recognize(Ink.load(path), 5)]
        top1 += chars[:1] == [path.stem]
        top5 += path.stem in chars
    n = len(_fixtures())
    print(f"\nhandwriting on {n} characters: top-1 {top1 / n:.1%}, top-5 {top5 / n:.1%}")
    assert top1 / n >= TOP1_FLOOR and top5 / n >= TOP5_FLOOR


@needs_zinnia
def test_candidates_come_best_first_with_scores(zinnia: HandwritingRecognizer) -> None:
    candidates = zinnia.recognize(Ink.load(STROKES_DIR / "李.json"), 5)
    assert len(candidates) == 5 and candidates[0].char == "李"
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)


@needs_zinnia
def test_top_limits_the_number_of_candidates(zinnia: HandwritingRecognizer) -> None:
    assert len(zinnia.recognize(Ink.load(STROKES_DIR / "张.json"), 2)) == 2


@needs_zinnia
def test_a_pad_with_nothing_written_proposes_nothing(zinnia: HandwritingRecognizer) -> None:
    assert zinnia.recognize(Ink(400, 400, ()), 5) == []


@needs_zinnia
def test_the_first_strokes_of_a_character_already_bring_candidates(
    zinnia: HandwritingRecognizer,
) -> None:
    # On the fly: the pad asks after every stroke, not only when the character is done.
    ink = Ink.load(STROKES_DIR / "镇.json")
    partial = Ink(ink.width, ink.height, ink.strokes[:3])
    assert zinnia.recognize(partial, 5)


def test_a_missing_model_gives_a_plain_reason_and_no_candidates(tmp_path: Path) -> None:
    recognizer = load_recognizer(tmp_path / "none.model")
    assert recognizer.unavailable_reason is not None and "字库文件" in recognizer.unavailable_reason
    assert recognizer.recognize(Ink.load(STROKES_DIR / "王.json")) == []


def test_a_missing_library_gives_a_plain_reason(tmp_path: Path) -> None:
    recognizer = load_recognizer(DEFAULT_MODEL, library=str(tmp_path / "libnothing.so"))
    assert recognizer.unavailable_reason is not None and "程序库" in recognizer.unavailable_reason


def test_a_corrupt_model_file_gives_a_plain_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"not a model")
    reason = load_recognizer(bad).unavailable_reason
    assert reason is not None and "损坏" in reason


@pytest.mark.parametrize(
    "doc",
    [[], {"width": 0, "height": 10, "strokes": []}, {"width": 10, "height": 10, "strokes": [[]]},
     {"width": 10, "height": 10, "strokes": [[[1, 2, 3]]]}, {"width": 10, "height": 10}],
)  # fmt: skip
def test_a_malformed_strokes_file_is_explained(doc: object) -> None:
    with pytest.raises(InkError):
        Ink.from_json(doc)


def test_ink_survives_a_round_trip_through_json() -> None:
    ink = Ink.load(STROKES_DIR / "常.json")
    assert Ink.from_json(ink.to_json()) == ink
