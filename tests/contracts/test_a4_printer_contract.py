"""The A4 printer the kiosk is given (``kiosk.printing.a4.A4Printer``): the real CUPS queue on a
private cupsd with cups-pdf, and ``tests.fakes.FakeA4Printer``, answer alike — a ready queue
prints and says so; a stopped one takes no job and says why in one plain sentence."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from kiosk.printing.a4 import A4Printer, CupsQueue
from tests.fakes import FakeA4Printer
from tools.cups_sandbox import CupsSandbox, unavailable_reason

PDF = (  # a one-page PDF with no text: the contract is about the queue, not the form
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Rig:
    printer: A4Printer
    stop: Callable[[], None]
    printed: Callable[[], int]


def _fake() -> Iterator[Rig]:
    fake = FakeA4Printer()
    yield Rig(fake, lambda: setattr(fake, "stopped", True), lambda: len(fake.printed))


def _cups() -> Iterator[Rig]:
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with CupsSandbox() as cups:
        queue = CupsQueue(cups.queue, server=str(cups.socket), timeout_s=30)
        yield Rig(queue, cups.stop_queue, lambda: len(cups.outputs()))


@pytest.fixture(params=[_fake, _cups], ids=["fake", "cups"])
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    yield from request.param()


def test_a_ready_printer_prints_and_says_so(rig: Rig) -> None:
    assert rig.printer.health().ready
    result = rig.printer.print_pdf(PDF)
    assert result.ok and "打印好了" in result.message
    assert rig.printed() == 1


def test_a_stopped_printer_takes_no_job_and_says_why_plainly(rig: Rig) -> None:
    rig.stop()
    health = rig.printer.health()
    assert (health.configured, health.reachable, health.ready) == (True, True, False)
    assert "暂停" in health.message
    result = rig.printer.print_pdf(PDF)
    assert not result.ok
    assert result.message == "打印机暂停了，申请表没有打印。"
    assert rig.printed() == 0
