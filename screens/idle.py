"""Idle time: warn (read aloud, big 继续, ≥ 20 s), then wipe and go home.

Event-driven rather than polling: one ``Clock.schedule_once`` at the moment the idle time could
run out; touches only stamp the session (cheap), and the timer re-arms itself for the remaining
time when it fires early. Keeps idle CPU at the level of bare Kivy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.properties import NumericProperty, ObjectProperty
from kivy.uix.modalview import ModalView

from kiosk.session import Session


class IdleWarning(ModalView):  # type: ignore[misc]
    """Full-screen warning with a countdown and one big 继续 button (styles in idle.kv)."""

    seconds_left = NumericProperty(0)
    on_continue = ObjectProperty(None)


class IdleWatcher:
    """Watches the session's last activity; ``warn`` and ``expire`` are the app's callbacks."""

    def __init__(
        self,
        session: Session,
        *,
        timeout_s: float,
        warning_s: float,
        should_warn: Callable[[], bool],
        warn: Callable[[float], None],
        tick: Callable[[float], None],
        expire: Callable[[], None],
    ) -> None:
        self.session = session
        self.timeout_s = timeout_s
        self.warning_s = warning_s
        self._should_warn = should_warn
        self._warn = warn
        self._tick = tick
        self._expire = expire
        self.warning = False
        self._expire_at_idle = timeout_s  # idle seconds at which the current warning ends
        self._event: Any = None

    def start(self) -> None:
        self._arm(self.timeout_s - self.warning_s)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _arm(self, delay: float) -> None:
        self.stop()
        self._event = Clock.schedule_once(self._check, max(0.05, delay))

    def activity(self) -> None:
        """A touch: the resident is there. Ends a warning on the spot."""
        self.session.touch()
        if self.warning:
            self.warning = False
            self.start()

    def _check(self, _dt: float) -> None:
        idle = self.session.idle_seconds()
        warn_at = self.timeout_s - self.warning_s
        if not self.warning:
            if idle < warn_at:
                self._arm(warn_at - idle)
                return
            if not self._should_warn():
                # Nothing to lose: reset quietly (font size, colours) and wait again.
                self._expire()
                self.session.touch()
                self._arm(warn_at)
                return
            self.warning = True
            # The full warning time from the moment the warning shows, even when this timer
            # fired late (a busy CPU, a suspended clock): nobody loses answers unwarned.
            self._expire_at_idle = max(self.timeout_s, idle + self.warning_s)
            self._warn(self._expire_at_idle - idle)
        left = self._expire_at_idle - idle
        if left <= 0:
            self.warning = False
            self._expire()
            self.session.touch()
            self._arm(warn_at)
            return
        self._tick(left)
        self._arm(min(1.0, left))
