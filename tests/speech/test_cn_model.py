"""Against the real Mandarin model, when an administrator has installed it (docs/voice.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.content import load_pack
from offline_cache import BUNDLED_PACK_DIR
from voice.asr import Recognizer, pack_screens, screen_phrases
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
    report = cn_recognizer.check_vocabulary(pack_screens(load_pack(BUNDLED_PACK_DIR)))
    assert report.coverage >= 0.95, report.unknown()[:20]


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
