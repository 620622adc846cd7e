"""A slip as data (lines by importance, a QR code) and its rendering to a 1-bit image.

Sizes are in printer dots (203 dpi, 8 dots a millimetre) and the same on 58 and 80 mm paper, so
the type is as large on both; 58 mm just holds fewer characters a line. The most important line
of a slip (the receipt code, what is still missing) is ``KEY``, the largest; a number is never
broken across lines, and it shrinks to fit the width instead (clreq: never break a number).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from kiosk.fonts import find_cjk_font
from kiosk.line_breaking import break_lines

# Printable dots across the paper at 203 dpi (58 mm paper prints 48 mm, 80 mm prints 72 mm).
PAPER_DOTS = {58: 384, 80: 576}
MARGIN = 16
LINE_SPACING = 1.35  # ≥ 1.3 (docs/ui.md)


class Size(enum.IntEnum):
    """Type sizes in dots: body 34 dots is 4.3 mm, larger than a newspaper's headlines' body."""

    KEY = 72
    TITLE = 46
    BODY = 34
    NOTE = 28


@dataclass(frozen=True)
class Text:
    text: str
    size: Size = Size.BODY
    center: bool = False
    # A number or code that must stay on one line: shrunk to fit rather than broken.
    one_line: bool = False


@dataclass(frozen=True)
class Qr:
    text: str


@dataclass(frozen=True)
class Rule:
    """A thin line between parts of the slip."""


Block = Text | Qr | Rule


@dataclass(frozen=True)
class Slip:
    """What one slip says. ``kind`` names the layout (receipt, notary, …) for logs and tests;
    ``qr_text`` is what its QR code holds (tests decode the printed code and compare)."""

    kind: str
    blocks: tuple[Block, ...]
    qr_text: str = ""

    def texts(self) -> list[str]:
        """Every line of text on the slip, in order (for tests and the CLI's text view)."""
        return [b.text for b in self.blocks if isinstance(b, Text)]


def slip(kind: str, blocks: Sequence[Block]) -> Slip:
    """A slip from its blocks; the first QR block's text becomes ``qr_text``."""
    qr = next((b.text for b in blocks if isinstance(b, Qr)), "")
    return Slip(kind=kind, blocks=tuple(blocks), qr_text=qr)


@lru_cache(maxsize=16)
def _font(size: int) -> Any:
    return ImageFont.truetype(str(find_cjk_font()), size, index=0)


@lru_cache(maxsize=8192)
def _width(size: int, unit: str) -> float:
    """A character's width at ``size`` (cached across slips: FreeType's measuring is the slow part
    of drawing a slip, and a slip uses a few hundred distinct characters)."""
    return float(_font(size).getlength(unit))


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Break ``text`` into lines no wider than ``width``, by the same rules as the screens
    (:func:`kiosk.line_breaking.break_lines`: no line starts with "，" or ends with "（", a
    receipt code or phone number is never split).

    ``measure`` is asked about one character at a time and a line's width is the sum of its
    characters' (Chinese has no kerning): each character is measured once, not every candidate
    line again — FreeType's measuring is the slow part of drawing a slip.
    """
    widths: dict[str, float] = {}

    def line_width(line: str) -> float:
        total = 0.0
        for ch in line:
            w = widths.get(ch)
            if w is None:
                w = widths[ch] = measure(ch)
            total += w
        return total

    return [line.rstrip(" \u3000") for line in break_lines(text, width, line_width)]


def _fit_one_line(text: str, size: int, width: int) -> Any:
    while size > Size.NOTE and _width(size, text) > width:
        size -= 2
    return _font(size)


def qr_image(text: str, side: int) -> Image.Image:
    """The QR code (error correction M, quiet zone 4) scaled by whole dots to at most ``side``."""
    # A fixed mask: qrcode otherwise tries all eight in pure Python (≈ 0.7 s for the notary
    # list's code on the terminal's CPU); any mask is valid, and zbar reads it (tests/printing).
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=4, mask_pattern=2)
    code.add_data(text)
    code.make(fit=True)
    matrix: Image.Image = code.make_image().get_image().convert("L")
    scale = max(1, side // matrix.size[0])
    return matrix.resize((matrix.size[0] * scale,) * 2, Image.Resampling.NEAREST)


def _layout(slip: Slip, width_mm: int) -> list[tuple[str, Any, int, Any]]:
    """Where everything goes: ``(kind, text or image, height, font)`` top to bottom."""
    if width_mm not in PAPER_DOTS:
        raise ValueError(f"paper width must be one of {sorted(PAPER_DOTS)} mm")
    width = PAPER_DOTS[width_mm]
    inner = width - 2 * MARGIN
    placed: list[tuple[str, Any, int, Any]] = []
    for block in slip.blocks:
        if isinstance(block, Rule):
            placed.append(("rule", None, 18, None))
        elif isinstance(block, Qr):
            img = qr_image(block.text, min(inner, 360 if width_mm == 80 else 300))
            placed.append(("qr", img, img.size[1] + 12, None))
        else:
            font = _font(int(block.size))
            if block.one_line:
                font = _fit_one_line(block.text, int(block.size), inner)
            # Even at the smallest size some lines don't fit (a long station name): wrap those.
            lines = wrap(block.text, inner, partial(_width, font.size))
            for ln in lines:
                placed.append(("center" if block.center else "left", ln, _line_h(font), font))
    return placed


def printed_lines(slip: Slip, width_mm: int = 80) -> list[tuple[str, int]]:
    """The text lines as they come out on paper, each with its type size in dots."""
    return [(p[1], p[3].size) for p in _layout(slip, width_mm) if p[0] in ("left", "center")]


def render(slip: Slip, width_mm: int = 80) -> Image.Image:
    """The slip as a 1-bit image ``PAPER_DOTS[width_mm]`` dots wide, ready for ``GS v 0``."""
    placed = _layout(slip, width_mm)
    width = PAPER_DOTS[width_mm]
    height = MARGIN * 2 + sum(h for _, _, h, _ in placed)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    for kind, payload, h, font in placed:
        if kind == "rule":
            draw.line((MARGIN, y + h // 2, width - MARGIN, y + h // 2), fill=0, width=2)
        elif kind == "qr":
            image.paste(payload, ((width - payload.size[0]) // 2, y))
        else:
            x = MARGIN
            if kind == "center":
                x = max(MARGIN, int((width - draw.textlength(payload, font=font)) / 2))
            draw.text((x, y), payload, font=font, fill=0)
        y += h
    # Thermal heads print dots, not greys: a hard threshold keeps strokes crisp.
    return image.point(lambda v: 0 if v < 160 else 255, mode="1")


def _line_h(font: Any) -> int:
    return int(font.size * LINE_SPACING)
