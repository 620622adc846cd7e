"""Clock trouble on the admin screen (issue 18 item 4): staff read how far the terminal clock is
off, and the screens date things by the province's time."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from kiosk.terminal_clock import TerminalClock
from tests.ui.harness import Kiosk
from tests.ui.test_pack_admin import open_admin

pytestmark = pytest.mark.ui

DAY = 86400.0


def test_the_admin_screen_says_how_far_the_clock_is_off_and_that_it_was_corrected(
    kiosk: Kiosk,
) -> None:
    app = kiosk.app
    before = app.require_services()
    # A terminal whose RTC battery died: three days behind. Memory only (no store writes).
    behind = TerminalClock(system=lambda: time.time() - 3 * DAY)
    app.attach_services(replace(before, clock=behind))
    try:
        open_admin(kiosk)
        assert any("还没有和省系统对过时间" in t for t in kiosk.texts())
        now = time.time()
        behind.observe(now, now - 3 * DAY, now - 3 * DAY)  # the province's Date answers
        kiosk.screen.refresh()
        kiosk.pump(2)
        line = next(t for t in kiosk.texts() if t.startswith("本机时钟："))
        assert "慢了约 3 天" in line and "校准" in line
        # What the screens date by is the province's today, not the wrong system date.
        assert app.today().isoformat() == time.strftime("%Y-%m-%d", time.localtime(now))
    finally:
        app.attach_services(before)
