"""The CJK font every widget uses by default.

Kivy's default font name is ``Roboto``; registering that name to a Simplified-Chinese font makes
every Label, Button, TextInput and the VKeyboard render Chinese. WenQuanYi Micro Hei comes first
because Debian's Noto CJK ``.ttc`` opens its Japanese face, which draws 门/直/骨/边 with Japanese
shapes.
"""

from __future__ import annotations

import os
from pathlib import Path

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


class FontMissing(RuntimeError):
    pass


def find_cjk_font() -> Path:
    override = os.environ.get("KIOSK_FONT_FILE")
    for candidate in ([override] if override else []) + list(CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing(
        "找不到中文字体。请以 root 运行 `make setup`，或 apt-get install fonts-wqy-microhei。"
    )


def register_default_font() -> Path:
    """Make the CJK font Kivy's default; call before any widget is built."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    path = find_cjk_font()
    LabelBase.register(DEFAULT_FONT, str(path), str(path), str(path), str(path))
    LabelBase.register("KioskCJK", str(path))
    return path
