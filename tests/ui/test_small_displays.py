"""The two smallest displays (issue 12): 1024×768 and portrait 800×1280 at 特大.

What a resident would notice: on a number page every key, the answer box, the message and
上一步/下一步 are on screen at once with no page to turn; an ID number is never broken across
lines; the step count doesn't push the keys off a narrow portrait screen.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.harness import Kiosk, whole_on_screen

pytestmark = pytest.mark.ui

ID = "320483195603150025"


def _id_page(kiosk: Kiosk, typed: str) -> Any:
    kiosk.tap("申请法律援助")
    screen = kiosk.screen
    screen.show("id_number")
    kiosk.pump(2)
    kiosk.type_digits(typed)
    return screen


def _audit(kiosk: Kiosk) -> list[str]:
    from kivy.core.window import Window

    from screens.audit import audit
    from screens.displays import display_for

    display = display_for(*Window.size)
    return audit(kiosk.roots(), kiosk.app.style, display.size, display.target_min)


def test_at_1024x768_特大_an_id_number_error_leaves_every_keywhole_on_screen(at: Any) -> None:
    kiosk = at((1024, 768))
    screen = _id_page(kiosk, ID[:10])
    kiosk.tap("下一步")  # too short: the message, the page stays
    kiosk.pump(3)
    assert screen.step_id == "id_number" and "18位" in screen.message_text
    page = screen.page
    keys = [w for w in screen.keypad.children]
    assert len(keys) == 12 and all(whole_on_screen(k) for k in keys)
    # Two rows of six under the answer (the column beside them would be too narrow).
    assert len({round(k.y) for k in keys}) == 2
    assert min(k.width for k in keys) >= 96 and min(k.height for k in keys) >= 96
    delete = next(k for k in keys if k.text == "删除")
    assert delete.texture_size[1] < delete.height  # the word on one line, not 删 over 除
    for text in ("上一步", "下一步"):
        assert whole_on_screen(kiosk.find(text)), text
    message = next(w for w in page.body.walk() if "18位" in str(getattr(w, "text", "")))
    assert whole_on_screen(message)
    assert whole_on_screen(screen.answer_box)
    assert page.pager.parent is None  # nothing to turn: no 往下翻
    assert not _audit(kiosk)
    kiosk.type_digits(ID[10:])  # what was typed is kept: finish it and go on
    kiosk.tap("下一步")
    assert screen.step_id != "id_number"


def test_at_800x1280_特大_the_step_count_stays_in_the_nav_bar_and_the_keyswhole_on_screen(
    at: Any,
) -> None:
    kiosk = at((800, 1280))
    screen = _id_page(kiosk, ID[:6])
    page = screen.page
    progress = screen.progress_label
    assert progress.parent is page.nav and page.progress_row.parent is None
    assert whole_on_screen(progress)  # beside 上一步 and 下一步 (on two lines if need be)
    assert all(whole_on_screen(k) for k in screen.keypad.children)
    assert page.pager.parent is None, [
        (type(w).__name__, str(getattr(w, "text", ""))[:20], round(w.height))
        for w in page.body.walk()
        if w is not page.body
    ][:12]
    assert not _audit(kiosk)


def test_on_a_narrow_portrait_screen_the_review_keeps_the_id_number_whole(at: Any) -> None:
    from screens.line_breaks import rendered_lines
    from tests.rules.wizard_answers import PERSONAL

    kiosk = at((800, 1280), "large")
    kiosk.tap("申请法律援助")
    screen = kiosk.screen
    for key, value in {**PERSONAL, "id_number": ID}.items():
        screen.set_answer(key, value)
    screen.show("review")
    kiosk.pump(3)
    label = next(
        w for w in screen.page.body.walk() if str(getattr(w, "text", "")).startswith("身份证号")
    )
    assert any("320483 19560315 0025" in line for line in rendered_lines(label))
    edit = next(w for w in label.parent.walk() if getattr(w, "text", "") == "修改")
    assert abs(edit.top - label.y) <= 40  # 修改 right under its answer
