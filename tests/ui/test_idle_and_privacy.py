"""Session privacy: the idle warning, and the wipe that leaves nothing entered anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.ui.harness import Kiosk

pytestmark = pytest.mark.ui

SECRET_NAME = "张桂"
SECRET_DIGITS = "13912"


def every_widget(kiosk: Kiosk) -> Iterator[Any]:
    """All screens (shown or not), plus anything open on the window."""

    def walk(w: Any) -> Iterator[Any]:
        yield w
        for c in w.children:
            yield from walk(c)

    for screen in kiosk.app.manager.screens:
        yield from walk(screen)
    for root in kiosk.roots():
        yield from walk(root)


def leftovers(kiosk: Kiosk) -> list[str]:
    found = []
    for w in every_widget(kiosk):
        for attr in ("text", "value", "letters", "qr_text"):
            v = getattr(w, attr, None)
            if isinstance(v, str) and (SECRET_NAME in v or SECRET_DIGITS in v):
                found.append(f"{type(w).__name__}.{attr}={v!r}")
    return found


def _enter_name_and_phone(kiosk: Kiosk) -> None:
    kiosk.tap("申请法律援助")
    kiosk.tap("给自己申请")
    kiosk.tap("是", exact=True)  # 家是低保户、特困户或者五保户吗？
    kiosk.tap("低保户")
    kiosk.tap("赡养费")
    assert kiosk.screen.step_id == "name"  # 低保户: no income pages
    kiosk.type_pinyin("zhang", "张")
    kiosk.type_pinyin("gui", "桂")
    kiosk.tap("下一步")
    kiosk.screen.show("phone")  # jump ahead: the point is what was typed, not the order
    kiosk.pump(2)
    kiosk.type_digits(SECRET_DIGITS)
    assert leftovers(kiosk), "test set-up: the entered text should be on screen"


def test_the_configured_warning_gives_at_least_20_seconds(kiosk: Kiosk) -> None:
    config = kiosk.app.kiosk_config
    assert config.idle_timeout_s == 90
    assert config.idle_warning_s >= 20


def test_idle_warning_offers_continue_and_keeps_the_answers(kiosk: Kiosk) -> None:
    _enter_name_and_phone(kiosk)
    kiosk.idle_for(59)
    assert kiosk.app.idle_warning is None or kiosk.app.idle_warning.parent is None
    kiosk.idle_for(1)  # 60 s without a touch: the warning, with 30 s left
    warning = kiosk.app.idle_warning
    assert warning is not None and warning.parent is not None
    assert any("您还在吗" in t for t in kiosk.texts()) and warning.seconds_left == 30
    kiosk.tap("继续", exact=True)
    assert warning.parent is None
    assert kiosk.screen.name == "legal_aid" and leftovers(kiosk)


def test_after_the_idle_time_nothing_entered_survives_anywhere(kiosk: Kiosk) -> None:
    _enter_name_and_phone(kiosk)
    kiosk.idle_for(60)
    assert kiosk.screen.name == "legal_aid" and leftovers(kiosk)  # warned, nothing wiped yet
    kiosk.idle_for(30)
    assert kiosk.screen.name == "home"
    assert leftovers(kiosk) == []
    assert not kiosk.app.session.has_input
    assert kiosk.app.idle_warning is None or kiosk.app.idle_warning.parent is None


def test_end_and_clear_asks_first_then_wipes_everything(kiosk: Kiosk) -> None:
    _enter_name_and_phone(kiosk)
    kiosk.tap("结束并清除")
    assert any("要结束并清除吗" in t for t in kiosk.texts())
    kiosk.tap("不清除")
    assert leftovers(kiosk)
    kiosk.tap("结束并清除")
    kiosk.tap("清除", exact=True)
    assert kiosk.screen.name == "home"
    assert leftovers(kiosk) == []


def test_font_size_and_colours_change_everywhere_and_reset_for_the_next_resident(
    kiosk: Kiosk,
) -> None:
    style = kiosk.app.style
    body = style.body_px
    kiosk.tap("法律常识")
    kiosk.tap("字号")
    assert style.scale_name == "large" and style.body_px > body
    kiosk.tap("高对比")
    assert style.theme_name == "high_contrast"
    sample = next(w for w in kiosk.walk() if type(w).__name__ == "TitleLabel")
    assert sample.font_size == style.title_px and tuple(sample.color) == tuple(style.text)
    kiosk.tap("结束并清除")
    assert style.scale_name == "standard" and style.theme_name == "default"
