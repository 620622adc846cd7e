"""A page longer than the screen has big 往上翻 / 往下翻 buttons: no swiping needed."""

from __future__ import annotations

from typing import Any

from tests.fakes import FakeSpeaker
from tests.ui.harness import Kiosk


def _in_view(scroll: Any, widget: Any) -> bool:
    """Is the whole widget inside the scrolling area's window?"""
    _x0, y0 = scroll.to_window(scroll.x, scroll.y)
    _x1, y1 = widget.to_window(widget.x, widget.y)
    return bool(y0 - 1 <= y1 and y1 + widget.height <= y0 + scroll.height + 1)


def _shown(kiosk: Kiosk, text: str) -> bool:
    try:
        kiosk.find(text, exact=True)
    except LookupError:
        return False
    return True


def test_a_long_checklist_is_read_to_the_end_with_the_page_buttons(kiosk: Kiosk) -> None:
    kiosk.tap("公证材料清单")
    kiosk.tap("继承")
    while kiosk.screen.question is not None:
        kiosk.tap("不是", exact=True)
    kiosk.pump(3)
    page = kiosk.screen.page
    last = kiosk.screen.result.documents[-1]
    last_button = kiosk.beside(last.label, "✓ 还缺")
    assert not _in_view(page.scroll, last_button), "test set-up: the list should be long"
    # At the top: only 往下翻 (a button that can't do anything isn't shown).
    assert _shown(kiosk, "往下翻") and not _shown(kiosk, "往上翻")
    turns = 0
    while _shown(kiosk, "往下翻"):
        kiosk.tap("往下翻", exact=True)
        kiosk.pump(2)
        turns += 1
        assert turns < 20, "往下翻 never reaches the end"
    assert _in_view(page.scroll, last_button) and _shown(kiosk, "往上翻")
    # The buttons on the last rows work where they now are.
    kiosk.tap(kiosk.beside(last.label, "我已有"))
    assert last.id in kiosk.screen._have()
    while _shown(kiosk, "往上翻"):
        kiosk.tap("往上翻", exact=True)
        kiosk.pump(2)
    assert page.scroll.scroll_y == 1.0 and _shown(kiosk, "往下翻")


def test_a_page_that_fits_has_no_page_buttons(kiosk: Kiosk) -> None:
    kiosk.tap("法律常识")  # every topic fits on one page at 1920×1080
    kiosk.pump(3)
    assert not _shown(kiosk, "往下翻") and not _shown(kiosk, "往上翻")
    assert kiosk.screen.page.pager.parent is None


def test_read_aloud_tells_that_the_page_goes_on_below(kiosk: Kiosk) -> None:
    speaker = FakeSpeaker()
    said = speaker.said
    kiosk.app.use_voice(None, speaker)
    try:
        kiosk.tap("公证材料清单")
        kiosk.tap("继承")
        while kiosk.screen.question is not None:
            kiosk.tap("不是", exact=True)
        kiosk.pump(3)
        kiosk.tap("朗读")
        assert said[-1].endswith("请点右边的“往下翻”。")
        while _shown(kiosk, "往下翻"):
            kiosk.tap("往下翻", exact=True)
            kiosk.pump(2)
        kiosk.tap("朗读")  # at the end of the page: nothing more to point at
        assert "往下翻" not in said[-1]
    finally:
        kiosk.app.use_voice(None, None)
