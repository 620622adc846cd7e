"""The staff screen on a narrow portrait terminal at 特大: every menu button's words whole."""

from __future__ import annotations

import pytest

from screens.widgets import BigButton
from tests.ui.conftest import STAFF_ID, STAFF_PIN
from tests.ui.harness import Kiosk
from tests.ui.test_roles import _sign_in

pytestmark = pytest.mark.ui


@pytest.mark.parametrize("scale", ["large", "xlarge"])
def test_the_staff_menu_keeps_each_buttons_words_on_one_line_at_800x1280(
    kiosk: Kiosk, scale: str
) -> None:
    from kivy.core.window import Window

    _sign_in(kiosk, STAFF_ID, STAFF_PIN)
    Window.size = (800, 1280)
    kiosk.app.style.apply("high_contrast", scale)
    kiosk.pump(3)
    try:
        menu = {"代为填写", "立即同步", "管理信息", "字号标准", "字号大", "字号特大"}
        buttons = [w for w in kiosk.walk() if isinstance(w, BigButton) and w.text in menu]
        assert {b.text for b in buttons} >= {"代为填写", "字号标准", "字号大", "字号特大"}
        for button in buttons:
            width, height = button.texture_size
            # One line (字号标准, not 字号标 over 准), and inside the button.
            assert height < 2 * button.font_size, f"{button.text} breaks over two lines"
            assert width <= button.width and height <= button.height, f"{button.text} cut off"
            assert button.width >= 124 and button.height >= 124
    finally:
        Window.size = (1920, 1080)
        kiosk.app.style.apply("default", "standard")
        kiosk.pump(3)
