"""Colours and sizes: two themes, three font scales. Numbers from shared/reference/elder-ui.md.

All text/background pairs here are ≥ 7:1 contrast (checked by tests/ui/test_accessibility).
"""

from __future__ import annotations

from dataclasses import dataclass

Colour = tuple[float, float, float, float]


def hex_colour(value: str) -> Colour:
    value = value.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b, 1.0)


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    background: Colour
    text: Colour
    tile: Colour
    tile_text: Colour
    accent: Colour
    accent_text: Colour
    danger: Colour
    danger_text: Colour
    muted_text: Colour
    field: Colour  # background of entry fields and answer boxes
    field_text: Colour


THEMES = {
    "default": Theme(
        name="default",
        label="标准颜色",
        background=hex_colour("#FFFDF5"),
        text=hex_colour("#1A1A1A"),
        tile=hex_colour("#0B4F8A"),
        tile_text=hex_colour("#FFFFFF"),
        accent=hex_colour("#0A5C36"),
        accent_text=hex_colour("#FFFFFF"),
        danger=hex_colour("#8B0000"),
        danger_text=hex_colour("#FFFFFF"),
        muted_text=hex_colour("#333333"),
        field=hex_colour("#FFFFFF"),
        field_text=hex_colour("#000000"),
    ),
    "high_contrast": Theme(
        name="high_contrast",
        label="高对比",
        background=hex_colour("#000000"),
        text=hex_colour("#FFFFFF"),
        tile=hex_colour("#000000"),
        tile_text=hex_colour("#FFFF00"),
        accent=hex_colour("#FFFF00"),
        accent_text=hex_colour("#000000"),
        danger=hex_colour("#FFFFFF"),
        danger_text=hex_colour("#000000"),
        muted_text=hex_colour("#FFFFFF"),
        field=hex_colour("#1A1A1A"),
        field_text=hex_colour("#FFFFFF"),
    ),
}

FONT_SCALE_LABELS = {"standard": "标准", "large": "大", "xlarge": "特大"}
FONT_SCALE_FACTORS = {"standard": 1.0, "large": 1.2, "xlarge": 1.4}
FONT_SCALE_ORDER = ("standard", "large", "xlarge")

BODY_PX = 36  # ≥ 32 px at the standard scale
TITLE_PX = 52  # ≥ 48 px
# Touch targets don't grow with the font scale: 1280×800 screens must still hold a keypad, and
# 120 px already sits far above every published minimum. Text grows inside them instead.
TOUCH_PX = 124  # ≥ 120 px targets
GAP_PX = 20  # ≥ 16 px between targets


def next_scale(current: str) -> str:
    """标准 → 大 → 特大 → 标准: one button cycles through the three scales."""
    order = FONT_SCALE_ORDER
    return order[(order.index(current) + 1) % len(order)] if current in order else order[0]


def contrast_ratio(a: Colour, b: Colour) -> float:
    """WCAG contrast ratio of two opaque colours."""

    def lum(c: Colour) -> float:
        def chan(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * chan(c[0]) + 0.7152 * chan(c[1]) + 0.0722 * chan(c[2])

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
