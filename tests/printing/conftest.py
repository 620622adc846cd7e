"""Shared set-up for the printing tests: a real private cupsd with a cups-pdf queue
(tools/cups_sandbox.py) for the A4 form; a loopback raw-9100 printer (tools/escpos_listener.py)
and a QR reader (zbar) for the thermal slips."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from kiosk import receipts
from kiosk.config import load_config
from kiosk.devices.factory import receipt_printer_from_config
from kiosk.devices.receipt_printer import ReceiptPrinter
from kiosk.printing.application_form import FormFacts
from tests.rules.conftest import BASE_CASE, TODAY, case, pack
from tests.sync.conftest import keys, outbox
from tools.cups_sandbox import CupsSandbox, unavailable_reason
from tools.escpos_listener import EscposListener

CODE = receipts.with_check("23456789234")  # 2345 6789 2343
STATION = "演示村公共法律服务工作室"


def facts(staff_id: str | None = None, day: date = TODAY) -> FormFacts:
    return FormFacts(CODE, day, STATION, staff_id)


def pdf_text(pdf: bytes | Path) -> str:
    """What a person reads on the page (poppler's pdftotext), spaces and line breaks removed."""
    args = ["pdftotext", "-layout", str(pdf) if isinstance(pdf, Path) else "-", "-"]
    done = subprocess.run(
        args,
        input=None if isinstance(pdf, Path) else pdf,
        capture_output=True,
        timeout=30,
        check=True,
    )
    return "".join(done.stdout.decode("utf-8").split())


@pytest.fixture
def cups() -> Iterator[CupsSandbox]:
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with CupsSandbox() as sandbox:
        yield sandbox


def qr_texts(image: Image.Image) -> list[str]:
    """What the QR codes in ``image`` hold, read by zbar (a real decoder, not our encoder)."""
    from pyzbar.pyzbar import ZBarSymbol, decode

    return [d.data.decode("utf-8") for d in decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE])]


def network_printer(
    port: int, width_mm: int = 80, timeout_s: int = 1, **more: Any
) -> ReceiptPrinter:
    """The printer the config ``[receipt_printer] driver = "network"`` builds, at ``port``."""
    overrides = {
        "receipt_printer.driver": "network",
        "receipt_printer.host": "127.0.0.1",
        "receipt_printer.port": port,
        "receipt_printer.width_mm": width_mm,
        "receipt_printer.status_timeout_s": timeout_s,
        **more,
    }
    return receipt_printer_from_config(load_config(env={}, overrides=overrides))


@pytest.fixture
def listener() -> Iterator[Callable[..., EscposListener]]:
    started: list[EscposListener] = []

    def start(mode: str = "ok", **kwargs: Any) -> EscposListener:
        started.append(EscposListener(mode, **kwargs).start())
        return started[-1]

    yield start
    for each in started:
        each.stop()


__all__ = ["BASE_CASE", "TODAY", "case", "keys", "outbox", "pack"]
