"""Clock trouble (issue 18 item 4): a terminal whose clock is days or a year off still syncs.

The simulator is a real HTTPS process with the real time; the terminal's system clock is faked
±3 days, ±1 year and +1 hour. The terminal learns the offset from the province's ``Date``,
signs again once, and from then on dates receipts, bookings, statistics and the audit log by
the province's time — also after a restart without network (the offset is in the store).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.content import load_pack
from kiosk.health import HealthMonitor
from kiosk.sealing import load_public_key
from kiosk.stats import StatsRecorder
from kiosk.submissions import queue_sealed
from kiosk.sync.setup import build_agent
from kiosk.terminal_clock import TerminalClock, describe_skew
from kiosk.visits import BookingLedger
from offline_cache import BUNDLED_PACK_DIR
from offline_cache.clock_records import ClockRecords
from offline_cache.outbox import Outbox
from offline_cache.store import Store
from tests.sync.conftest import TERMINAL, Sim, resident, terminal_config
from tools.provincial_sim.keys import KeyFiles

DAY = 86400.0
YEAR = 365 * DAY
SKEWS = {
    "3 days behind": -3 * DAY,
    "3 days ahead": 3 * DAY,
    "a year behind": -YEAR,
    "a year ahead": YEAR,
    "an hour ahead": 3600.0,
}


class Terminal:
    """One terminal's store, outbox, clock and agent, built the way the kiosk builds them."""

    def __init__(self, keys: KeyFiles, sim: Sim, data: Path, skew_s: float) -> None:
        self.store = Store(data / "kiosk.sqlite3")
        self.clock = TerminalClock(ClockRecords(self.store), system=lambda: time.time() + skew_s)
        self.outbox = Outbox(
            self.store, load_public_key(keys.public_key), TERMINAL, clock=self.clock.now
        )
        config = terminal_config(
            keys, data, **{"provincial.endpoint": sim.url, "provincial.ca_file": str(keys.tls_cert)}
        )
        self.pack = load_pack(BUNDLED_PACK_DIR)
        self.health = HealthMonitor(
            terminal_id=TERMINAL, outbox=self.outbox, clock=self.clock, data_dir=data
        )
        self.agent = build_agent(
            config,
            self.store,
            self.outbox,
            pack=self.pack,
            audit=AuditLog(self.store, clock=self.clock.utcnow),
            pull_packs=False,
            read_timeout_s=10.0,
            clock=self.clock,
            health=self.health,
        )


