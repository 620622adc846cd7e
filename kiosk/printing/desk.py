"""Printing one slip for a resident, off the Kivy thread, and the session's last slip for staff.

The screens hand a :class:`~kiosk.printing.slip.Slip` to :meth:`PrintDesk.start` and get the
printer's outcome back through ``done`` (on the worker thread: the screen hops to the Kivy
thread with ``Clock``). One job at a time; a second 打印 while one is printing is refused, not
queued, so a resident tapping twice gets one slip. The last slip asked for is kept in memory
for staff's 重印上一张 until the session is wiped; nothing is written to disk.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.devices.receipt_printer import PrinterState, PrinterStatus, ReceiptPrinter
from kiosk.printing.slip import Slip, render


@dataclass(frozen=True)
class PrintJob:
    """What happened to one 打印: the slip's kind and the printer's outcome."""

    kind: str
    status: PrinterStatus

    @property
    def printed(self) -> bool:
        return self.status.can_print

    @property
    def message(self) -> str:
        return self.status.message


class PrintDesk:
    """The terminal's slip printer as the screens use it."""

    def __init__(
        self, printer: ReceiptPrinter, *, configured: bool = True, station: str = ""
    ) -> None:
        self.printer = printer
        self.station = station  # printed at the top of every slip
        # False: no printer configured, so the screens show no 打印 (docs/devices.md).
        self.configured = configured
        self._job = threading.Lock()  # one job on the printer at a time
        self._guard = threading.Lock()
        self._running = False  # set by start() before its thread runs: two taps, one slip
        self._last: Slip | None = None

    @property
    def last_slip(self) -> Slip | None:
        """The last slip this session asked to print (for 重印上一张), or None."""
        return self._last

    def forget(self) -> None:
        """The session ended: staff can't reprint the previous resident's slip."""
        self._last = None

    def print_slip(self, slip: Slip) -> PrintJob:
        """Render and print ``slip`` now (blocks: call from a worker thread)."""
        self._last = slip
        if not self.configured:
            return PrintJob(slip.kind, PrinterStatus(PrinterState.NOT_CONFIGURED))
        with self._job:
            try:
                status = self.printer.print_image(render(slip, self.printer.width_mm))
            except Exception as exc:  # a driver or font fault is a failed print, never a crash
                status = PrinterStatus(PrinterState.INTERRUPTED, type(exc).__name__)
            return PrintJob(slip.kind, status)

    @property
    def busy(self) -> bool:
        return self._running

    def start(self, slip: Slip, done: Callable[[PrintJob], None]) -> bool:
        """Print on a worker thread; ``done(job)`` is called there. False when already printing."""
        with self._guard:
            if self._running:
                return False
            self._running = True

        def work() -> None:
            try:
                job = self.print_slip(slip)
            finally:
                self._running = False
            done(job)

        threading.Thread(target=work, name="print-slip", daemon=True).start()
        return True

    def health_in_background(self, done: Callable[[str], None]) -> None:
        """Ask the printer its state on a worker thread; ``done(staff line)`` is called there."""
        threading.Thread(
            target=lambda: done(printer_line(self)), name="printer-health", daemon=True
        ).start()

    def warm_up(self) -> None:
        """Load the font and python-escpos on a worker thread, so the first 打印 of the day
        doesn't wait for them (≈ 0.5 s on the terminal's CPU; docs/performance.md)."""
        if not self.configured:
            return

        def work() -> None:
            from datetime import datetime

            from kiosk.printing.layouts import receipt_slip

            self.printer.warm_up()
            # A sample receipt (no one's data) measures the characters most slips use.
            sample = receipt_slip(
                code="2" * 12, title="回执", lines=[], station=self.station, when=datetime.now()
            )
            with contextlib.suppress(Exception):  # a missing font shows at the first 打印
                render(sample, self.printer.width_mm)

        threading.Thread(target=work, name="printer-warm-up", daemon=True).start()

    def reprint(self, done: Callable[[PrintJob], None]) -> bool:
        """Print the session's last slip again (staff); False when there is none or busy."""
        slip = self._last
        return slip is not None and self.start(slip, done)


def printer_health(printer: ReceiptPrinter) -> PrinterStatus:
    """The printer's state for a health report (reachable, paper, cover). Blocks up to the
    printer's status timeout; never raises."""
    try:
        return printer.status()
    except Exception as exc:
        return PrinterStatus(PrinterState.UNREACHABLE, type(exc).__name__)


def printer_line(desk: PrintDesk | None) -> str:
    """The staff line of a terminal whose desk isn't asked (none configured)."""
    if desk is None or not desk.configured:
        return PrinterStatus(PrinterState.NOT_CONFIGURED).staff_line
    return printer_health(desk.printer).staff_line
