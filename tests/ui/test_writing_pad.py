"""The ways to write on text pages: the pad (手写) with its candidates, 重写 / 删一个字; 拼音; 说出来
(dictation while the voice model is ready); the way last used kept for the session only."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from kiosk.devices.handwriting import Candidate
from kiosk.devices.stand_ins import FixedRecognizer, UnavailableRecognizer
from kiosk.session import WriteWay
from screens.writing_pad import SPEAK_TILE
from tests.fakes import FakeRecognizer, FakeSpeaker
from tests.ui.harness import Kiosk
from tests.ui.test_id_card import _start_migrant_application
from tests.ui.test_idle_and_privacy import every_widget

pytestmark = pytest.mark.ui


@pytest.fixture
def with_pad(kiosk: Kiosk) -> Iterator[Kiosk]:
    kiosk.app.use_handwriting(FixedRecognizer([Candidate("王", 0.9), Candidate("玉", 0.4)]))
    yield kiosk
    kiosk.app.use_handwriting(None)


def _write_a_stroke(kiosk: Kiosk) -> None:
    """A finger drawn across the pad, then the recognition's answer back on the Kivy thread."""
    from kivy.tests.common import UnitTestTouch

    pad = kiosk.screen.writing_pad.pad
    x, y = pad.to_window(pad.x + pad.width * 0.3, pad.center_y)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    for step in range(1, 6):  # down and to the right: a page that scrolled would take it
        touch.touch_move(x + step * 30, y - step * 30)
    touch.touch_up()
    kiosk.pump(3, seconds=0.3)


def test_a_name_written_by_hand_is_picked_from_big_candidates(with_pad: Kiosk) -> None:
    kiosk = with_pad
    _start_migrant_application(kiosk)
    assert kiosk.screen.writing_pad is not None and kiosk.screen.keyboard is None
    _write_a_stroke(kiosk)
    assert len(kiosk.screen.writing_pad.pad.strokes[0]) == 6, "the whole stroke is on the pad"
    kiosk.tap("王", exact=True)
    assert kiosk.screen.answer_box.value == "王"
    assert kiosk.screen.writing_pad.pad.strokes == []  # ready for the next character
    _write_a_stroke(kiosk)
    kiosk.tap("玉", exact=True)
    kiosk.tap("删一个字")
    assert kiosk.screen.answer_box.value == "王"
    _write_a_stroke(kiosk)
    kiosk.tap("重写")
    assert kiosk.screen.writing_pad.pad.strokes == []
    assert not any(t == "玉" for t in kiosk.texts())  # the old candidates went with the strokes
    _write_a_stroke(kiosk)
    kiosk.tap("王", exact=True)
    kiosk.tap("下一步")
    assert kiosk.screen.answer("name") == "王王"


def test_the_way_of_writing_last_used_is_kept_for_the_session_only(with_pad: Kiosk) -> None:
    kiosk = with_pad
    _start_migrant_application(kiosk)
    # 手写 first: many elderly residents can't spell pinyin.
    assert kiosk.screen.writing_pad is not None and kiosk.screen.keyboard is None
    kiosk.tap("拼音", exact=True)
    assert kiosk.screen.keyboard is not None and kiosk.screen.writing_pad is None
    assert kiosk.app.session.write_way is WriteWay.PINYIN
    kiosk.screen.show("facts")  # another text page later on
    kiosk.pump(2)
    assert kiosk.screen.keyboard is not None
    _visit_text_page(kiosk)  # another service, same resident: still the keyboard
    assert kiosk.screen.keyboard is not None and kiosk.screen.writing_pad is None
    kiosk.tap("手写", exact=True)
    assert kiosk.screen.writing_pad is not None
    kiosk.app.end_session()
    kiosk.pump(3)
    assert kiosk.app.session.write_way is None
    _start_migrant_application(kiosk)
    assert kiosk.screen.writing_pad is not None  # the next resident starts on the pad again


