"""systemd's watchdog, fed from the Kivy main loop: a hung UI thread gets the kiosk restarted.

``READY=1`` goes out on the tick after the first frame (a resident can use the kiosk from then
on), then ``WATCHDOG=1`` every half of ``$WATCHDOG_USEC`` from a ``Clock`` interval. The pings
come from the same loop that draws and handles touches, so when that loop is stuck — a blocking
call, a deadlock — the pings stop and systemd restarts the service (``WatchdogSec=`` in
``deploy/village-legal-kiosk.service``). Outside systemd nothing is sent.
"""

from __future__ import annotations

import logging
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.appliance.notify import Notifier, watchdog_interval_s

log = logging.getLogger(__name__)


class SystemdWatchdog:
    """Readiness and keep-alive pings for one running App."""

    def __init__(self, notifier: Notifier, interval_s: float | None) -> None:
        self.notifier = notifier
        self.interval_s = interval_s  # systemd's WatchdogSec, or None when not watched
        self._pings: Any = None

    def bind(self, app: Any) -> None:
        """Wait for the App's first frame; say STOPPING=1 when it stops."""
        Window.bind(on_flip=self._first_frame)
        app.bind(on_stop=lambda *_a: self.stop())

    def _first_frame(self, *_args: Any) -> None:
        Window.unbind(on_flip=self._first_frame)
        # Not inside on_flip itself: the frame is on screen once the flip handlers are done.
        Clock.schedule_once(self._ready, 0)

    def _ready(self, _dt: float) -> None:
        self.notifier.ready("首页已显示，正常运行")
        if self.interval_s is not None:
            # Half the timeout, as sd_watchdog_enabled(3) advises: one late ping is not a hang.
            self._pings = Clock.schedule_interval(self._ping, self.interval_s / 2)
            log.info("已向 systemd 报告启动完成；每 %g 秒报告一次仍在运行", self.interval_s / 2)

    def _ping(self, _dt: float) -> None:
        self.notifier.watchdog()

    def stop(self, status: str = "正在退出") -> None:
        """No more pings; tell systemd the exit that follows is deliberate."""
        if self._pings is not None:
            self._pings.cancel()
            self._pings = None
        self.notifier.stopping(status)


def start_watchdog(app: Any, notifier: Notifier | None = None) -> SystemdWatchdog:
    """Hook ``app`` (before ``app.run()``) up to systemd's notify socket, if there is one."""
    notifier = notifier or Notifier.from_environment()
    watchdog = SystemdWatchdog(notifier, watchdog_interval_s() if notifier.enabled else None)
    watchdog.bind(app)
    return watchdog
