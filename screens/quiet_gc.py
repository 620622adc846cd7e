"""Full garbage collections at moments nobody can feel: just after a touch's page is on screen.

CPython starts a full (generation 2) collection by itself after every ten young ones. On the
kiosk that was 100–300 ms each (tens of thousands of widgets, canvas instructions and bindings
left behind by the previous page), and because a page is built right when a finger lifts, the
collection almost always landed in the middle of a touch: the slow touches of ``benchmarks/ui.py``
(issue 5). The young generations stay automatic (a few ms each). The full collection runs here,
as soon as the frame showing what a touch did has been flipped — a resident is then reading the
new page and won't touch again for well over the collection's time. An automatic full collection
stays as a backstop if nothing here runs for a long time (a touch screen kept busy for hours).
"""

from __future__ import annotations

import gc
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

# CPython's own pace: a full collection after this many young (generation 1) collections.
FULL_AFTER = 10
# If touches never give us a moment, CPython collects by itself after this many.
BACKSTOP_AFTER = 20 * FULL_AFTER


class QuietCollector:
    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None
        self._touched = False
        self.collections = 0  # full collections run here (for tests and the admin's curiosity)

    def start(self) -> None:
        if self._saved is not None:
            return
        self._saved = gc.get_threshold()
        young, middle, _full = self._saved
        gc.set_threshold(young, middle, BACKSTOP_AFTER)
        Window.bind(on_touch_up=self._on_touch_up, on_flip=self._on_flip)

    def stop(self) -> None:
        if self._saved is None:
            return
        Window.unbind(on_touch_up=self._on_touch_up, on_flip=self._on_flip)
        gc.set_threshold(*self._saved)
        self._saved = None

    def _on_touch_up(self, *_args: Any) -> bool:
        self._touched = True
        return False  # never consume: the touch still reaches the widgets

    def _on_flip(self, *_args: Any) -> None:
        if not self._touched:
            return
        self._touched = False
        if gc.get_count()[2] >= FULL_AFTER:
            # Next tick: the frame is flipped first, and whoever else waits for it hears first.
            Clock.schedule_once(self._collect, 0)

    def _collect(self, _dt: float) -> None:
        gc.collect()
        self.collections += 1
