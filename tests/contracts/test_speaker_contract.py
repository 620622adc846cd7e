"""One contract for read-aloud, run on ``voice.tts.Speaker`` (real espeak-ng, utterances kept as
WAV files instead of played) and on ``tests.fakes.FakeSpeaker``: the fake can't drift."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes import FakeSpeaker
from voice.protocols import Speaker
from voice.tts import MAX_VOLUME, MIN_RATE, EspeakCliEngine, WavWriterOutput
from voice.tts import Speaker as RealSpeaker

SENTENCE = "您好，欢迎使用乡村法律服务终端。"


@dataclass
class Subject:
    speaker: Speaker
    utterances: Callable[[], int]  # how many utterances have been spoken so far
    settle: Callable[[], None]  # wait until nothing more is pending


@pytest.fixture(params=["real", "fake"])
def subject(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Subject]:
    if request.param == "real":
        output = WavWriterOutput(tmp_path / "spoken")
        real = RealSpeaker(output=output)
        yield Subject(real, lambda: len(output.files), lambda: _settled(real.wait_idle(30)))
        real.close()
    else:
        fake = FakeSpeaker()
        yield Subject(fake, lambda: len(fake.said), lambda: None)


def _settled(idle: bool) -> None:
    assert idle, "the speaker never became idle"


def test_say_returns_at_once_and_each_sentence_is_spoken_once(subject: Subject) -> None:
    started = time.monotonic()
    subject.speaker.say(SENTENCE)
    subject.speaker.say("第二句。")
    assert time.monotonic() - started < 0.1  # the Kivy thread never waits for speech
    subject.settle()
    assert subject.utterances() == 2


def test_blank_text_says_nothing(subject: Subject) -> None:
    subject.speaker.say("")
    subject.speaker.say("   ")
    subject.settle()
    assert subject.utterances() == 0


def test_stop_forgets_what_was_queued_and_speaking_works_again_after(subject: Subject) -> None:
    for i in range(4):
        subject.speaker.say(f"第{i + 1}句。{SENTENCE}")
    spoken_before_stop = subject.utterances()
    subject.speaker.stop()
    subject.settle()
    # At most the sentence already being played when stop() came; the queued ones are dropped.
    assert subject.utterances() - spoken_before_stop <= 1
    after_stop = subject.utterances()
    subject.speaker.say("新的一页")
    subject.settle()
    assert subject.utterances() == after_stop + 1


def test_stop_when_silent_is_harmless(subject: Subject) -> None:
    subject.speaker.stop()
    subject.speaker.stop()
    subject.speaker.say(SENTENCE)
    subject.settle()
    assert subject.utterances() == 1


def test_louder_and_slower_apply_within_limits_and_reset_to_the_configured_voice(
    subject: Subject,
) -> None:
    speaker = subject.speaker
    configured = (speaker.rate, speaker.volume)
    speaker.set_volume(speaker.volume + 40)
    speaker.set_rate(speaker.rate - 20)
    assert (speaker.rate, speaker.volume) == (configured[0] - 20, configured[1] + 40)
    speaker.say(SENTENCE)  # still speaks at the new settings
    subject.settle()
    assert subject.utterances() == 1
    speaker.set_volume(10_000)
    speaker.set_rate(1)
    assert speaker.volume == MAX_VOLUME and speaker.rate == MIN_RATE  # never silly
    speaker.reset_voice()
    assert (speaker.rate, speaker.volume) == configured


def test_a_louder_voice_is_louder_on_the_wire(tmp_path: Path) -> None:
    """The real engine honours the volume: the loud WAV's samples are larger."""
    import array
    import wave

    def peak(volume: int) -> int:
        path = tmp_path / f"{volume}.wav"
        EspeakCliEngine().synthesize(SENTENCE, 130, path, volume=volume)
        with wave.open(str(path)) as w:
            samples = array.array("h", w.readframes(w.getnframes()))
        return max(abs(s) for s in samples)

    assert peak(180) > peak(60) * 1.5