def _visit_text_page(kiosk: Kiosk) -> None:
    """Home, then the visit booking's first text page (the visited person's name)."""
    kiosk.app.flow.show("home")
    kiosk.pump(2)
    kiosk.tap("预约上门服务")
    kiosk.tap("80岁以上老人")
    kiosk.tap("法律咨询")
    kiosk.tap(next(w for w in kiosk.walk() if getattr(w, "option_id", "").count("-") == 2))
    kiosk.tap("上午")
    kiosk.type_digits("320483194403150026")
    kiosk.tap("下一步")
    assert kiosk.screen.step_id == "name"


def test_said_is_the_third_way_to_write_while_the_voice_model_is_ready(
    with_pad: Kiosk, voiced: tuple[Kiosk, FakeRecognizer, FakeSpeaker]
) -> None:
    kiosk, recognizer, _speaker = voiced
    _start_migrant_application(kiosk)
    assert "说出来" in kiosk.texts()
    kiosk.tap("说出来", exact=True)
    assert kiosk.app.session.write_way is WriteWay.VOICE
    assert kiosk.screen.writing_pad is None and kiosk.screen.keyboard is None
    assert {"手写", "拼音"} <= set(kiosk.texts())  # the other two, one tap each
    recognizer.heard = ["王建国"]
    kiosk.tap(SPEAK_TILE, exact=True)
    kiosk.pump(2)
    assert recognizer.grammars[-1] is None  # free dictation, not a choice
    assert kiosk.screen.answer_box.value == "王建国"
    kiosk.tap("删一个字")
    assert kiosk.screen.answer_box.value == "王建"
    kiosk.tap("下一步")
    assert kiosk.screen.answer("name") == "王建"
    kiosk.screen.show("facts")
    kiosk.pump(2)
    assert SPEAK_TILE in kiosk.texts()  # remembered on the next text page
    # The voice model goes away: 说出来 with it, and the page offers the pad again.
    kiosk.app.use_voice(None, None)
    kiosk.pump(3)
    assert "说出来" not in kiosk.texts() and SPEAK_TILE not in kiosk.texts()
    assert kiosk.screen.writing_pad is not None


def test_no_said_way_without_a_ready_voice_model(with_pad: Kiosk) -> None:
    kiosk = with_pad
    _start_migrant_application(kiosk)
    assert "说出来" not in kiosk.texts() and "拼音" in kiosk.texts()


def test_said_text_and_the_way_of_writing_go_with_the_idle_wipe(
    with_pad: Kiosk,
    voiced: tuple[Kiosk, FakeRecognizer, FakeSpeaker],
    caplog: pytest.LogCaptureFixture,
) -> None:
    kiosk, recognizer, _speaker = voiced
    caplog.set_level(logging.DEBUG)
    secret = "张桂英被邻居占了宅基地"
    _start_migrant_application(kiosk)
    kiosk.tap("说出来", exact=True)
    kiosk.screen.show("facts")
    kiosk.pump(2)
    recognizer.heard = [secret]
    kiosk.tap(SPEAK_TILE, exact=True)
    kiosk.pump(2)
    assert kiosk.screen.answer_box.value == secret, "test set-up: the said text is on screen"
    kiosk.idle_for(60)  # the warning
    kiosk.idle_for(30)  # and the wipe
    assert kiosk.screen.name == "home"
    assert kiosk.app.session.write_way is None
    held = [
        f"{type(w).__name__}.{attr}"
        for w in every_widget(kiosk)
        for attr in ("text", "value")
        if secret[:3] in str(getattr(w, attr, "") or "")
    ]
    assert held == []
    stored = b"".join(p.read_bytes() for p in kiosk.data_dir.rglob("*.db*") if p.is_file())
    assert secret[:3].encode() not in stored
    assert not any(secret[:3] in r.getMessage() for r in caplog.records)


def test_no_pad_is_offered_when_the_recogniser_is_missing(kiosk: Kiosk) -> None:
    kiosk.app.use_handwriting(UnavailableRecognizer("找不到手写识别模型。"))
    try:
        _start_migrant_application(kiosk)
        assert "手写" not in kiosk.texts()
        assert kiosk.app.admin_info().handwriting == "手写输入不能用：找不到手写识别模型。"
    finally:
        kiosk.app.use_handwriting(None)
