"""The notary checklist's first view (issue 12): at 1280×800, 1366×768, 1024×768 and portrait
800×1280 with 特大 the first material and its 我已有 / 还缺 buttons are on screen under the title
with no page to turn (it used to be a whole piece too tall for what the title and a how-to line
left, so the first view was the title, empty space and 往下翻; at 1024×768 the title gives way
to body size for it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.ui


def _whole_in_view(widget: Any) -> bool:
    """Drawn, not hidden by the page, and inside the page's window (no turn needed)."""
    page_scroll = widget.parent
    while page_scroll is not None and type(page_scroll).__name__ != "PageScroll":
        page_scroll = page_scroll.parent
    assert page_scroll is not None
    x, y = widget.to_window(widget.x, widget.y)
    sx, sy = page_scroll.to_window(page_scroll.x, page_scroll.y)
    hidden = widget.opacity <= 0 or any(getattr(w, "opacity", 1) <= 0 for w in _parents(widget))
    return (
        not hidden
        and y >= sy - 1
        and y + widget.height <= sy + page_scroll.height + 1
        and x >= sx - 1
        and x + widget.width <= sx + page_scroll.width + 1
    )


def _parents(widget: Any) -> Iterator[Any]:
    w = widget.parent
    while w is not None and w is not w.parent:
        yield w
        w = w.parent


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768), (1024, 768), (800, 1280)])
def test_the_first_material_and_its_two_buttons_show_without_a_page_turn_at_特大(
    at: Any, size: tuple[int, int]
) -> None:
    kiosk = at(size)
    kiosk.tap("公证材料清单")
    kiosk.tap("继承")
    for _ in range(10):  # bounded: one tap per question
        if kiosk.screen.question is None:
            break
        kiosk.tap("是", exact=True)
    kiosk.pump(3)
    screen = kiosk.screen
    first = screen.result.documents[0]
    name = next(w for w in kiosk.walk() if getattr(w, "text", "") == first.label)
    yes = kiosk.beside(first.label, "我已有")
    missing = kiosk.beside(first.label, "✓ 还缺")
    assert screen.page.scroll.scroll_y >= 0.999  # the first view: no page turned
    for widget in (name, yes, missing):
        assert _whole_in_view(widget), (size, getattr(widget, "text", ""))
