"""The CJK font every widget uses by default.

Kivy's default font name is ``Roboto``; registering that name to a Simplified-Chinese font makes
every Label, Button, TextInput and the VKeyboard render Chinese. WenQuanYi Micro Hei comes first
because Debian's Noto CJK ``.ttc`` opens its Japanese face, which draws 门/直/骨/边 with Japanese
shapes. The font itself is found by ``kiosk.fonts`` (paper uses it too).
"""

from __future__ import annotations

from pathlib import Path

from kiosk.fonts import CANDIDATES, FontMissing, find_cjk_font

__all__ = ["CANDIDATES", "FontMissing", "find_cjk_font", "register_default_font"]


def register_default_font() -> Path:
    """Make the CJK font Kivy's default; call before any widget is built."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    path = find_cjk_font()
    LabelBase.register(DEFAULT_FONT, str(path), str(path), str(path), str(path))
    LabelBase.register("KioskCJK", str(path))
    return path
