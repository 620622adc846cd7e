"""The displays real terminals have, and the combinations every screen must pass (issue 12).

Defined once: the tour's ``--audit``, ``make tour`` and tests/ui/test_accessibility.py all read
this table. Kivy-free, so the Makefile and scripts can list the combinations cheaply.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

FONT_SCALES = ("standard", "large", "xlarge")
THEME_NAMES = ("default", "high_contrast")


@dataclass(frozen=True)
class Display:
    width: int
    height: int
    # The smallest touch target the audit accepts: 120 px, or 96 px on a 1024×768 screen
    # (shared/reference/elder-ui.md).
    target_min: int = 120

    @property
    def name(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)


# In the order they matter most: the settings the guide names first.
DISPLAYS = (
    Display(1280, 800),
    Display(1080, 1920),
    Display(1366, 768),
    Display(800, 1280),
    Display(1024, 768, target_min=96),
    Display(1920, 1080),
)


def display_for(width: int, height: int) -> Display:
    """The supported display of this size, or an ad-hoc one with the ordinary minimums."""
    for d in DISPLAYS:
        if d.size == (width, height):
            return d
    return Display(width, height)


def combinations() -> Iterator[tuple[Display, str, str]]:
    """Every supported display × font scale × theme."""
    for display in DISPLAYS:
        for scale in FONT_SCALES:
            for theme in THEME_NAMES:
                yield display, scale, theme


if __name__ == "__main__":  # `make tour` loops over these lines
    for d, scale, theme in combinations():
        print(d.name, scale, theme)
