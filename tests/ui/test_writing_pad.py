"""手写 on the text pages: the pad, its candidates, 重写 / 删一个字, and 手写 ⇄ 拼音."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.devices.handwriting import Candidate
from kiosk.devices.stand_ins import FixedRecognizer, UnavailableRecognizer
from tests.ui.harness import Kiosk
from tests.ui.test_id_card import _start_migrant_application

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
    kiosk.tap("手写", exact=True)
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
    kiosk.tap("手写", exact=True)
    kiosk.screen.show("facts")  # another text page later on
    kiosk.pump(2)
    assert kiosk.screen.writing_pad is not None
    kiosk.tap("拼音", exact=True)
    assert kiosk.screen.keyboard is not None and kiosk.screen.writing_pad is None
    kiosk.tap("手写", exact=True)
    kiosk.app.end_session()
    kiosk.pump(3)
    _start_migrant_application(kiosk)
    assert kiosk.screen.keyboard is not None  # the next resident starts on the keyboard


def test_no_pad_is_offered_when_the_recogniser_is_missing(kiosk: Kiosk) -> None:
    kiosk.app.use_handwriting(UnavailableRecognizer("找不到手写识别模型。"))
    try:
        _start_migrant_application(kiosk)
        assert "手写" not in kiosk.texts()
        assert kiosk.app.admin_info().handwriting == "手写输入不能用：找不到手写识别模型。"
    finally:
        kiosk.app.use_handwriting(None)
