"""Real Vosk decoding (Korean small model from PyPI) through the same audio path as the microphone.

Synthetic speech decoded free-form is garbage, so only grammar mode is asserted, exactly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fakes import StalledMicrophone
from tests.speech.conftest import KOREAN_GRAMMAR, KOREAN_PHRASES, korean_model_dir
from voice.asr import (
    Recognizer,
    join_words,
    pack_screens,
    screen_phrases,
    segment,
)
from voice.audio import AudioError, MicrophoneSource, WavFileSource, input_devices, level_of
from voice.commands import COMMANDS
from voice.options import VoiceOption
from voice.protocols import ModelStatus, Transcript


@pytest.mark.parametrize("phrase", KOREAN_PHRASES)
def test_a_spoken_phrase_is_recognised_exactly_in_grammar_mode(
    ko_recognizer: Recognizer, speak_wav: Callable[..., Path], phrase: str
) -> None:
    transcript = ko_recognizer.transcribe(WavFileSource(speak_wav(phrase)), KOREAN_GRAMMAR)
    assert transcript.text == phrase
    assert transcript.phrase == phrase
    assert not transcript.rejected
    assert transcript.confidence > 0.5


def test_push_to_talk_streams_at_microphone_pace_with_level_partials_and_endpointing(
    ko_recognizer: Recognizer, speak_wav: Callable[..., Path]
) -> None:
    # 1.5 s of silence after the words: Vosk must end the turn by itself before the audio ends.
    wav = speak_wav("공증 서비스", pad_s=1.5)
    source = WavFileSource(wav, realtime=True, block_frames=1600)
    results: list[Transcript] = []
    levels: list[float] = []
    partials: list[str] = []
    done = threading.Event()

    def on_result(t: Transcript) -> None:
        results.append(t)
        done.set()

    session = ko_recognizer.listen(
        KOREAN_GRAMMAR, on_result, source=source, on_level=levels.append, on_partial=partials.append
    )
    assert done.wait(10)
    assert session.join(5)
    assert [r.phrase for r in results] == ["공증 서비스"]
    assert partials and partials[-1] in ("공증", "공증 서비스")
    assert max(levels) > 0.4 and min(levels) == 0.0  # speech moves the meter, silence doesn't
    # Endpointing: the result came before all the trailing silence was streamed.
    assert results[0].audio_seconds < source.duration_s - 0.2
    assert session.result_at is not None and session.audio_ended_at is not None
    assert session.result_at - session.audio_ended_at < 0.5


def test_cancel_when_the_screen_changes_reports_nothing(
    ko_recognizer: Recognizer, speak_wav: Callable[..., Path]
) -> None:
    source = WavFileSource(speak_wav("안녕하세요 법률 지원"), realtime=True, block_frames=1600)
    results: list[Transcript] = []
    session = ko_recognizer.listen(KOREAN_GRAMMAR, results.append, source=source)
    time.sleep(0.3)
    session.cancel()
    assert session.join(5)
    assert results == []


def test_releasing_the_button_early_reports_what_was_heard_so_far(
    ko_recognizer: Recognizer, speak_wav: Callable[..., Path]
) -> None:
    source = WavFileSource(speak_wav("안녕하세요 법률 지원"), realtime=True, block_frames=1600)
    results: list[Transcript] = []
    session = ko_recognizer.listen(KOREAN_GRAMMAR, results.append, source=source)
    time.sleep(0.5)
    session.stop()
    assert session.join(5)
    assert len(results) == 1
    assert results[0].audio_seconds < 1.5


def test_free_dictation_runs_without_a_grammar(
    ko_recognizer: Recognizer, speak_wav: Callable[..., Path]
) -> None:
    transcript = ko_recognizer.transcribe(WavFileSource(speak_wav("안녕하세요 법률 지원")), None)
    assert transcript.phrase is None  # free text: no grammar phrase to map to
    assert transcript.audio_seconds > 1.0


def test_words_the_model_does_not_know_are_reported_at_load_time(ko_recognizer: Recognizer) -> None:
    grammar = ko_recognizer.grammar(["공증 서비스", "法律援助", "아니요"])
    assert grammar.phrases == ("공증 서비스", "아니요")
    assert set(grammar.unknown) == {"法律援助"}
    assert grammar.unknown["法律援助"] == ("法", "律", "援", "助")
    assert grammar.coverage == pytest.approx(2 / 3)
    assert "法律援助" not in grammar.to_json()  # never handed to Vosk, which would drop it silently


def test_phrases_are_written_in_the_models_own_words() -> None:
    vocabulary = {"社保", "卡", "办理", "法律", "援助", "法律援助"}
    assert segment("办理社保卡", vocabulary.__contains__) == (["办理", "社保", "卡"], [])
    assert segment("法律援助", vocabulary.__contains__) == (["法律援助"], [])
    assert segment("法律 援助", vocabulary.__contains__) == (["法律", "援助"], [])
    assert segment("申请援助", vocabulary.__contains__) == (["援助"], ["申", "请"])
    assert join_words(["社保", "卡"]) == "社保卡"
    assert join_words(["공증", "서비스"]) == "공증 서비스"


def test_a_screen_grammar_has_options_synonyms_commands_and_digits_when_asked() -> None:
    options = [VoiceOption("a", "法律援助", ("请律师",)), VoiceOption("b", "公证")]
    phrases = screen_phrases(options)
    assert phrases[:3] == ["法律援助", "请律师", "公证"]
    for command in COMMANDS:
        assert command.label in phrases
    assert "幺" not in phrases
    assert {"零", "幺", "九", "叉"} <= set(screen_phrases(options, digits=True))


def test_a_missing_model_says_why_and_nothing_is_downloaded(tmp_path: Path) -> None:
    recognizer = Recognizer(tmp_path / "vosk-model-small-cn-0.22")
    seen: list[ModelStatus] = []
    recognizer.add_status_listener(seen.append)
    recognizer.start_loading()
    status = recognizer.wait_ready(5)
    assert status.state == "missing"
    assert "没有找到语音模型目录" in status.reason and "docs/voice.md" in status.reason
    assert seen == [status]
    assert not (tmp_path / "vosk-model-small-cn-0.22").exists()
    with pytest.raises(RuntimeError):
        recognizer.listen(["公证"], lambda t: None)


def test_a_big_server_model_without_grammar_support_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "vosk-model-cn-0.22"
    (model / "am").mkdir(parents=True)
    (model / "am" / "final.mdl").write_bytes(b"x")
    (model / "graph").mkdir()
    (model / "graph" / "HCLG.fst").write_bytes(b"x")
    status = Recognizer(model).load()
    assert status.state == "missing" and "HCLr.fst" in status.reason


def test_a_damaged_model_is_reported_not_raised(tmp_path: Path) -> None:
    model = tmp_path / "broken"
    for name in ("am/final.mdl", "graph/HCLr.fst", "graph/Gr.fst"):
        (model / name).parent.mkdir(parents=True, exist_ok=True)
        (model / name).write_bytes(b"not a model")
    status = Recognizer(model).load()
    assert status.state == "missing" and "无法加载" in status.reason


def test_the_model_loads_in_the_background_and_tells_listeners() -> None:
    model_dir = korean_model_dir()
    assert model_dir is not None
    recognizer = Recognizer(model_dir)
    seen: list[ModelStatus] = []
    recognizer.add_status_listener(seen.append)
    started = time.monotonic()
    recognizer.start_loading()
    assert time.monotonic() - started < 0.5  # start-up is not held up by the model
    assert recognizer.status.state in ("loading", "ready")
    status = recognizer.wait_ready(60)
    assert status.ready and status.load_seconds is not None
    assert seen == [status]


def test_the_microphone_without_a_device_fails_in_plain_words() -> None:
    try:
        devices = input_devices()
    except AudioError:
        devices = []
    if devices:
        pytest.skip(f"this machine has a capture device ({devices[0]}); the no-device path is moot")
    with pytest.raises(AudioError, match=r"麦克风|PortAudio"):
        MicrophoneSource().start()


def test_a_wav_that_is_not_16_bit_is_refused_with_the_fix(tmp_path: Path) -> None:
    import wave

    path = tmp_path / "8bit.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(b"\x80" * 800)
    with pytest.raises(AudioError, match="sox"):
        WavFileSource(path)
    with pytest.raises(AudioError, match="找不到"):
        WavFileSource(tmp_path / "none.wav")


def test_the_level_meter_is_zero_for_silence_and_high_for_loud_sound() -> None:
    import array
    import math

    silence = array.array("h", [0] * 1600).tobytes()
    loud = array.array("h", [int(20000 * math.sin(i / 5)) for i in range(1600)]).tobytes()
    quiet = array.array("h", [int(100 * math.sin(i / 5)) for i in range(1600)]).tobytes()
    assert level_of(silence) == 0.0
    assert level_of(loud) > 0.8
    assert 0.0 < level_of(quiet) < 0.4


def test_unknown_words_of_every_screen_are_found_while_the_model_loads() -> None:
    model_dir = korean_model_dir()
    assert model_dir is not None
    recognizer = Recognizer(model_dir)
    screens = {
        "home": ["공증 서비스", "아니요"],
        "notary": ["공증 서비스", "公证"],
    }
    heard: list[object] = []
    # The report exists by the time listeners hear "ready".
    recognizer.add_status_listener(lambda status: heard.append(recognizer.vocabulary))
    recognizer.start_loading(screens)
    assert recognizer.wait_ready(60).ready
    report = recognizer.vocabulary
    assert report is not None and heard == [report]
    assert report.unknown() == [("notary", "公证", ("公", "证"))]
    # The phrases given, as given: commands are added by screen_phrases(), not here.
    assert report.phrase_count == 4 and report.unknown_count == 1
    assert report.coverage == pytest.approx(0.75)


def test_a_content_pack_becomes_one_grammar_per_screen() -> None:
    from kiosk.content import load_pack
    from offline_cache import BUNDLED_PACK_DIR

    pack = load_pack(BUNDLED_PACK_DIR)
    screens = pack_screens(pack, digits_screens=["yes_no"])
    assert set(screens) == set(pack.screen_ids())
    home = screens["home"]
    assert pack.screen_options("home")[0].label in home
    assert "返回" in home and "幺" not in home
    assert "幺" in screens["yes_no"]


def test_a_stalled_microphone_ends_the_turn_instead_of_listening_forever(
    ko_recognizer: Recognizer,
) -> None:
    results: list[Transcript] = []
    session = ko_recognizer.listen(
        KOREAN_GRAMMAR, results.append, source=StalledMicrophone(), max_seconds=0.5
    )
    assert session.join(6)
    assert len(results) == 1 and results[0].rejected and results[0].empty
