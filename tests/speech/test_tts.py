"""Read-aloud speaks Mandarin, never blocks the screen, stops on touch, and survives no sound card."""

from __future__ import annotations

import time
import wave
from pathlib import Path

import pytest

from tests.fakes import SlowEngine
from voice.tts import (
    DEFAULT_RATE,
    MAX_RATE,
    MIN_RATE,
    AplayOutput,
    EspeakCliEngine,
    Pyttsx3Engine,
    Speaker,
    WavWriterOutput,
    speakable,
)

SENTENCE = "您好，欢迎使用乡村法律服务终端。"


def _duration(path: Path) -> tuple[int, float]:
    with wave.open(str(path), "rb") as wav:
        return wav.getframerate(), wav.getnframes() / wav.getframerate()


def test_pyttsx3_writes_mandarin_speech_to_a_wav_with_save_to_file(tmp_path: Path) -> None:
    engine = Pyttsx3Engine.shared()
    out = tmp_path / "hello.wav"
    engine.synthesize(SENTENCE, DEFAULT_RATE, out)
    rate, seconds = _duration(out)
    assert out.stat().st_size > 10_000
    assert rate == 22_050
    # 15 syllables at a slow pace: a few seconds, not a blip and not a minute.
    assert 2.0 < seconds < 15.0


def test_changing_the_rate_changes_how_fast_the_kiosk_speaks(tmp_path: Path) -> None:
    output = WavWriterOutput(tmp_path / "spoken")
    speaker = Speaker(output=output, rate=100)
    try:
        speaker.say(SENTENCE)
        assert speaker.wait_idle(30)
        speaker.set_rate(220)
        speaker.say(SENTENCE)
        assert speaker.wait_idle(30)
        speaker.set_rate(100)
        speaker.say(SENTENCE)
        assert speaker.wait_idle(30)
    finally:
        speaker.close()
    slow, fast, slow_again = (_duration(f)[1] for f in output.files)
    assert slow > 1.5 * fast
    assert slow_again == pytest.approx(slow, rel=0.05)


def test_numbers_are_read_digit_by_digit_and_amounts_as_numbers() -> None:
    assert speakable("电话13800138000") == "电话 一 三 八 零 零 一 三 八 零 零 零"
    assert speakable("身份证尾号123X") == "身份证尾号 一 二 三 叉"
    assert speakable("回执号 23456789") == "回执号  二 三 四 五 六 七 八 九"
    assert speakable("月收入2590元") == "月收入二千五百九十元"
    assert speakable("区号0519") == "区号 零 五 一 九"
    assert speakable("2024年") == "二 零 二 四 年"


def test_say_returns_at_once_and_the_speech_is_written_by_the_stand_in(tmp_path: Path) -> None:
    output = WavWriterOutput(tmp_path / "spoken")
    speaker = Speaker(output=output)
    try:
        started = time.monotonic()
        speaker.say(SENTENCE)
        assert time.monotonic() - started < 0.05  # the Kivy thread never waits for speech
        assert speaker.wait_idle(30)
        assert len(output.files) == 1
        rate, seconds = _duration(output.files[0])
        assert rate == 22_050 and seconds > 2.0
    finally:
        speaker.close()


def test_touching_the_screen_stops_speech_and_drops_what_was_queued(tmp_path: Path) -> None:
    output = WavWriterOutput(tmp_path / "spoken")
    engine = SlowEngine(EspeakCliEngine())
    speaker = Speaker(engine=engine, output=output)
    try:
        for i in range(4):
            speaker.say(f"第{i + 1}句。{SENTENCE}")
        assert engine.started.wait(30)
        speaker.stop()
        assert speaker.wait_idle(30)
        assert output.files == []  # nothing after the touch was played
        assert output.stopped == 1
        speaker.say("新的一页")
        assert speaker.wait_idle(30)
        assert len(output.files) == 1  # speaking works again after a stop
    finally:
        speaker.close()


def test_say_now_replaces_what_is_being_said(tmp_path: Path) -> None:
    output = WavWriterOutput(tmp_path / "spoken")
    engine = SlowEngine(EspeakCliEngine())
    speaker = Speaker(engine=engine, output=output)
    try:
        speaker.say("旧的一页")
        speaker.say("旧的一页第二句")
        assert engine.started.wait(30)
        speaker.say_now("新的一页")
        assert speaker.wait_idle(30)
        assert len(output.files) == 1
    finally:
        speaker.close()


def test_no_sound_card_no_block_no_crash() -> None:
    """This machine has no sound card: aplay fails, and the kiosk must not notice."""
    speaker = Speaker(output=AplayOutput())
    try:
        started = time.monotonic()
        speaker.say("一二三")
        speaker.say("四五六")
        assert time.monotonic() - started < 0.05
        assert speaker.wait_idle(30)
        assert not speaker.speaking
    finally:
        speaker.close()


def test_a_broken_speech_engine_is_survived(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def synthesize(self, text: str, rate: int, path: Path, volume: int = 100) -> None:
            raise OSError("libespeak-ng.so.1: cannot open shared object file")

    speaker = Speaker(engine=Broken(), output=AplayOutput())
    try:
        speaker.say("您的身份证号码是 32040219500101123X")
        speaker.say("再说一句")
        assert speaker.wait_idle(5)
    finally:
        speaker.close()
    # Logged once, and never with what was being said (it may be personal data).
    assert "32040219500101123X" not in caplog.text
    assert caplog.text.count("read-aloud unavailable") == 1


def test_no_engine_at_all_means_silence_not_errors() -> None:
    speaker = Speaker(engine_factory=lambda: None, output=AplayOutput())
    try:
        speaker.say("你好")
        assert speaker.wait_idle(5)
    finally:
        speaker.close()


def test_the_rate_is_adjustable_within_safe_limits() -> None:
    speaker = Speaker(engine_factory=lambda: None)
    assert speaker.rate == DEFAULT_RATE < 175  # slower than espeak's default
    speaker.set_rate(10)
    assert speaker.rate == MIN_RATE
    speaker.set_rate(1000)
    assert speaker.rate == MAX_RATE
    speaker.set_rate(150)
    assert speaker.rate == 150
    speaker.close()


def test_a_touch_right_after_synthesis_still_silences_that_sentence(tmp_path: Path) -> None:
    output = WavWriterOutput(tmp_path / "spoken")

    class TouchedRightAfter:
        def __init__(self) -> None:
            self.inner = EspeakCliEngine()
            self.speaker: Speaker | None = None

        def synthesize(self, text: str, rate: int, path: Path, volume: int = 100) -> None:
            self.inner.synthesize(text, rate, path, volume)
            assert self.speaker is not None
            self.speaker.stop()  # the resident touches the screen at this very moment

    engine = TouchedRightAfter()
    speaker = Speaker(engine=engine, output=output)
    engine.speaker = speaker
    try:
        speaker.say(SENTENCE)
        assert speaker.wait_idle(30)
        assert output.files == []
    finally:
        speaker.close()
