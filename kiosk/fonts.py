"""The CJK font of everything the kiosk draws: the screens (``screens.fonts``) and paper
(``kiosk.printing``).

WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``) comes first because Debian's Noto CJK
``.ttc`` opens its Japanese face, which draws 门/直/骨/边 with Japanese shapes.
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
    """The first CJK font found (``KIOSK_FONT_FILE`` first); :class:`FontMissing` if none."""
    override = os.environ.get("KIOSK_FONT_FILE")
    for candidate in ([override] if override else []) + list(CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing(
        "找不到中文字体。请以 root 运行 `make setup`，或 apt-get install fonts-wqy-microhei。"
    )
