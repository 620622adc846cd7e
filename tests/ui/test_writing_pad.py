"""The ways to write on text pages: the pad (手写) with its candidates, 重写 / 删一个字; 拼音; 说出来
(dictation while the voice model is ready); the way last used kept for the session only."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from kiosk.devices.handwriting import Candidate
from kiosk.devices.stand_ins import FixedRecognizer, UnavailableRecognizer
from kiosk.session import WriteWay
from screens.displays import display_for
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
    # The recognizer works on its own thread; a busy machine may take longer than a frame or
    # two to answer, so wait for its candidates (bounded: a lost answer fails the caller).
    deadline = time.monotonic() + 5.0
    kiosk.pump(3)
    while not kiosk.screen.writing_pad.candidate_grid.children and time.monotonic() < deadline:
        kiosk.pump(1, seconds=0.05)
    kiosk.pump(2)


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


NINE = [Candidate(c, 0.9 - i * 0.05) for i, c in enumerate("王玉主丰三干工土士")]


@contextmanager
def _shown_at(kiosk: Kiosk, size: tuple[int, int], scale: str) -> Iterator[None]:
    from kivy.core.window import Window

    Window.size = size
    kiosk.app.style.apply("high_contrast", scale)
    kiosk.pump(3)
    try:
        yield
    finally:
        Window.size = (1920, 1080)
        kiosk.app.style.apply("default", "standard")
        kiosk.pump(3)


def _whole_in_view(kiosk: Kiosk, widget: object) -> bool:
    """Drawn, and wholly inside the page's visible part (no page turn, no edge cutting it)."""
    w: Any = widget
    while w is not None and w is not w.parent:
        if w.opacity <= 0:
            return False
        w = w.parent
    scroll = kiosk.screen.page.scroll
    left, bottom = scroll.to_window(scroll.x, scroll.y)
    x, y = widget.to_window(widget.x, widget.y)  # type: ignore[attr-defined]
    width, height = widget.width, widget.height  # type: ignore[attr-defined]
    return bool(
        x >= left - 1
        and y >= bottom - 1
        and x + width <= left + scroll.width + 1
        and y + height <= bottom + scroll.height + 1
    )


def _pad_whole(kiosk: Kiosk) -> list[str]:
    """What of the text page a resident writing by hand needs but can't see right now."""
    pad = kiosk.screen.writing_pad
    wanted = {
        "the writing area": pad.pad,
        "重写": pad.rewrite_button,
        "删一个字": pad.delete_button,
        "the answer": kiosk.screen.answer_box.parent,  # the box's view on a long answer
    }
    wanted.update({f"candidate {b.text}": b for b in pad.candidate_grid.children})
    return [name for name, w in wanted.items() if not _whole_in_view(kiosk, w)]


@pytest.mark.parametrize("size", [(800, 1280), (1080, 1920)])
def test_the_whole_pad_is_on_a_portrait_screen_at_特大_without_a_page_turn(
    kiosk: Kiosk, size: tuple[int, int]
) -> None:
    kiosk.app.use_handwriting(FixedRecognizer(NINE))
    try:
        with _shown_at(kiosk, size, "xlarge"):
            _start_migrant_application(kiosk)
            _write_a_stroke(kiosk)
            pad = kiosk.screen.writing_pad
            assert pad.candidate_grid.children, "test set-up: candidates came back"
            assert len(pad.candidate_grid.children) >= 6  # 2 columns × 3 rows at least
            assert _pad_whole(kiosk) == []
            assert not kiosk.screen.page.overflows  # no 往上翻 / 往下翻
            assert pad.pad.width >= 2 * 124 and pad.pad.height >= 2 * 124, "room to write"
            assert any("姓名" in t for t in kiosk.texts())  # the question, above it all
            # The error, when there is one, doesn't push the pad away.
            pad.rewrite()
            kiosk.tap("下一步")
            assert kiosk.screen.step_id == "name"
            error = next(w for w in kiosk.walk() if type(w).__name__ == "NoteLabel" and w.text)
            assert _whole_in_view(kiosk, error)
            _write_a_stroke(kiosk)
            assert _pad_whole(kiosk) == []
            # The longest question, with a long answer: its end shows, the pad stays whole.
            kiosk.screen.show("facts")
            kiosk.pump(3)
            pad = kiosk.screen.writing_pad
            story = "去年在常州的工地上干了八个月的活，" * 4 + "老板一直不给工钱。"
            pad.value = story
            kiosk.pump(4)
            _write_a_stroke(kiosk)
            assert _pad_whole(kiosk) == []
            assert not kiosk.screen.page.overflows
            assert any("发生了什么" in t for t in kiosk.texts())
            assert kiosk.screen.answer_box.text.endswith("老板一直不给工钱。")
            pad.value = ""
    finally:
        kiosk.app.use_handwriting(None)


@pytest.mark.parametrize("size", [(1024, 768), (800, 1280)])
def test_the_speak_tile_is_on_screen_with_the_question_at_特大(
    voiced: tuple[Kiosk, FakeRecognizer, FakeSpeaker], size: tuple[int, int]
) -> None:
    kiosk, _recognizer, _speaker = voiced
    with _shown_at(kiosk, size, "xlarge"):
        _start_migrant_application(kiosk)
        kiosk.tap("说出来", exact=True)
        tile = kiosk.find(SPEAK_TILE, exact=True)
        assert _whole_in_view(kiosk, tile) and not kiosk.screen.page.overflows
        least = display_for(*size).target_min  # 96 px on 1024×768
        assert tile.height >= least and tile.texture_size[1] <= tile.height
        assert _whole_in_view(kiosk, kiosk.screen.answer_box)
        assert any("姓名" in t for t in kiosk.texts())
        kiosk.tap("下一步")  # nothing said yet: the error, and the tile still there
        assert kiosk.screen.step_id == "name"
        assert _whole_in_view(kiosk, kiosk.find(SPEAK_TILE, exact=True))
