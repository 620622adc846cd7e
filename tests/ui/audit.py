"""The elder-friendly numbers, checked on a live widget tree (see shared elder-ui.md targets).

body text ≥ 32 px, titles ≥ 48 px, touch targets ≥ 120×120 px and ≥ 16 px apart, text/background
contrast ≥ 7:1, no text cut off, nothing overlapping, nothing outside the window except inside a
scrolling page (reachable by scrolling), and the Chinese line-breaking rules on every label's
rendered lines (screens.line_breaks.line_problems: no line starts with "，", none ends with "“", no number cut).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from screens.line_breaks import line_problems
from screens.theme import contrast_ratio

BODY_MIN, TITLE_MIN = 32, 48
TARGET_MIN, GAP_MIN = 120, 16
CONTRAST_MIN = 7.0
TOL = 0.6  # sub-pixel layout rounding


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def top(self) -> float:
        return self.y + self.h

    def gap(self, other: Box) -> float:
        """0 when touching or overlapping, else the free space between the two."""
        dx = max(0.0, other.x - self.right, self.x - other.right)
        dy = max(0.0, other.y - self.top, self.y - other.top)
        return max(dx, dy)

    def overlaps(self, other: Box) -> bool:
        return (
            min(self.right, other.right) - max(self.x, other.x) > 1
            and min(self.top, other.top) - max(self.y, other.y) > 1
        )

    def clip(self, other: Box) -> Box | None:
        x, y = max(self.x, other.x), max(self.y, other.y)
        r, t = min(self.right, other.right), min(self.top, other.top)
        return Box(x, y, r - x, t - y) if r > x and t > y else None


def inside(b: Box, area: Box) -> bool:
    return (
        b.x >= area.x - 1
        and b.y >= area.y - 1
        and b.right <= area.right + 1
        and b.top <= area.top + 1
    )


def box(widget: Any) -> Box:
    x, y = widget.to_window(widget.x, widget.y)
    return Box(x, y, widget.width, widget.height)


def visible(root: Any) -> Iterator[Any]:
    if getattr(root, "opacity", 1) <= 0:
        return
    yield root
    for child in root.children:
        yield from visible(child)


def scroller_of(widget: Any) -> Any:
    from kivy.uix.scrollview import ScrollView

    w = widget.parent
    while w is not None and w is not w.parent:
        if isinstance(w, ScrollView):
            return w
        w = w.parent
    return None


def background_of(widget: Any, default: Any) -> Any:
    w = widget
    while w is not None:
        colour = getattr(w, "surface_color", None)
        if colour is not None:
            return colour
        if w is w.parent:
            break
        w = w.parent
    return default


def inside_button(widget: Any) -> bool:
    from kivy.uix.behaviors import ButtonBehavior

    w = widget.parent
    while w is not None and w is not w.parent:
        if isinstance(w, ButtonBehavior):
            return True
        w = w.parent
    return False


def related(a: Any, b: Any) -> bool:
    """One contains the other (a Tile and its label are one target)."""
    for x, y in ((a, b), (b, a)):
        w = y.parent
        while w is not None and w is not w.parent:
            if w is x:
                return True
            w = w.parent
    return False


def audit(roots: list[Any], style: Any, window_size: tuple[int, int]) -> list[str]:
    """Every breach of the numbers on screen now, as readable lines (empty = all good)."""
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label

    screen = Box(0, 0, *window_size)
    problems: list[str] = []
    if len(roots) > 1:
        roots = roots[-1:]  # a confirmation covers the whole screen: only it can be touched
    widgets = [w for root in roots for w in visible(root)]
    texts = [w for w in widgets if isinstance(w, Label) and w.text.strip()]
    targets = [w for w in widgets if isinstance(w, ButtonBehavior)]

    def name(w: Any) -> str:
        return f"{type(w).__name__}({getattr(w, 'text', '')[:16]!r})"

    def where(w: Any) -> Box | None:
        """The part of ``w`` a resident can see without scrolling (None: scrolled away)."""
        b = box(w)
        scroll = scroller_of(w)
        if scroll is not None:
            return b.clip(box(scroll))
        return b

    for w in texts:
        title = type(w).__name__ in ("TitleLabel", "DisplayLabel")
        least = TITLE_MIN if title else BODY_MIN
        if w.font_size + TOL < least:
            problems.append(f"{name(w)}: font {w.font_size:.0f} px < {least} px")
        ratio = contrast_ratio(tuple(w.color), tuple(background_of(w, style.background)))
        if ratio + 0.01 < CONTRAST_MIN:
            problems.append(f"{name(w)}: contrast {ratio:.1f}:1 < 7:1")
        tw, th = w.texture_size
        if tw > w.width + 1 or th > w.height + 1:
            problems.append(
                f"{name(w)}: text {tw:.0f}×{th:.0f} cut off in {w.width:.0f}×{w.height:.0f}"
            )
        b = box(w)
        if scroller_of(w) is None and not inside(b, screen) and (b.w > 0 and b.h > 0):
            problems.append(f"{name(w)}: outside the window at {b}")
        problems += [f"{name(w)}: {p}" for p in line_problems(w)]

    for w in targets:
        if w.width + TOL < TARGET_MIN or w.height + TOL < TARGET_MIN:
            problems.append(f"{name(w)}: target {w.width:.0f}×{w.height:.0f} < 120×120")
        b = box(w)
        if scroller_of(w) is None and not inside(b, screen):
            problems.append(f"{name(w)}: target outside the window at {b}")

    seen = [(w, where(w)) for w in targets]
    seen = [(w, b) for w, b in seen if b is not None]
    for i, (a, ba) in enumerate(seen):
        for c, bc in seen[i + 1 :]:
            if related(a, c):
                continue
            gap = ba.gap(bc)
            if gap + TOL < GAP_MIN:
                problems.append(f"{name(a)} and {name(c)}: {gap:.0f} px apart < 16 px")

    loose = [
        (w, where(w)) for w in texts if not inside_button(w) and not isinstance(w, ButtonBehavior)
    ]
    loose = [(w, b) for w, b in loose if b is not None]
    for i, (a, ba) in enumerate(loose):
        for c, bc in loose[i + 1 :]:
            if ba.overlaps(bc):
                problems.append(f"{name(a)} overlaps {name(c)}")
    return problems
