"""Recorded prompts: a person's voice for the pack's fixed sentences, synthesis for the rest.

espeak-ng's Mandarin is hard for old ears, so a content pack may carry recordings of its fixed
texts (``data/screens.json`` → ``recorded``: for a spoken key, the parts of its sentence that were
recorded, each ``{"text": …, "file": "prompts/….wav"}`` under the pack's ``assets/``). A part's
text must be a piece of the sentence between its ``{placeholders}`` as the pack says it *now*: a
sentence edited after it was recorded makes the recording stale, which the pack check refuses
(:func:`recording_problems`) and which is never played.

What the speaker gets is a finished sentence, placeholders filled (a receipt code, a name, a
date). :meth:`RecordedPrompts.split` cuts it into the recorded pieces it contains, longest first,
and the gaps between them, which are synthesized: numbers digit by digit, names, dates. Kivy-free.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from offline_cache.os_errors import plain_reason

# What a recording must be: uncompressed 16-bit PCM, mono, at a rate sound cards play.
SAMPLE_WIDTH = 2
RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000)
# A recording longer than this is surely the wrong file (a whole tape, not one sentence).
MAX_SECONDS = 60


@dataclass(frozen=True)
class Segment:
    """A piece of a sentence: ``recording`` is the WAV that says ``text``, or ``None`` to
    synthesize it."""

    text: str
    recording: Path | None


class RecordedPrompts:
    """The recordings of one content pack, found by the text they say."""

    def __init__(self, recordings: Mapping[str, Path]) -> None:
        # Whitespace-only or one-character pieces would splice a voice into every sentence.
        self._by_text = {t: p for t, p in recordings.items() if len(t.strip()) >= 2}
        self._by_first: dict[str, list[str]] = {}
        for text in sorted(self._by_text, key=len, reverse=True):
            self._by_first.setdefault(text[0], []).append(text)

    def __len__(self) -> int:
        return len(self._by_text)

    def split(self, sentence: str) -> list[Segment]:
        """``sentence`` as recorded pieces (longest match first) and synthesized gaps, in order."""
        segments: list[Segment] = []
        gap_start = i = 0
        while i < len(sentence):
            match = next(
                (t for t in self._by_first.get(sentence[i], ()) if sentence.startswith(t, i)),
                None,
            )
            if match is None:
                i += 1
                continue
            if sentence[gap_start:i].strip():
                segments.append(Segment(sentence[gap_start:i], None))
            segments.append(Segment(match, self._by_text[match]))
            i += len(match)
            gap_start = i
        if sentence[gap_start:].strip():
            segments.append(Segment(sentence[gap_start:], None))
        return segments


def literal_pieces(template: str) -> list[str]:
    """The fixed parts of a spoken template, between its ``{placeholders}``."""
    pieces = [literal for literal, *_ in string.Formatter().parse(template)]
    return [p for p in pieces if p and p.strip()]


def is_current(part_text: str, template: str) -> bool:
    """A recorded part still says what the pack says: it lies inside one fixed part."""
    return any(part_text in piece for piece in literal_pieces(template))


@dataclass(frozen=True)
class PromptState:
    """How far one spoken key is recorded: ``covered`` of its ``total`` characters of fixed
    text; ``stale`` names parts whose text the pack no longer says."""

    key: str
    total: int
    covered: int
    stale: tuple[str, ...]

    @property
    def status(self) -> str:
        if self.stale:
            return "stale"
        if self.covered == 0:
            return "missing"
        return "recorded" if self.covered >= self.total else "partial"


def prompt_states(spoken: Mapping[str, str], recorded: Mapping[str, Any]) -> list[PromptState]:
    """Every spoken key with how much of it is recorded (for ``kiosk-admin voice prompts``)."""
    states = []
    for key in sorted(spoken):
        pieces = literal_pieces(spoken[key])
        parts = [str(p["text"]) for p in recorded.get(key, ())]
        stale = tuple(t for t in parts if not is_current(t, spoken[key]))
        covered = _covered_chars(pieces, [t for t in parts if t not in stale])
        states.append(PromptState(key, sum(len(p) for p in pieces), covered, stale))
    return states


def _covered_chars(pieces: list[str], parts: Iterable[str]) -> int:
    covered = 0
    for piece in pieces:
        hit = [False] * len(piece)
        for part in parts:
            start = piece.find(part)
            while start >= 0:
                hit[start : start + len(part)] = [True] * len(part)
                start = piece.find(part, start + 1)
        covered += sum(hit)
    return covered


def recording_problems(
    assets_dir: Path, spoken: Mapping[str, str], recorded: Mapping[str, Any]
) -> list[str]:
    """What is wrong with the pack's recordings, in the pack checker's words (one line each)."""
    problems = []
    for key, parts in sorted(recorded.items()):
        where = f"data/screens.json: /recorded/{key}"
        template = spoken.get(key)
        if template is None:
            problems.append(f"{where}: 朗读词 '{key}' 在 /spoken 里没有")
            continue
        for i, part in enumerate(parts):
            text, file = str(part["text"]), str(part["file"])
            if not is_current(text, template):
                problems.append(
                    f"{where}/{i}: 录音说的是“{text}”，内容包现在的这句话里没有这段；"
                    "请重新录音或删掉这条"
                )
            trouble = wav_problem(assets_dir / file)
            if trouble:
                problems.append(f"{where}/{i}/file: assets/{file} {trouble}")
    return problems


def wav_problem(path: Path) -> str | None:
    """Why ``path`` can't be played as a prompt, or ``None`` when it can."""
    import wave  # only when a pack is checked: not on the way to the home screen

    if not path.is_file():
        return "不存在"
    try:
        with wave.open(str(path), "rb") as w:
            if w.getsampwidth() != SAMPLE_WIDTH or w.getnchannels() != 1:
                return "不是单声道 16 位的 WAV 录音"
            if w.getframerate() not in RATES:
                return f"采样率 {w.getframerate()} 不常用，请存成 16000 或 22050"
            if w.getnframes() == 0:
                return "是空的"
            if w.getnframes() > MAX_SECONDS * w.getframerate():
                return f"超过 {MAX_SECONDS} 秒，可能放错了文件"
    except (wave.Error, EOFError):
        return "不是 WAV 录音（只能用未压缩的 WAV）"
    except OSError as exc:
        return f"读不出来：{plain_reason(exc)}"
    return None


def load_recorded_prompts(
    assets_dir: Path, spoken: Mapping[str, str], recorded: Mapping[str, Any]
) -> RecordedPrompts:
    """The playable recordings: current text, a readable WAV. Anything else is left out, so a
    pack that slipped past its check still never plays a recording that says something else."""
    playable: dict[str, Path] = {}
    for key, parts in recorded.items():
        template = spoken.get(key)
        if template is None:
            continue
        for part in parts:
            text, path = str(part["text"]), assets_dir / str(part["file"])
            if is_current(text, template) and wav_problem(path) is None:
                playable[text] = path
    return RecordedPrompts(playable)
