"""Full garbage collections at moments nobody can feel: just after a touch's page is on screen.

CPython starts a full (generation 2) collection by itself after every ten young ones. On the
kiosk that was 100–300 ms each (tens of thousands of widgets, canvas instructions and bindings
left behind by the previous page), and because a page is built right when a finger lifts, the
collection almost always landed in the middle of a touch: the slow touches of ``benchmarks/ui.py``
(issue 5). The young generations stay automatic (a few ms each). The full collection, when one is
due, runs here:

- on the tick after the frame that shows what a touch did — the resident is now reading the new
  page and won't touch again for well over the collection's time; if no frame follows (nothing
  changed on screen), half a second after the touch;
- once a minute while nobody touches the screen (the sync and voice threads allocate too).

CPython's own full collection stays as a backstop at a few times its usual interval.

After each full collection, glibc's ``malloc_trim(0)`` hands the heap pages the collection
freed back to the system (issue 18): without it the resident size keeps the high-water mark of
every page ever built. It costs about a millisecond, at the same quiet moment.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

# CPython's own pace: a full collection is due after this many young (generation 1) collections.
FULL_AFTER = 10
# If nothing here runs for a long while, CPython collects by itself after this many.
BACKSTOP_AFTER = 4 * FULL_AFTER
NO_FRAME_S = 0.5  # a touch that changed nothing on screen: collect this long after it
IDLE_CHECK_S = 60.0  # while nobody touches: look this often
IDLE_AFTER_S = 10.0  # …and collect if the last touch is at least this old


_release: Callable[[], None] | None = None


def release_freed_memory() -> None:
    """glibc's ``malloc_trim(0)``; nothing where the C library has none (musl, macOS). Looked
    up on first use: the first full collection comes after the first frame (start-up time)."""
    global _release
    if _release is None:
        _release = _malloc_trim()
    _release()


def _malloc_trim() -> Callable[[], None]:
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library already loaded (no search)
    except (OSError, AttributeError):
        return lambda: None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int

    def release() -> None:
        trim(0)

    return release


class QuietCollector:
    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._saved: tuple[int, int, int] | None = None
        self._after_touch: Any = None  # the pending "no frame came" fallback
        self._idle: Any = None
        self._last_touch = clock()
        self.collections = 0

    def start(self) -> None:
        if self._saved is not None:
            return
        self._saved = gc.get_threshold()
        young, middle, _full = self._saved
        gc.set_threshold(young, middle, BACKSTOP_AFTER)
        Window.bind(on_touch_up=self._on_touch_up)
        self._idle = Clock.schedule_interval(self._when_idle, IDLE_CHECK_S)

    def stop(self) -> None:
        if self._saved is None:
            return
        Window.unbind(on_touch_up=self._on_touch_up, on_flip=self._on_flip)
        for event in (self._after_touch, self._idle):
            if event is not None:
                event.cancel()
        self._after_touch = self._idle = None
        gc.set_threshold(*self._saved)
        self._saved = None

    @staticmethod
    def due() -> bool:
        return gc.get_count()[2] >= FULL_AFTER

    def _on_touch_up(self, *_args: Any) -> bool:
        self._last_touch = self._clock()
        if self._after_touch is None:
            Window.bind(on_flip=self._on_flip)
            self._after_touch = Clock.schedule_once(self._collect_if_due, NO_FRAME_S)
        return False  # never consume: the touch still reaches the widgets

    def _on_flip(self, *_args: Any) -> None:
        # The frame showing the touch is out. Collect on the next tick, so that whoever else
        # waits for this frame hears of it first.
        Window.unbind(on_flip=self._on_flip)
        if self._after_touch is not None:
            self._after_touch.cancel()
        self._after_touch = Clock.schedule_once(self._collect_if_due, 0)

    def _collect_if_due(self, _dt: float) -> None:
        Window.unbind(on_flip=self._on_flip)
        self._after_touch = None
        if self.due():
            self.collect()

    def _when_idle(self, _dt: float) -> None:
        if self.due() and self._clock() - self._last_touch >= IDLE_AFTER_S:
            self.collect()

    def collect(self) -> None:
        gc.collect()
        release_freed_memory()
        self.collections += 1