@pytest.mark.parametrize("skew_s", list(SKEWS.values()), ids=list(SKEWS))
def test_a_terminal_with_a_wrong_clock_still_syncs_and_dates_everything_by_the_province(
    keys: KeyFiles,
    start_sim: Callable[..., Sim],
    tmp_path: Path,
    skew_s: float,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim = start_sim(tls=True)
    t = Terminal(keys, sim, tmp_path / "data", skew_s)
    queue_sealed(t.outbox, "legal_aid", resident(1), {})

    with caplog.at_level(logging.WARNING, logger="kiosk.terminal_clock"):
        report = t.agent.sync_now()

    assert report.accepted == 1 and not report.auth_failed, report.errors
    assert sim.count() == 1
    # The offset is learned (within the Date header's second and loopback's delay).
    assert abs(t.clock.offset_s + skew_s) < 3
    assert abs(t.clock.now() - time.time()) < 3
    # Staff are told plainly, on the admin screen and in the log.
    problem = t.clock.problem() or ""
    assert describe_skew(-skew_s) in problem and "校准" in problem
    assert any("本机时钟比省系统" in r.getMessage() for r in caplog.records)

    # Everything dated from now on is dated by the province's time.
    receipt = queue_sealed(t.outbox, "legal_aid", resident(2), {})
    assert abs(receipt.created_at - time.time()) < 5
    assert t.clock.today() == date.today()
    bookings = BookingLedger(t.store, t.pack, clock=t.clock)
    assert bookings.today() == date.today()
    stats = StatsRecorder(t.store, today=t.clock.today)
    stats.session_started("s1")
    wide = stats.usage.between(date.today() - timedelta(days=400), date.today() + timedelta(400))
    assert {c.labels.day for c in wide} == {date.today().isoformat()}
    audit = AuditLog(t.store, clock=t.clock.utcnow)
    audit.append("staff-1", "sync.manual", {"sent": 0})
    at = datetime.fromisoformat(audit.entries(action="sync.manual")[-1].at)
    assert abs(at.timestamp() - time.time()) < 5
    # The health report carries the skew for the bureau.
    assert abs(t.health.collect().clock_skew_s + skew_s) < 3

    # A restart without network still knows the offset.
    again = TerminalClock(
        ClockRecords(Store(tmp_path / "data" / "kiosk.sqlite3")), system=t.clock.system
    )
    assert abs(again.now() - time.time()) < 3


def test_a_right_clock_is_left_alone_and_nothing_is_reported(
    keys: KeyFiles, start_sim: Callable[..., Sim], tmp_path: Path
) -> None:
    sim = start_sim(tls=True)
    t = Terminal(keys, sim, tmp_path / "data", 0.0)
    queue_sealed(t.outbox, "legal_aid", resident(1), {})
    assert t.agent.sync_now().accepted == 1
    assert t.clock.offset_s == 0.0 and t.clock.problem() is None
    assert ClockRecords(t.store).load() is None  # nothing learned, nothing written


def test_when_the_province_gives_no_usable_time_the_refusal_says_to_set_the_clock(
    keys: KeyFiles, start_sim: Callable[..., Sim], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = start_sim(tls=True)
    t = Terminal(keys, sim, tmp_path / "data", -3 * DAY)
    queue_sealed(t.outbox, "legal_aid", resident(1), {})
    # A proxy that strips Date: the terminal can't learn, so it says plainly why it can't sync.
    monkeypatch.setattr("kiosk.sync.https_transport.date_header_time", lambda _v: None)
    report = t.agent.sync_now()
    assert report.auth_failed and report.accepted == 0
    assert "请先校准终端的日期和时间" in (report.last_error or "")
    assert t.outbox.counts().queued == 1


def test_small_differences_are_not_churned_into_the_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.sqlite3")
    clock = TerminalClock(ClockRecords(store), system=lambda: 1_000_000.0)
    assert not clock.observe(1_000_001.0, 1_000_000.0, 1_000_000.2)  # Date's own rounding
    assert clock.observe(1_000_000.0 + 3 * DAY, 1_000_000.0, 1_000_000.2)
    assert clock.today() == date.fromtimestamp(1_000_000.0) + timedelta(days=3)
    assert describe_skew(3 * DAY) == "慢了约 3 天"
    assert describe_skew(-YEAR) == "快了约 1 年"
    assert describe_skew(-3600) == "快了约 1 小时"


def test_the_id_number_page_judges_birth_dates_by_the_terminal_clock() -> None:
    """A baby born last month (a legal-aid application for a child) is refused as "born after
    today" by a terminal whose clock is a year behind — unless the page asks the terminal clock."""
    from stdnum.cn import ric

    from kiosk.wizards.rules import id_number_rule
    from kiosk.wizards.steps import Context

    born = date.today() - timedelta(days=30)
    first17 = f"320402{born:%Y%m%d}123"
    number = first17 + ric.calc_check_digit(first17 + "0")
    pack = load_pack(BUNDLED_PACK_DIR)
    a_year_behind = date.today() - timedelta(days=365)
    assert id_number_rule(number, Context(pack, today=a_year_behind)) is not None
    corrected = TerminalClock(system=lambda: time.time() - YEAR)
    corrected.observe(time.time(), time.time() - YEAR, time.time() - YEAR)
    assert id_number_rule(number, Context(pack, today=corrected.today())) is None
