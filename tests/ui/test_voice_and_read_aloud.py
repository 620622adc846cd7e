"""说话 and 朗读 with stand-ins for the microphone and the speaker (same interfaces as voice/)."""

from __future__ import annotations

import pytest

from kiosk import display_text, receipts
from offline_cache.outbox import Receipt
from tests.fakes import FakeRecognizer
from tests.ui.harness import Kiosk
from voice.protocols import ModelStatus

pytestmark = pytest.mark.ui


def test_the_speak_button_is_there_only_when_the_voice_model_is_ready(kiosk: Kiosk) -> None:
    assert "说话" not in kiosk.texts()  # the session kiosk has no voice model
    app = kiosk.app
    try:
        missing = FakeRecognizer(status=ModelStatus("missing", "没有语音模型"))
        app.use_voice(missing, None)
        kiosk.pump(2)
        assert "说话" not in kiosk.texts()
        loading = FakeRecognizer(status=ModelStatus("loading"))
        app.use_voice(loading, None)
        kiosk.pump(2)
        assert "说话" not in kiosk.texts()
        loading.finish_loading(ModelStatus("ready"))  # from the loader thread, in the kiosk
        kiosk.pump(2)
        assert "说话" in kiosk.texts()
    finally:
        app.use_voice(None, None)
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
    assert kiosk.screen.step_id == "exempt_assistance"
    kiosk.screen.show("name")
    kiosk.pump(2)
    recognizer.heard = ["张桂英"]
    kiosk.tap("说话")
    kiosk.pump(2)
    assert recognizer.grammars[-1] is None  # free dictation on a text page
    assert kiosk.screen.answer_box.value == "张桂英"  # whichever way of writing is open
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
        {"title": "示例", "receipt": Receipt(receipts.with_check("23456789234"), "example", 0.0)},
    )
    kiosk.pump(2)
    kiosk.tap("再读一遍")
    assert display_text.digits_spoken(receipts.with_check("23456789234")) in speaker.said[-1]


def test_an_unsure_match_is_asked_about_first_and_acted_on_only_after_yes(voiced) -> None:
    kiosk, recognizer, speaker = voiced
    recognizer.heard = ["查询进度"]
    kiosk.tap("说话")
    kiosk.pump(2)
    assert kiosk.screen.name == "home"  # not yet: the kiosk asks first
    assert "您是说“查询办理进度”吗？" in kiosk.texts()
    assert speaker.said[-1].startswith("您是说“查询办理进度”吗？")
    kiosk.tap("不是", exact=True)
    assert kiosk.screen.name == "home"
    recognizer.heard = ["查询进度"]
    kiosk.tap("说话")
    kiosk.pump(2)
    kiosk.tap("是", exact=True)
    kiosk.pump(2)
    assert kiosk.screen.name == "status"


def test_words_the_kiosk_does_not_understand_are_answered_in_plain_words(voiced) -> None:
    kiosk, recognizer, speaker = voiced
    recognizer.heard = ["今天天气很好啊"]
    kiosk.tap("说话")
    kiosk.pump(2)
    assert kiosk.screen.name == "home"
    assert speaker.said[-1] == "没有听懂，请再说一次，或者用手点一下。"


def test_a_wu_dialect_no_on_the_consent_page_never_gives_consent(voiced) -> None:
    kiosk, recognizer, speaker = voiced
    kiosk.tap("申请法律援助")
    kiosk.screen.show("consent")
    kiosk.pump(2)
    for said in ("伐同意", "同意不同意啊"):
        recognizer.heard = [said]
        kiosk.tap("说话")
        kiosk.pump(2)
        assert kiosk.screen.step_id == "consent", said  # still asking
        assert kiosk.screen.answer("consent") is not True, said
        assert "您是说“同意”吗？" not in kiosk.texts(), said
    assert speaker.said[-1] != "请说"  # the kiosk said why it asks again
    recognizer.heard = ["同意"]  # said plainly, it is taken
    kiosk.tap("说话")
    kiosk.pump(2)
    assert kiosk.screen.answer("consent") is True
    assert kiosk.screen.step_id != "consent"
