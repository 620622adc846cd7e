"""What the admin screen shows about this terminal: no personal data, never raising."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from kiosk.config import KioskConfig
from kiosk.content import ContentPack
from kiosk.devices.idcard import STATE_MESSAGES, CardReader, ReaderState
from kiosk.stats import ALL, report
from offline_cache.outbox import Outbox, OutboxCounts
from offline_cache.store import Store

if TYPE_CHECKING:  # the binding loads ctypes: only its Protocol is needed here
    from kiosk.devices.handwriting import HandwritingRecognizer
    from kiosk.terminal_clock import TerminalClock

log = logging.getLogger(__name__)
USAGE_DAYS = 30  # the admin screen's "近 30 天使用情况"
T = TypeVar("T")


@dataclass(frozen=True)
class AdminInfo:
    terminal_id: str
    station_name: str
    pack_version: str
    pack_id: str
    pack_error: str
    voice: str  # the recognizer's state in words (voice.protocols.ModelStatus.staff_text)
    counts: OutboxCounts | None  # None when the outbox can't be read right now
    usage: dict[str, int] = field(default_factory=dict)  # service -> sessions started
    handwriting: str = ""  # 可以用 / why not
    clock: str = ""  # the terminal clock against the province's (kiosk.terminal_clock)
    now: float | None = None  # the terminal clock's time when these facts were read


def card_reader_text(reader: CardReader | None) -> str:
    """The ID-card reader's state for staff. Asking it opens the port and waits for an answer
    (about a second from a dead serial reader): call it off the Kivy thread — the admin screen
    does (``screens/admin.py``), so it is not part of :func:`admin_info`."""
    if reader is None:
        return STATE_MESSAGES[ReaderState.NOT_CONFIGURED]
    try:
        status = reader.status()
    except Exception:  # a driver fault must not take the admin screen down
        log.exception("admin info: the card reader's state could not be read")
        return "读不到身份证读卡器的状态。"
    return status.message + (f"（{status.detail}）" if status.detail else "")


def handwriting_text(recognizer: HandwritingRecognizer | None) -> str:
    """Whether the writing pad is offered, and why not when it isn't."""
    if recognizer is None:
        return "手写输入没有启用。"
    reason = recognizer.unavailable_reason
    return f"手写输入不能用：{reason}" if reason else "手写输入可以用。"


def admin_info(
    config: KioskConfig,
    *,
    pack: ContentPack | None,
    pack_error: str,
    voice: str,
    outbox: Outbox | None,
    store: Store,
    today: date | None = None,
    handwriting: HandwritingRecognizer | None = None,
    clock: TerminalClock | None = None,
) -> AdminInfo:
    """The facts for the admin screen. A part that can't be read (a busy or damaged store) is
    left empty and logged: staff still see the rest."""
    return AdminInfo(
        terminal_id=config.terminal_id,
        station_name=config.station_name,
        pack_version=(pack.version if pack is not None else "") or "未知",
        pack_id=(pack.pack_id if pack is not None else "") or "",
        pack_error=pack_error,
        voice=voice,
        counts=_read(outbox.counts) if outbox is not None else None,
        usage=_read(lambda: usage_by_service(store, today or _today(clock))) or {},
        handwriting=handwriting_text(handwriting),
        clock=clock_text(clock),
        now=clock.now() if clock is not None else None,
    )


def _today(clock: TerminalClock | None) -> date:
    return clock.today() if clock is not None else date.today()


def clock_text(clock: TerminalClock | None) -> str:
    """The terminal clock for staff: off by how much, or in step with the province."""
    if clock is None:
        return ""
    if clock.observed_at <= 0:
        return "还没有和省系统对过时间（联网同步后自动校正）"
    return clock.problem() or "与省系统一致"


def usage_by_service(store: Store, today: date) -> dict[str, int]:
    """Sessions started per service over the last ``USAGE_DAYS`` days (services used only)."""
    usage: dict[str, int] = {}
    for row in report(store, today - timedelta(days=USAGE_DAYS), today):
        if row.service != ALL and row.service:
            usage[row.service] = usage.get(row.service, 0) + row.sessions_started
    return {k: v for k, v in usage.items() if v}


def _read(fn: Callable[[], T]) -> T | None:
    try:
        return fn()
    except Exception:
        log.exception("admin info: a figure could not be read")
        return None
