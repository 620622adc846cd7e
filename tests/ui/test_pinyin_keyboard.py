"""The pinyin keyboard on the small displays (issue 12): 1024×768 and portrait 800×1280, and a
text page with its error at 1366×768 特大.

What a resident would notice: the question, the answer box, the candidates and every letter
key of the half shown are on screen at once, whole, with no page to turn; each key is at least
the display's minimum size; typing a syllable and picking its character works with the keys
where they are; an error beside the answer box doesn't push any key away.
"""

from __future__ import annotations

from typing import Any

import pytest

from screens.displays import display_for
from screens.tour import tour_steps
from tests.ui.harness import Kiosk, whole_on_screen

pytestmark = pytest.mark.ui

SMALL = [((1024, 768), "standard"), ((1024, 768), "xlarge"), ((800, 1280), "standard")]
SMALL += [((800, 1280), "xlarge")]


def _keys_shown(kiosk: Kiosk) -> dict[str, Any]:
    keyboard = kiosk.screen.keyboard
    return {b.text: b for b in keyboard.letter_grid.children if getattr(b, "key", None)}


def _check_half(kiosk: Kiosk, letters: str) -> None:
    from kivy.core.window import Window

    keyboard = kiosk.screen.keyboard
    least = display_for(*Window.size).target_min
    keys = _keys_shown(kiosk)
    assert sorted(keys) == list(letters), sorted(keys)
    switch = kiosk.find(keyboard.half_label(), exact=True)
    for key in [*keys.values(), switch, kiosk.find("删除", exact=True)]:
        assert whole_on_screen(key), f"{key.text!r} is not wholly on screen"
        assert key.width >= least - 0.6 and key.height >= least - 0.6, (key.text, key.size)
    assert kiosk.screen.page.pager.parent is None, "a page strip: something is a turn away"


@pytest.mark.parametrize(("size", "scale"), SMALL, ids=[f"{s[0]}x{s[1]}-{f}" for s, f in SMALL])
def test_on_a_small_display_every_letter_key_and_the_candidates_are_on_screen_at_once(
    at: Any, size: tuple[int, int], scale: str
) -> None:
    kiosk = at(size, scale)
    kiosk.tap("问一问")
    keyboard = kiosk.screen.keyboard
    assert keyboard.halves
    assert whole_on_screen(kiosk.screen.box)
    _check_half(kiosk, "abcdefghijklm")
    kiosk.tap(keyboard.half_label(), exact=True)
    _check_half(kiosk, "nopqrstuvwxyz")
    for letter in "wang":
        kiosk.tap_key(letter)
    shown = keyboard.shown_candidates
    assert "王" in shown, shown
    for button in keyboard._slots[: len(shown)]:
        assert whole_on_screen(button), f"candidate {button.text!r} is not wholly on screen"
    for control in (keyboard._prev, keyboard._more, keyboard._switch):  # 往前 更多 数字
        assert whole_on_screen(control), control.text
    kiosk.tap("王", exact=True)
    assert keyboard.value == "王"
    assert kiosk.screen.page.pager.parent is None


TEXT_PAGES = [((1366, 768), "xlarge"), ((1024, 768), "xlarge"), ((800, 1280), "xlarge")]


@pytest.mark.parametrize(
    ("size", "scale"), TEXT_PAGES, ids=[f"{s[0]}x{s[1]}-{f}" for s, f in TEXT_PAGES]
)
def test_a_pinyin_text_page_with_its_error_keeps_every_key_on_screen(
    at: Any, size: tuple[int, int], scale: str
) -> None:
    kiosk = at(size, scale)
    steps = dict(tour_steps(kiosk.app))
    steps["legal_aid-write_by_pinyin_error"](kiosk.app)  # 王 alone as the name: refused
    kiosk.pump(4)
    error = next(t for t in kiosk.texts() if "至少" in t)
    assert "两个字" in error
    keyboard = kiosk.screen.keyboard
    assert keyboard.halves and kiosk.screen.answer_box is not None
    assert whole_on_screen(kiosk.screen.answer_box)
    _check_half(kiosk, "abcdefghijklm")
    for key in ("上一步", "下一步"):
        assert whole_on_screen(kiosk.find(key, exact=True)), key


@pytest.mark.parametrize(
    ("size", "scale"), TEXT_PAGES, ids=[f"{s[0]}x{s[1]}-{f}" for s, f in TEXT_PAGES]
)
def test_a_long_question_left_empty_in_pinyin_keeps_its_error_and_every_key_on_screen(
    at: Any, size: tuple[int, int], scale: str
) -> None:
    """事情经过 (a three-line question) refused empty: the error shows beside the empty answer
    box, and where the question, the error and the keys are more than the page holds, the error
    stands in the question's place — never a page turn between the message and the keys."""
    kiosk = at(size, scale)
    kiosk.tap("申请法律援助")
    screen = kiosk.screen
    screen.show("facts")
    kiosk.pump(2)
    if screen.keyboard is None:  # 手写 is the default where handwriting works
        kiosk.tap("拼音", exact=True)
    kiosk.tap("下一步")
    kiosk.pump(4)
    assert screen.step_id == "facts" and "事情经过" in screen.message_text
    message = next(
        w for w in screen.page.body.walk() if getattr(w, "text", "") == screen.message_text
    )
    assert whole_on_screen(message)
    assert screen.answer_box.text == ""  # no hint in the empty box beside the message
    assert screen.page.pager.parent is None  # nothing a page turn away
    _check_half(kiosk, "abcdefghijklm")
    for key in ("上一步", "下一步"):
        assert whole_on_screen(kiosk.find(key, exact=True)), key
