"""``[receipt_printer] driver = "cups"``: the slip goes through a real private cupsd (the A4
tests' sandbox) to a raw queue whose device is the loopback raw-9100 printer — the bytes that
arrive are the same raster, the QR code reads back; a stopped queue is a plain "连不上"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from kiosk import receipts
from kiosk.config import load_config
from kiosk.devices.factory import receipt_printer_from_config
from kiosk.devices.receipt_printer import PrinterState, ReceiptPrinter
from kiosk.printing import layouts
from kiosk.printing.slip import render
from tests.printing.conftest import STATION, qr_texts
from tools.cups_sandbox import CupsSandbox
from tools.escpos_listener import EscposListener, raster_images

CODE = receipts.with_check("23456789234")


def _slip_queue(cups: CupsSandbox, port: int, monkeypatch: pytest.MonkeyPatch) -> ReceiptPrinter:
    # A raw queue: CUPS hands the ESC/POS bytes to the printer untouched.
    cups.admin("lpadmin", "-p", "slip", "-E", "-v", f"socket://127.0.0.1:{port}", "-m", "raw")
    monkeypatch.setenv("CUPS_SERVER", str(cups.socket))
    overrides = {"receipt_printer.driver": "cups", "receipt_printer.queue": "slip"}
    return receipt_printer_from_config(load_config(env={}, overrides=overrides))


def test_a_slip_through_a_cups_raw_queue_arrives_as_the_same_raster(
    cups: CupsSandbox,
    listener: Callable[..., EscposListener],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printer = listener("ok")
    slip = layouts.receipt_slip(
        code=CODE, title="回执", lines=[], station=STATION, when=datetime.now()
    )
    image = render(slip, 80)
    status = _slip_queue(cups, printer.port, monkeypatch).print_image(image)
    assert status.can_print and not status.answered and "送去打印" in status.message
    assert printer.wait_for(b"\x1dV\x00", timeout=30)
    (printed,) = raster_images(printer.printed())
    assert printed.tobytes() == image.tobytes()
    assert qr_texts(printed) == [layouts.query_hint(CODE)]
    assert not cups.spool_files()  # no copy of the job left in CUPS's spool


def test_a_stopped_cups_queue_says_so_and_sends_nothing(
    cups: CupsSandbox,
    listener: Callable[..., EscposListener],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printer = listener("ok")
    queue = _slip_queue(cups, printer.port, monkeypatch)
    cups.stop_queue("slip")
    status = queue.print_image(
        render(
            layouts.printer_test_slip(
                station=STATION, printer="slip", width_mm=80, when=datetime.now()
            ),
            80,
        )
    )
    assert status.state is PrinterState.UNREACHABLE and "已停用" in status.staff_line
    assert printer.jobs == []
