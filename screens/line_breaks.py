"""Labels that break Chinese lines by the rules (kiosk.line_breaking), not per character.

:class:`BreaksLines` goes in front of ``Label`` (or ``Button``) in a widget's bases. When the
label renders, the core label is handed the text with the lines already broken (and long numbers
grouped, :func:`kiosk.display_text.group_numbers_in`), measured with the label's own font, so
Kivy never has to wrap it itself. ``label.text`` stays the text as written: what is read aloud,
searched by tests and audited is unchanged.

Kept cheap (start-up and touch → frame, docs/performance.md): a label without a wrapping width
(``text_size`` of ``None``) is left alone; a text that fits on one line costs one measurement;
results are cached by text, width and font, so the two or three renders a label gets while a
layout settles, and the same labels on the next visit, cost a dictionary look-up.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

from kivy.clock import Clock
from kivy.properties import NumericProperty

from kiosk.display_text import group_numbers_in
from kiosk.line_breaking import break_lines, line_rule_violations

_CACHE_SIZE = 2048
_cache: OrderedDict[tuple[Any, ...], tuple[str, bool]] = OrderedDict()
# Each character's width, per font (a few thousand characters at most).
_char_widths: dict[tuple[Any, ...], dict[str, float]] = {}


def rendered_paragraphs(label: Any) -> list[list[str]]:
    """The lines a label shows now, grouped by paragraph (a newline in the text ends one):
    after our breaking and any wrapping Kivy did itself."""
    core = getattr(label, "_label", None)
    cached = getattr(core, "_cached_lines", None) if core is not None else None
    if not cached:
        return [[str(label.text)]]
    paragraphs: list[list[str]] = [[]]
    for line in cached:
        paragraphs[-1].append("".join(word.text for word in line.words))
        if line.is_last_line:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def rendered_lines(label: Any) -> list[str]:
    """Every line a label shows now, in order."""
    return [line for paragraph in rendered_paragraphs(label) for line in paragraph]


def line_problems(label: Any) -> list[str]:
    """Breaches of the line-breaking rules in what ``label`` shows (kiosk.line_breaking), for
    the accessibility audit; an intended newline is no breach."""
    return [p for lines in rendered_paragraphs(label) for p in line_rule_violations(lines)]


def _broken(core: Any, text: str, width: float) -> tuple[str, bool]:
    """The text broken for ``width`` with the core label's font, and whether every line fits
    (a number too long for a whole line is left whole, and doesn't)."""
    opts = core.options
    key = (
        text,
        int(width),
        opts.get("font_size"),
        opts.get("font_name_r") or opts.get("font_name"),
        opts.get("bold"),
        opts.get("italic"),
    )
    hit = _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
        return hit
    shown = group_numbers_in(text)
    extents = core.get_cached_extents()
    font = key[2:]
    chars = _char_widths.get(font)
    if chars is None:
        chars = _char_widths[font] = {}

    room = math.floor(width)  # whole pixels, as Kivy wraps
    # How far a line may measure from its characters' sum: Chinese faces have no kerning, and
    # kerning between digits or Latin letters brings them closer (tests/ui/test_line_breaks.py
    # checks Kivy never wraps a line again on every page at the elders' sizes).
    slack = 1.0

    def measure(s: str) -> float:
        # Only how a line compares with ``room`` matters. SDL_ttf measuring a whole line of a
        # CJK font costs 1–2 ms (its glyphs are loaded again each time); a character measured
        # once is a look-up. So a line is the sum of its characters' advances, and measured
        # whole only when that sum is too close to the edge to tell.
        total = 0.0
        for ch in s:
            w = chars.get(ch)
            if w is None:
                w = chars[ch] = float(extents(ch)[0])
            total += w
        if abs(total - room) <= slack:
            return float(extents(s)[0])
        return total

    lines = [line.rstrip(" \u3000") for line in break_lines(shown, room, measure)]
    result = ("\n".join(lines), all(measure(line) <= room for line in lines))
    _cache[key] = result
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return result


# Rounds a label waits for the layouts above it before it renders anyway (Kivy's limit is 20).
_MAX_WAITS = 4


def _layout_pending_above(widget: Any) -> bool:
    """Is a layout above ``widget`` still to run before the next frame (its size may change)?"""
    parent = widget.parent
    while parent is not None and parent is not widget:
        trigger = getattr(parent, "_trigger_layout", None)
        if trigger is not None and trigger.is_triggered:
            return True
        widget, parent = parent, parent.parent
    return False


class BreaksLines:
    """Mixin for Label and Button subclasses: Chinese line breaking and grouped numbers.

    ``least_font_size`` (0: never) lets a label draw its text smaller, down to that size, when
    a number in it is too long for a whole line at its own size — an ID number typed in large
    print at 1280×800 — rather than break the number. The property keeps its value; only that
    rendering is smaller.
    """

    least_font_size = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Kivy renders a label on a trigger that may fire before the layouts above it have
        # given it its width: a wrapping label was broken, measured and laid out at widths it
        # never shows (100 px by default, then 0) — 7 of the 10 ms home's first frame spent on
        # text (docs/performance.md). The trigger now waits for those layouts; a direct
        # ``texture_update()`` still renders at once.
        self._waited_for_layout = 0
        self._trigger_texture.cancel()  # type: ignore[has-type]
        self._trigger_texture = Clock.create_trigger(self._texture_when_laid_out, -1)
        self._trigger_texture()

    def _texture_when_laid_out(self, *_: Any) -> None:
        label: Any = self  # a Kivy Label (this is its mixin)
        width = label.text_size[0] if label.text_size else None
        if width is not None and width <= 0:
            # No room yet (a layout has squeezed it to nothing on its way to the real width):
            # nothing can be laid out in it. Kivy would set every character on a line of its
            # own, and the label's height then re-lays out everything above it.
            if label.texture_size != [0, 0]:
                label.texture = None
                label.texture_size = [0, 0]
            return
        waited = self._waited_for_layout
        first = label.texture is None  # a label shown before keeps its width, mostly: no wait
        if width is not None and first and waited < _MAX_WAITS and _layout_pending_above(self):
            # Again after the layouts waiting now, in the same frame (a bounded number of times:
            # Kivy runs at most ``Clock.max_iteration`` such rounds before a frame).
            self._waited_for_layout = waited + 1
            self._trigger_texture()
            return
        self._waited_for_layout = 0
        self.texture_update()

    def texture_update(self, *largs: Any) -> None:
        core = getattr(self, "_label", None)
        text = getattr(self, "text", "")
        width = self.text_size[0] if self.text_size else None  # type: ignore[attr-defined]
        if core is not None:
            core.options["font_size"] = self.font_size  # type: ignore[attr-defined]
        if core is not None and text and width and not getattr(self, "markup", False):
            padding = core.options.get("padding") or (0, 0, 0, 0)
            room = float(width) - float(padding[0]) - float(padding[2])
            if room > 0:
                broken, fits = _broken(core, text, room)
                size = float(self.font_size)  # type: ignore[attr-defined]
                while not fits and size > self.least_font_size > 0:
                    size = max(float(self.least_font_size), size * 0.92)
                    core.options["font_size"] = size
                    broken, fits = _broken(core, text, room)
                core.text = broken
        elif core is not None and core.text != text:
            core.text = text  # the width went away: Kivy lays the text out as written
        super().texture_update(*largs)  # type: ignore[misc]
