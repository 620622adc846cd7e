"""The terminal's one clock: its system time corrected by what the province says the time is.

A village terminal's real-time-clock battery dies and there is no network time: the system clock
can be days or years off. Requests are signed with a timestamp the province accepts only within
five minutes of its own clock (docs/sync-protocol.md §4), and receipts, bookings, statistics and
the audit log are dated with it. So the terminal learns the offset from every answer of the
province (its HTTP ``Date`` header, over verified HTTPS), keeps it in the store (it survives a
restart without network), and everything that dates something asks this clock, never
``time.time()`` / ``date.today()`` directly.

``offset = province time − system time``: positive when the terminal is behind. Before the
terminal has ever heard from the province the offset is zero (the system time is all there is).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from offline_cache.clock_records import ClockRecord, ClockRecords
from offline_cache.store import Store, StoreError

log = logging.getLogger(__name__)

# Differences below this are network delay and the Date header's one-second resolution.
TOLERANCE_S = 3.0
# From this much on, staff are told (admin screen, log, health report).
NOTEWORTHY_S = 120.0


def describe_skew(offset_s: float) -> str:
    """``offset_s`` in plain words: "慢了约 3 天", "快了约 1 小时"."""
    direction = "慢了" if offset_s > 0 else "快了"
    size = abs(offset_s)
    if size >= 365 * 86400 * 0.95:
        amount = f"约 {size / (365 * 86400):.0f} 年"
    elif size >= 86400 * 0.95:
        amount = f"约 {size / 86400:.0f} 天"
    elif size >= 3600 * 0.95:
        amount = f"约 {size / 3600:.0f} 小时"
    elif size >= 60:
        amount = f"约 {size / 60:.0f} 分钟"
    else:
        amount = f"{size:.0f} 秒"
    return f"{direction}{amount}"


def date_header_time(value: str | None) -> float | None:
    """Unix seconds of an HTTP ``Date`` header, or ``None`` when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


class TerminalClock:
    """System time plus the offset learned from the province; thread-safe.

    ``system`` is the raw clock (tests fake a terminal days or years off). ``records`` keeps
    the offset across restarts (``None``: memory only, e.g. a benchmark).
    """

    def __init__(
        self,
        records: ClockRecords | None = None,
        *,
        system: Callable[[], float] = time.time,
    ) -> None:
        self.records = records
        self.system = system
        self._lock = threading.Lock()
        self._offset = 0.0
        self._observed_at = 0.0
        if records is not None:
            try:
                saved = records.load()
            except StoreError as exc:  # an unreadable store: run on the system clock
                log.warning("读不到上次校准的时间：%s", exc)
                saved = None
            if saved is not None:
                self._offset, self._observed_at = saved.offset_s, saved.observed_at

    # -- reading -----------------------------------------------------------------------------
    def now(self) -> float:
        """Corrected Unix seconds: what every timestamp on this terminal is."""
        return self.system() + self._offset

    def today(self) -> date:
        """The local calendar day by the corrected clock (ages, bookings, statistics)."""
        return date.fromtimestamp(self.now())

    def utcnow(self) -> datetime:
        """The corrected time as an aware UTC datetime (the audit log)."""
        return datetime.fromtimestamp(self.now(), UTC)

    @property
    def offset_s(self) -> float:
        """Province time − system time, in seconds (positive: the terminal is behind)."""
        return self._offset

    @property
    def observed_at(self) -> float:
        """When the offset was last learned (province time); 0 if never."""
        return self._observed_at

    def problem(self) -> str | None:
        """A plain sentence for staff when the system clock is noticeably off, else ``None``."""
        if abs(self._offset) < NOTEWORTHY_S:
            return None
        return (
            f"本机时钟比省系统{describe_skew(self._offset)}，已按省系统的时间记录；"
            "请工作人员校准终端的日期和时间（可能是主板电池没电了）"
        )

    # -- learning ----------------------------------------------------------------------------
    def observe(self, server_time: float, sent_system: float, received_system: float) -> bool:
        """Learn from one answer: ``server_time`` (the ``Date`` header, whole seconds) against
        the system time when the request left and when the answer came. True if the offset
        changed (then it is saved, and a change worth telling staff about is logged)."""
        # The header is truncated to the second: its true value is half a second later on
        # average; the answer was made somewhere between sending and receiving.
        sample = server_time + 0.5 - (sent_system + received_system) / 2
        with self._lock:
            if abs(sample - self._offset) < TOLERANCE_S:
                return False
            before = self._offset
            self._offset = sample
            self._observed_at = server_time
        self._save()
        self._log_change(before, sample)
        return True

    def _save(self) -> None:
        if self.records is None:
            return
        try:
            self.records.save(ClockRecord(self._offset, self._observed_at))
        except StoreError as exc:  # a full disk must not stop the sync: memory still has it
            log.warning("校准的时间没有存下：%s", exc)

    @staticmethod
    def _log_change(before: float, after: float) -> None:
        if abs(after) >= NOTEWORTHY_S:
            log.warning(
                "本机时钟比省系统%s，已按省系统的时间记录；请校准终端的日期和时间",
                describe_skew(after),
            )
        elif abs(before) >= NOTEWORTHY_S:
            log.info("本机时钟已与省系统一致")


def clock_of(store: Store) -> TerminalClock:
    """The terminal's clock with the offset kept in ``store`` (read-only stores work too)."""
    return TerminalClock(ClockRecords(store))
