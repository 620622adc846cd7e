"""A real private cupsd with a cups-pdf queue (tools/cups_sandbox.py), started by the tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk import receipts
from kiosk.printing.application_form import FormFacts
from tests.rules.conftest import BASE_CASE, TODAY, case, pack
from tests.sync.conftest import keys, outbox
from tools.cups_sandbox import CupsSandbox, unavailable_reason

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


__all__ = ["BASE_CASE", "TODAY", "case", "keys", "outbox", "pack"]
