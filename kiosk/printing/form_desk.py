"""The A4 application form around 提交: assemble it and print it, and reprint it for staff.

The last legal-aid submission of the current session is kept in memory only (for 补打申请表 on
the staff screen) and forgotten when the session is wiped. :meth:`FormDesk.print_current` blocks
(assembly, then CUPS): the App calls it on a worker thread and shows its plain result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.content import ContentPack
from kiosk.printing.a4 import A4Printer, PrintResult, QueueHealth, not_configured
from kiosk.printing.application_form import FormFacts, FormUnavailable, InvalidCase, assemble_form

FORM_KIND = "legal_aid"  # the submission kind that has an A4 form
PRINTING = "正在打印申请表……"
AFTER = "申请已经保存，不受影响；请找工作人员补打申请表。"
NOTHING_TO_REPRINT = "这次服务还没有提交过法律援助申请，没有申请表可以补打。"


@dataclass(frozen=True)
class _Pending:
    payload: Mapping[str, Any]
    facts: FormFacts


class FormDesk:
    """Prints the application form of the session's legal-aid submission on the A4 queue."""

    def __init__(
        self,
        printer: A4Printer | None,
        pack: Callable[[], ContentPack],
        *,
        station: str,
    ) -> None:
        self.printer = printer
        self._pack = pack
        self.station = station
        self._current: _Pending | None = None
        self._lock = threading.Lock()

    @property
    def configured(self) -> bool:
        return self.printer is not None

    @property
    def has_form(self) -> bool:
        """A form of this session can be (re)printed."""
        return self._current is not None

    def remember(
        self,
        kind: str,
        payload: Mapping[str, Any],
        receipt_code: str,
        *,
        staff_id: str | None,
        day: date | None = None,
    ) -> bool:
        """Keep a just-submitted legal-aid payload for printing; False for other kinds."""
        if kind != FORM_KIND:
            return False
        facts = FormFacts(receipt_code, day or date.today(), self.station, staff_id)
        self._current = _Pending(dict(payload), facts)
        return True

    def forget(self) -> None:
        """The session ended: drop the kept answers."""
        self._current = None

    def print_current(self) -> PrintResult:
        """Assemble and print the session's form (blocking; one print at a time)."""
        pending = self._current
        if self.printer is None:
            return PrintResult(False, "本机没有设置 A4 打印机，不能打印申请表。")
        if pending is None:
            return PrintResult(False, NOTHING_TO_REPRINT)
        with self._lock:
            try:
                pdf = assemble_form(pending.payload, self._pack(), pending.facts)
            except (FormUnavailable, InvalidCase) as exc:
                return PrintResult(False, f"{str(exc).rstrip('。')}。{AFTER}")
            result = self.printer.print_pdf(pdf)
        return result if result.ok else PrintResult(False, result.message + AFTER)

    def health(self) -> QueueHealth:
        """The A4 queue's state for the health report (never raises)."""
        return self.printer.health() if self.printer is not None else not_configured()
