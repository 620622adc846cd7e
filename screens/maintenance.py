"""The nightly maintenance restart, on Kivy's clock (the rules are ``kiosk.appliance.maintenance``).

Looks at the kiosk when the rules ask to, and when the night's restart is due and nobody is
using it, stops the App; ``main.main`` then exits with ``EXIT_CODE`` and systemd starts a fresh
process (``Restart=always``).

The quiet hour is read on the terminal's clock (``KioskApp.now``: the system time corrected by
the province's ``Date``, kiosk.terminal_clock), like every other time the kiosk keeps: a terminal
whose system clock is hours off still restarts at the configured hour of the real night, not in
the morning when residents arrive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta
from time import monotonic
from typing import Any

from kivy.clock import Clock

from kiosk.appliance.maintenance import EXIT_CODE, Activity, NightlyRestart, Restart

log = logging.getLogger(__name__)


class MaintenanceRestart:
    """Asks ``NightlyRestart`` when to look again; stops the App when it says so."""

    def __init__(
        self,
        app: Any,
        rules: NightlyRestart,
        *,
        clock: Callable[[], datetime],
        before_exit: Callable[[str], None] | None = None,
        uptime: Callable[[], float] | None = None,
    ) -> None:
        """``clock``: the time the quiet hour is read on (the terminal's). ``uptime``: seconds
        this process has run; given, the rules' start time is reckoned back from ``clock`` at
        each look, since the terminal clock moves when the province corrects it (and is only
        attached after the first frame, after this is armed)."""
        self.app = app
        self.rules = rules
        self.clock = clock
        self.before_exit = before_exit
        self.uptime = uptime
        self.exit_code = 0  # what main() returns: EXIT_CODE once the restart has begun
        self._event: Any = None

    def start(self) -> None:
        self._event = Clock.schedule_once(self.check, 0)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def activity(self) -> Activity:
        """The App as the rules see it."""
        manager, session = self.app.manager, self.app.session
        return Activity(
            on_home=manager is not None and manager.current == "home",
            resident_input=session.has_input,
            staff_signed_in=session.assisted,
            seconds_since_touch=session.idle_seconds(),
        )

    def check(self, _dt: float = 0) -> None:
        now = self.clock()
        if self.uptime is not None:
            self.rules.started = now - timedelta(seconds=self.uptime())
        decision = self.rules.decide(now, self.activity())
        if not isinstance(decision, Restart):
            self._event = Clock.schedule_once(self.check, decision.seconds)
            return
        self._event = None
        self.exit_code = EXIT_CODE
        log.info("%s：程序退出（退出码 %d），由 systemd 重新启动", decision.reason, EXIT_CODE)
        if self.before_exit is not None:
            self.before_exit("夜间例行重启")
        self.app.stop()


def start_maintenance_restart(
    app: Any, at: time | None, *, quiet_s: float, before_exit: Callable[[str], None] | None = None
) -> MaintenanceRestart | None:
    """Arm the nightly restart at ``at`` (None: never); ``quiet_s`` without a touch first."""
    if at is None:
        return None
    born = monotonic()

    def terminal_time() -> datetime:
        return datetime.fromtimestamp(app.now())

    restart = MaintenanceRestart(
        app,
        NightlyRestart(at, terminal_time(), quiet_s=quiet_s),
        clock=terminal_time,
        before_exit=before_exit,
        uptime=lambda: monotonic() - born,
    )
    app.bind(on_start=lambda *_a: restart.start())
    app.bind(on_stop=lambda *_a: restart.stop())
    return restart
