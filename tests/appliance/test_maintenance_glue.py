"""screens.maintenance: the nightly restart looks at the App as a resident would see it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import pytest

from kiosk.appliance.maintenance import EXIT_CODE, RETRY_AFTER, NightlyRestart
from kiosk.session import Session
from kiosk.terminal_clock import TerminalClock
from screens.maintenance import MaintenanceRestart, start_maintenance_restart

QUIET_HOUR = datetime(2026, 3, 10, 3, 30)


@dataclass
class Manager:
    current: str = "home"


@dataclass
class App:
    """The parts of KioskApp the restart reads: the screen shown, the session, the terminal's
    clock (``now``); and stop(), bind()."""

    manager: Manager = field(default_factory=Manager)
    session: Session = field(default_factory=Session)
    stopped: bool = False
    clock: TerminalClock = field(default_factory=TerminalClock)

    def stop(self) -> None:
        self.stopped = True

    def now(self) -> float:
        return self.clock.now()

    def bind(self, **_handlers: Callable[..., None]) -> None:
        pass


def restart_for(app: App, notes: list[str]) -> MaintenanceRestart:
    rules = NightlyRestart(time(3, 30), QUIET_HOUR - timedelta(days=1), quiet_s=90)
    return MaintenanceRestart(app, rules, clock=lambda: QUIET_HOUR, before_exit=notes.append)


def test_at_the_quiet_hour_an_idle_home_screen_stops_the_app_with_the_restart_code(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    app, notes = App(), []
    app.session.last_activity -= 600  # nobody has touched the screen for ten minutes
    restart = restart_for(app, notes)
    restart.check()
    assert app.stopped and restart.exit_code == EXIT_CODE
    assert notes == ["夜间例行重启"]
    assert any("夜间例行重启（设定在 03:30）" in r.getMessage() for r in caplog.records)


def test_a_resident_half_way_through_a_form_keeps_the_kiosk_running() -> None:
    app, notes = App(Manager("legal_aid")), []
    app.session.last_activity -= 600
    app.session.draft("legal_aid").set("name", "张桂英")
    restart = restart_for(app, notes)
    restart.check()
    try:
        assert not app.stopped and restart.exit_code == 0 and notes == []
        # Asked again a few minutes later, not forgotten for the night.
        assert restart._event is not None
        assert restart._event.timeout == RETRY_AFTER.total_seconds()
    finally:
        restart.stop()


def test_the_quiet_hour_is_the_terminal_clocks_not_the_system_clocks() -> None:
    # The system clock is 3 hours behind; the province's Date taught the terminal clock so.
    system = [datetime(2026, 3, 10, 0, 30).timestamp()]
    app = App(clock=TerminalClock(system=lambda: system[0]))
    assert app.clock.observe(system[0] + 3 * 3600, system[0], system[0])
    app.session.last_activity -= 600  # idle on the home screen
    restart = start_maintenance_restart(app, time(3, 0), quiet_s=90)
    assert restart is not None
    restart.uptime = lambda: 20 * 3600.0  # running since the day before
    try:
        # 00:30 by the system, 03:30 by the terminal: the night's restart is due.
        restart.check()
        assert app.stopped and restart.exit_code == EXIT_CODE

        # 03:30 by the system is 06:30 by the terminal: morning, residents come; no restart.
        app, system[0] = App(clock=app.clock), datetime(2026, 3, 10, 3, 30).timestamp()
        app.session.last_activity -= 600
        restart = start_maintenance_restart(app, time(3, 0), quiet_s=90)
        assert restart is not None
        restart.uptime = lambda: 20 * 3600.0
        restart.check()
        assert not app.stopped and restart.exit_code == 0
    finally:
        restart.stop()
