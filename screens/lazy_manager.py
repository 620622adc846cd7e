"""A ScreenManager that builds screens when first needed, so the home screen shows at once.

Building all eleven screens (hundreds of widgets and kv rules) before the first frame tripled the
time from power-on to the home screen. Only home is built up front; the rest are built one per
frame right after the first frame (``build_rest_when_idle``), or on demand if a resident is faster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kivy.clock import Clock
from kivy.uix.screenmanager import Screen, ScreenManager


class LazyScreenManager(ScreenManager):  # type: ignore[misc]
    def __init__(self, factory: Callable[[str], Screen], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._factory = factory
        self._pending: list[str] = []

    def defer(self, names: Iterable[str]) -> None:
        """Register screens to be built later (kept in this order)."""
        for name in names:
            if name not in self._pending and not super().has_screen(name):
                self._pending.append(name)

    def has_screen(self, name: str) -> bool:
        return name in self._pending or bool(super().has_screen(name))

    def get_screen(self, name: str) -> Screen:
        if name in self._pending:
            self._build(name)
        return super().get_screen(name)

    def _build(self, name: str) -> None:
        self._pending.remove(name)
        screen = self._factory(name)
        # Laid out at its real size now, while nobody waits: otherwise every label of the screen
        # re-wraps and re-renders its text on the first touch that shows it.
        screen.size = self.size
        self.add_widget(screen)

    def build_rest_when_idle(self) -> None:
        """Build the deferred screens one per frame, so a touch never waits for all of them."""

        def step(_dt: float) -> None:
            if self._pending:
                self._build(self._pending[0])
                Clock.schedule_once(step, 0)

        Clock.schedule_once(step, 0)

    @property
    def pending(self) -> list[str]:
        return list(self._pending)
