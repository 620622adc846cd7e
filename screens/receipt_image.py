"""The printable receipt: a PNG sized for an 80 mm thermal printer (576 px at 203 dpi).

Drawn with Pillow rather than captured from the screen, so it looks the same in every theme and
font scale and holds only what may be on paper: no name, no ID number, no phone.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from kiosk import display_text
from offline_cache.durable import write_atomically
from offline_cache.private_files import private_dir
from screens.fonts import find_cjk_font
from screens.qr import qr_image

WIDTH = 576
MARGIN = 24


def _font(size: int) -> Any:
    return ImageFont.truetype(str(find_cjk_font()), size, index=0)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if draw.textlength(line + ch, font=font) > width and line:
                lines.append(line)
                line = ch
            else:
                line += ch
        lines.append(line)
    return lines


def render_receipt(
    path: Path,
    *,
    station: str,
    title: str,
    code_display: str | None,
    lines: Sequence[str],
    qr_text: str,
    when: float | None = None,
) -> Path:
    """Write the receipt PNG to ``path`` (parent created) and return it."""
    title_font, code_font, body_font = _font(40), _font(72), _font(28)
    scratch = ImageDraw.Draw(Image.new("L", (1, 1)))
    inner = WIDTH - 2 * MARGIN
    blocks: list[tuple[str, Any]] = [(station, body_font), (title, title_font)]
    if code_display:
        blocks.append((code_display, code_font))
    stamp = display_text.moment_words(when or time.time(), now=0.0)  # always with the date
    blocks.append((stamp, body_font))
    for text in lines:
        blocks.append((text, body_font))
    wrapped = [(ln, f) for text, f in blocks for ln in _wrap(scratch, text, f, inner)]
    qr = qr_image(qr_text, box_size=6)
    qr_side = min(inner, qr.size[0])
    height = MARGIN * 3 + sum(int(f.size * 1.4) for _, f in wrapped) + qr_side
    image = Image.new("L", (WIDTH, height), 255)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    for ln, f in wrapped:
        x = (WIDTH - draw.textlength(ln, font=f)) / 2 if f is not body_font else MARGIN
        draw.text((x, y), ln, font=f, fill=0)
        y += int(f.size * 1.4)
    y += MARGIN
    image.paste(qr.convert("L").resize((qr_side, qr_side)), ((WIDTH - qr_side) // 2, y))
    # The spool holds residents' slips: 0700 / 0600 like the rest of the data directory.
    private_dir(path.parent)
    png = io.BytesIO()
    image.save(png, format="PNG")
    write_atomically(path, png.getvalue())
    return path
