"""The elder-friendly numbers, checked on the live widget tree (shared elder-ui.md targets).

Body text ≥ 32 px and titles ≥ 48 px at 标准 (× the font scale at 大/特大); touch targets
≥ 120×120 px (96 on 1024×768) and ≥ 16 px apart; text/background contrast ≥ 7:1; no text cut off
inside its widget (the rendered texture measured against the widget) and no button without its
words; no action control outside the window, partly hidden, or inside a page a finger scrolls;
nothing overlapping. Text-content rules (line breaking …) plug in as :data:`LABEL_CHECKS`.

Used by ``main.py --tour DIR --audit`` (one line per violation) and tests/ui/test_accessibility.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from screens.theme import FONT_SCALE_FACTORS, contrast_ratio

BODY_MIN, TITLE_MIN = 32, 48
TARGET_MIN, GAP_MIN = 120, 16
CONTRAST_MIN = 7.0
TOL = 0.6  # sub-pixel layout rounding

# Checks on what a label says and how it is broken into lines: each takes a Label with text and
# returns a problem ("line starts with 。") or None. The line-breaking rules (issue 12 item 4)
# append theirs here; every one runs on every label of every screen state.
LabelCheck = Callable[[Any], "str | None"]


def _line_breaks(label: Any) -> str | None:
    """The Chinese line-breaking rules on the label's rendered lines (screens/line_breaks.py:
    no line starts with "，", none ends with "“", no number cut)."""
    from screens.line_breaks import line_problems

    return "；".join(line_problems(label)) or None


LABEL_CHECKS: list[LabelCheck] = [_line_breaks]


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

    def __str__(self) -> str:
        return f"{self.w:.0f}×{self.h:.0f} at ({self.x:.0f}, {self.y:.0f})"


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


def drags(scroll: Any) -> bool:
    """A page a finger moves: it can be dragged and its content is larger than its window."""
    content = scroll.children[0] if scroll.children else None
    if content is None:
        return False
    return bool(
        (scroll.do_scroll_y and content.height > scroll.height + 1)
        or (scroll.do_scroll_x and content.width > scroll.width + 1)
    )


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


def is_list_row(piece: Any) -> bool:
    """A piece of a page that is one entry of a list (a row of choices, a checklist line, a
    review line with its 修改): lists may run over several turns of the page; every other piece
    with a control in it (the answer box's keypad or keyboard …) must be on screen at once."""
    from kivy.uix.gridlayout import GridLayout

    if getattr(piece, "page_row", False):
        return True
    return isinstance(piece, GridLayout) and type(piece).__name__ != "Keypad"


def _pieces_in_view(root: Any, name: Callable[[Any], str]) -> list[str]:
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.scrollview import ScrollView

    if root is None:
        return []
    out: list[str] = []
    for scroll in visible(root):
        if not isinstance(scroll, ScrollView) or not scroll.children:
            continue
        view = box(scroll)
        for piece in scroll.children[0].children:
            if is_list_row(piece):
                continue
            controls = [w for w in _all(piece) if isinstance(w, ButtonBehavior)]
            if not controls:
                continue
            if piece.opacity <= 0 or not inside(box(piece), view):
                out.append(f"{name(controls[-1])}: its controls are not all on screen at once")
    return out


def _all(widget: Any) -> Iterator[Any]:
    yield widget
    for child in widget.children:
        yield from _all(child)


def audit(
    roots: list[Any], style: Any, window_size: tuple[int, int], target_min: int = TARGET_MIN
) -> list[str]:
    """Every breach of the numbers on screen now, as readable lines (empty = all good)."""
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label

    factor = FONT_SCALE_FACTORS.get(style.scale_name, 1.0)
    screen = Box(0, 0, *window_size)
    problems: list[str] = []
    if len(roots) > 1:
        roots = roots[-1:]  # a confirmation covers the whole screen: only it can be touched
    widgets = [w for root in roots for w in visible(root)]
    texts = [w for w in widgets if isinstance(w, Label) and w.text.strip()]
    targets = [w for w in widgets if isinstance(w, ButtonBehavior)]

    def name(w: Any) -> str:
        text = " ".join(str(getattr(w, "text", "")).split())
        return f"{type(w).__name__}({text[:16]!r})"

    def where(w: Any) -> Box | None:
        """The part of ``w`` a resident can see (None: out of its page's window)."""
        b = box(w)
        scroll = scroller_of(w)
        if scroll is not None:
            return b.clip(box(scroll))
        return b

    for w in texts:
        title = (
            type(w).__name__ in ("TitleLabel", "DisplayLabel") or getattr(w, "step", "") == "title"
        )
        least = (TITLE_MIN if title else BODY_MIN) * factor
        if w.font_size + TOL < least:
            problems.append(f"{name(w)}: font {w.font_size:.0f} px < {least:.0f} px")
        ratio = contrast_ratio(tuple(w.color), tuple(background_of(w, style.background)))
        if ratio + 0.01 < CONTRAST_MIN:
            problems.append(f"{name(w)}: contrast {ratio:.1f}:1 < 7:1")
        tw, th = w.texture_size
        if tw < 1 or th < 1:
            problems.append(f"{name(w)}: its words are not shown ({w.width:.0f}×{w.height:.0f})")
        elif tw > w.width + 1 or th > w.height + 1:
            problems.append(
                f"{name(w)}: text {tw:.0f}×{th:.0f} cut off in {w.width:.0f}×{w.height:.0f}"
            )
        b = box(w)
        if scroller_of(w) is None and not inside(b, screen) and (b.w > 0 and b.h > 0):
            problems.append(f"{name(w)}: outside the window, {b}")
        for check in LABEL_CHECKS:
            found = check(w)
            if found:
                problems.append(f"{name(w)}: {found}")

    for w in targets:
        if w.width + TOL < target_min or w.height + TOL < target_min:
            problems.append(
                f"{name(w)}: target {w.width:.0f}×{w.height:.0f} < {target_min}×{target_min}"
            )
        b = box(w)
        scroll = scroller_of(w)
        if scroll is not None and drags(scroll):
            problems.append(f"{name(w)}: target inside a scrolling page")
        elif scroll is not None and where(w) is None:
            continue  # on another turn of its page (往上翻 / 往下翻), not on screen now
        elif not inside(b, screen):
            problems.append(f"{name(w)}: target outside the window, {b}")
        elif scroll is not None and not inside(b, box(scroll)):
            problems.append(f"{name(w)}: target partly hidden, {b}")

    problems += _pieces_in_view(roots[-1] if roots else None, name)

    seen: list[tuple[Any, Box]] = [(w, v) for w in targets if (v := where(w)) is not None]
    for i, (a, ba) in enumerate(seen):
        for c, bc in seen[i + 1 :]:
            if related(a, c):
                continue
            gap = ba.gap(bc)
            if gap + TOL < GAP_MIN:
                problems.append(f"{name(a)} and {name(c)}: {gap:.0f} px apart < {GAP_MIN} px")

    loose: list[tuple[Any, Box]] = [
        (w, v)
        for w in texts
        if not inside_button(w)
        and not isinstance(w, ButtonBehavior)
        and (v := where(w)) is not None
    ]
    for i, (a, ba) in enumerate(loose):
        for c, bc in loose[i + 1 :]:
            if ba.overlaps(bc):
                problems.append(f"{name(a)} overlaps {name(c)}")
    return list(dict.fromkeys(problems))
