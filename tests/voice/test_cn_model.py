"""Against the real Mandarin model, when an administrator has installed it (docs/voice.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.content import load_pack
from offline_cache import BUNDLED_PACK_DIR
from voice.asr import Recognizer, screen_phrases
from voice.audio import WavFileSource
from voice.matching import match

MODEL_DIR = load_config(env={}).voice_model_dir

pytestmark = pytest.mark.skipif(
    not MODEL_DIR.is_dir(),
    reason=(
        f"!!! vosk-model-small-cn-0.22 IS NOT INSTALLED at {MODEL_DIR} — the Mandarin model can't be "
        "fetched here; copy it in as docs/voice.md describes to run these checks !!!"
    ),
)


@pytest.fixture(scope="module")
def cn_recognizer() -> Recognizer:
    recognizer = Recognizer(MODEL_DIR)
    status = recognizer.load()
    assert status.ready, status.reason
    return recognizer


def test_the_mandarin_model_knows_nearly_every_phrase_of_every_screen(
    cn_recognizer: Recognizer,
) -> None:
    pack = load_pack(BUNDLED_PACK_DIR)
    total = usable = 0
    missing: list[str] = []
    for screen_id in pack.screen_ids():
        grammar = cn_recognizer.grammar(screen_phrases(pack.screen_options(screen_id)))
        total += len(grammar.phrases) + len(grammar.unknown)
        usable += len(grammar.phrases)
        missing += [f"{screen_id}: {p}" for p in grammar.unknown]
    assert usable / total >= 0.95, missing[:20]


def test_synthetic_mandarin_reaches_the_right_home_screen_option(
    cn_recognizer: Recognizer, speak_wav: Callable[..., Path]
) -> None:
    pack = load_pack(BUNDLED_PACK_DIR)
    options = pack.screen_options("home")
    label = options[0].label
    transcript = cn_recognizer.transcribe(
        WavFileSource(speak_wav(label, voice="cmn")), screen_phrases(options)
    )
    assert not transcript.rejected
    result = match(transcript.text, options)
    assert result.option is not None and result.option.id == options[0].id
