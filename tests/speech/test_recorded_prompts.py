"""Recorded prompts: a person's voice for the pack's fixed sentences, spliced with synthesis
for what changes (a receipt code), never played once the sentence has been edited."""

from __future__ import annotations

import json
import shutil
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.admin.cli import main
from kiosk.content import PackError, load_pack
from offline_cache import BUNDLED_PACK_DIR
from voice.prompts import RecordedPrompts, Segment
from voice.tts import SAMPLE_RATE, Speaker, WavWriterOutput

CODE_INTRO = "您的回执号是："
CODE_OUTRO = "。请收好回执，以后凭它查询进度。"
RECORDED_LEVEL = 1000  # a recording's samples, told apart from the synthesized voice's
SYNTH_LEVEL = 7


def write_wav(path: Path, level: int, seconds: float, *, rate: int = SAMPLE_RATE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(level.to_bytes(2, "little", signed=True) * int(rate * seconds))


class ConstantEngine:
    """A speech engine whose every utterance is 0.1 s of one sample value, keeping the texts."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def synthesize(self, text: str, rate: int, path: Path, volume: int = 100) -> None:
        self.texts.append(text)
        write_wav(path, SYNTH_LEVEL, 0.1)


def samples(path: Path) -> list[int]:
    with wave.open(str(path), "rb") as w:
        raw = w.readframes(w.getnframes())
    return [int.from_bytes(raw[i : i + 2], "little", signed=True) for i in range(0, len(raw), 2)]


def runs(values: list[int]) -> list[int]:
    """The sample values in the order they are heard, each run once: [1000, 7, 1000]."""
    out: list[int] = []
    for v in values:
        if not out or out[-1] != v:
            out.append(v)
    return out


@pytest.fixture
def recorded_pack(tmp_path: Path) -> Path:
    """The bundled pack with the fixed parts of the receipt sentence recorded."""
    pack = tmp_path / "pack"
    shutil.copytree(BUNDLED_PACK_DIR, pack)
    write_wav(pack / "assets/prompts/receipt.code.1.wav", RECORDED_LEVEL, 0.2, rate=16000)
    write_wav(pack / "assets/prompts/receipt.code.2.wav", RECORDED_LEVEL, 0.3)
    screens = json.loads((pack / "data/screens.json").read_text(encoding="utf-8"))
    screens["recorded"] = {
        "receipt.code": [
            {"text": CODE_INTRO, "file": "prompts/receipt.code.1.wav"},
            {"text": CODE_OUTRO, "file": "prompts/receipt.code.2.wav"},
        ]
    }
    write_json(pack / "data/screens.json", screens)
    return pack


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.fixture
def speaker_with(recorded_pack: Path, tmp_path: Path) -> Iterator[tuple[Speaker, ConstantEngine]]:
    engine = ConstantEngine()
    output = WavWriterOutput(tmp_path / "heard")
    speaker = Speaker(
        engine=engine, output=output, prompts=load_pack(recorded_pack).recorded_prompts()
    )
    speaker.output = output  # type: ignore[attr-defined]  # the test reads what was played
    yield speaker, engine
    speaker.close()


def test_a_sentence_splits_into_its_recorded_pieces_and_the_gaps_between_in_order() -> None:
    prompts = RecordedPrompts({"您的回执号是：": Path("a.wav"), "您的回执": Path("short.wav")})
    assert prompts.split("您的回执号是：2345 6789。") == [
        Segment("您的回执号是：", Path("a.wav")),  # the longest recording wins
        Segment("2345 6789。", None),
    ]
    assert prompts.split("没有录音的话") == [Segment("没有录音的话", None)]


def test_a_receipt_sentence_plays_the_recordings_with_the_code_synthesized_between(
    speaker_with: tuple[Speaker, ConstantEngine], recorded_pack: Path
) -> None:
    speaker, engine = speaker_with
    sentence = load_pack(recorded_pack).spoken("receipt.code", digits="2345 6789 2345")
    speaker.say(sentence)
    assert speaker.wait_idle(10)
    (played,) = speaker.output.files  # type: ignore[attr-defined]
    heard = samples(played)
    # One WAV: the recorded intro, the code in the synthetic voice, the recorded outro.
    assert runs(heard) == [RECORDED_LEVEL, SYNTH_LEVEL, RECORDED_LEVEL]
    assert engine.texts and "回执" not in "".join(engine.texts)  # only the code was synthesized
    # The 16 kHz recording was brought to the speaker's rate: 0.2 s + 0.1 s + 0.3 s.
    assert abs(len(heard) - 0.6 * SAMPLE_RATE) < 0.01 * SAMPLE_RATE


def test_louder_makes_the_recordings_louder_too(
    speaker_with: tuple[Speaker, ConstantEngine], recorded_pack: Path
) -> None:
    speaker, _ = speaker_with
    speaker.set_volume(150)
    speaker.say(load_pack(recorded_pack).spoken("receipt.code", digits="2345"))
    assert speaker.wait_idle(10)
    (played,) = speaker.output.files  # type: ignore[attr-defined]
    assert runs(samples(played))[0] == RECORDED_LEVEL * 3 // 2


def test_a_sentence_edited_after_its_recording_is_a_pack_error_and_never_played(
    recorded_pack: Path, tmp_path: Path
) -> None:
    screens_file = recorded_pack / "data/screens.json"
    screens = json.loads(screens_file.read_text(encoding="utf-8"))
    screens["spoken"]["receipt.code"] = "回执号码是：{digits}。请收好回执，以后凭它查询进度。"
    write_json(screens_file, screens)
    with pytest.raises(PackError) as refused:
        load_pack(recorded_pack)
    assert any("/recorded/receipt.code/0" in p and "重新录音" in p for p in refused.value.problems)
    # Even past the check, the stale piece is left out; the still-true outro is kept.
    from voice.prompts import load_recorded_prompts

    prompts = load_recorded_prompts(
        recorded_pack / "assets", screens["spoken"], screens["recorded"]
    )
    pieces = prompts.split("回执号码是：2345。请收好回执，以后凭它查询进度。")
    assert [s.text for s in pieces if s.recording] == [CODE_OUTRO]


def test_a_recording_that_is_not_mono_16_bit_wav_is_a_pack_error(recorded_pack: Path) -> None:
    (recorded_pack / "assets/prompts/receipt.code.1.wav").write_bytes(b"ID3 not a wav at all")
    with pytest.raises(PackError) as refused:
        load_pack(recorded_pack)
    assert any("receipt.code.1.wav" in p and "WAV" in p for p in refused.value.problems)


def test_voice_prompts_lists_what_is_recorded_and_what_is_missing(
    capsys: pytest.CaptureFixture[str], recorded_pack: Path, tmp_path: Path
) -> None:
    argv = ["--data-dir", str(tmp_path / "data"), "voice", "prompts", "--pack", str(recorded_pack)]
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_key = {p["key"]: p for p in data["prompts"]}
    assert by_key["receipt.code"]["status"] == "recorded"
    assert by_key["receipt.title"]["status"] == "missing"
    assert data["counts"]["recorded"] == 1
    assert main([*argv, "--missing"]) == 0
    out = capsys.readouterr().out
    assert "receipt.title：没有录音" in out and "receipt.code：" not in out


def test_voice_prompts_exits_2_on_a_stale_recording(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The bundled pack has no recordings: every sentence is listed as missing, and that is fine.
    assert main(["--data-dir", str(tmp_path / "data"), "voice", "prompts", "--missing"]) == 0
    assert "没有录音" in capsys.readouterr().out
