"""说话 and 朗读 with stand-ins for the microphone and the speaker (same interfaces as voice/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from kiosk import receipts
from tests.ui.harness import Kiosk

pytestmark = pytest.mark.ui


@dataclass
class Status:
    state: str
    reason: str = ""


@dataclass
class FakeRecognizer:
    """Answers each listen() with the next queued transcript (as voice.asr.Recognizer would)."""

    status: Status = field(default_factory=lambda: Status("ready"))
    heard: list[str] = field(default_factory=list)
    grammars: list[Any] = field(default_factory=list)

    def listen(self, grammar_phrases: Any, on_result: Any, **_: Any) -> None:
        self.grammars.append(grammar_phrases)
        on_result(self.heard.pop(0))


@dataclass
class FakeSpeaker:
    said: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.said.append(text)

    def stop(self) -> None:
        pass


@pytest.fixture
def voiced(kiosk: Kiosk) -> Iterator[tuple[Kiosk, FakeRecognizer, FakeSpeaker]]:
    app = kiosk.app
    recognizer, speaker = FakeRecognizer(), FakeSpeaker()
    app.recognizer, app.speaker = recognizer, speaker
    app._watch_voice()
    kiosk.pump(2)
    yield kiosk, recognizer, speaker
    app.recognizer, app.speaker = None, None
    app._watch_voice()
    kiosk.pump(2)


def test_the_speak_button_is_there_only_when_the_voice_model_is_ready(kiosk: Kiosk) -> None:
    assert "说话" not in kiosk.texts()  # the session kiosk has no voice model
    app = kiosk.app
    app.recognizer = FakeRecognizer(status=Status("missing", "没有语音模型"))
    app._watch_voice()
    kiosk.pump(2)
    assert "说话" not in kiosk.texts()
    app.recognizer.status = Status("ready")
    app._watch_voice()
    kiosk.pump(2)
    assert "说话" in kiosk.texts()
    app.recognizer = None
    app._watch_voice()
    kiosk.pump(2)


def test_saying_a_service_opens_it_and_a_spoken_answer_fills_a_text_page(voiced) -> None:
    kiosk, recognizer, speaker = voiced
    recognizer.heard = ["我要请律师"]  # a synonym of 申请法律援助 in the pack
    kiosk.tap("说话")
    kiosk.pump(2)
    assert kiosk.screen.name == "legal_aid"
    assert "申请法律援助" in recognizer.grammars[-1]  # grammar mode on a choice screen
    recognizer.heard = ["给自己"]
    kiosk.tap("说话")
    kiosk.pump(2)
    assert kiosk.screen.step_id == "exemption"
    kiosk.screen.show("name")
    kiosk.pump(2)
    recognizer.heard = ["张桂英"]
    kiosk.tap("说话")
    kiosk.pump(2)
    assert recognizer.grammars[-1] is None  # free dictation on a text page
    assert kiosk.screen.keyboard.value == "张桂英"
    assert any("张桂英" in s for s in speaker.said)


def test_read_aloud_reads_the_page_and_a_receipt_code_digit_by_digit(voiced) -> None:
    kiosk, _recognizer, speaker = voiced
    kiosk.tap("朗读")
    assert "申请法律援助" in speaker.said[-1]
    kiosk.tap("申请法律援助")
    kiosk.tap("朗读")
    assert speaker.said[-1].startswith("第1步，共")
    kiosk.app.flow.show(
        "receipt",
        {"title": "示例", "receipt": type("R", (), {"code": receipts.code_for_counter(7)})()},
    )
    kiosk.pump(2)
    kiosk.tap("再读一遍")
    assert receipts.spoken(receipts.code_for_counter(7)) in speaker.said[-1]
