"""提交 with an A4 printer: the resident sees 正在打印申请表……, then a plain result, and the
receipt stays on screen whatever the printer does; staff reprint the form from their screen."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from kiosk import display_text
from kiosk.printing.form_desk import PRINTING
from tests.fakes import FakeA4Printer
from tests.rules.wizard_answers import NO_GROUP
from tests.ui.conftest import STAFF_ID
from tests.ui.harness import Kiosk

DEMO: dict[str, Any] = {
    "role": "self",
    **NO_GROUP,
    "matter": "unpaid_wages",
    "migrant": False,
    "exempt_matter": "none",
    "household": 3,
    "income": 4500,
    "name": "张桂英",
    "id_number": "320483195603150025",
    "phone": "13912345678",
    "opposing": "company",
    "opposing_name": "某某建筑公司",
    "facts": "在工地干了三个月，老板一直不给工钱。",
    "evidence": ["payslip"],
    "consent": True,
}


@pytest.fixture
def printer(kiosk: Kiosk) -> Iterator[FakeA4Printer]:
    fake = FakeA4Printer()
    kiosk.app.use_a4_printer(fake)
    yield fake
    if fake.gate is not None:
        fake.gate.set()
    kiosk.app.use_a4_printer(None)


def _submit_legal_aid(kiosk: Kiosk) -> str:
    kiosk.tap("申请法律援助")
    screen = kiosk.screen
    answers = {**DEMO, **screen.demo_address()}
    for _step, show in screen.walk(screen.demo_fill(answers)):
        show()
    kiosk.pump(2)
    kiosk.tap("提交申请")
    assert kiosk.screen.name == "receipt"
    return str(kiosk.screen.code)


def _wait_for_text(kiosk: Kiosk, fragment: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kiosk.pump(2)
        if any(fragment in t for t in kiosk.texts()):
            return
        time.sleep(0.02)
    raise AssertionError(f"{fragment!r} never shown; on screen: {kiosk.texts()}")


def test_submitting_prints_the_form_and_says_so_under_the_receipt(
    kiosk: Kiosk, printer: FakeA4Printer
) -> None:
    printer.gate = threading.Event()  # the page is still coming out
    code = _submit_legal_aid(kiosk)
    kiosk.pump(3)
    assert PRINTING in kiosk.texts()
    assert display_text.receipt_code(code) in kiosk.texts()
    printer.gate.set()
    _wait_for_text(kiosk, "申请表打印好了")
    assert display_text.receipt_code(code) in kiosk.texts()  # the receipt stays
    [pdf] = printer.printed
    assert pdf.startswith(b"%PDF")


def test_a_stopped_printer_is_said_plainly_and_the_receipt_and_submission_stay(
    kiosk: Kiosk, printer: FakeA4Printer
) -> None:
    printer.stopped = True
    code = _submit_legal_aid(kiosk)
    _wait_for_text(kiosk, "打印机暂停了，申请表没有打印。")
    texts = kiosk.texts()
    assert display_text.receipt_code(code) in texts
    assert any("申请已经保存" in t and "补打" in t for t in texts)
    assert kiosk.app.require_services().outbox.get(code).status == "queued"
    assert printer.printed == []

    # Staff fix the printer and reprint the session's form from the staff screen.
    printer.stopped = False
    kiosk.app.session.staff_sign_in(STAFF_ID, "admin")
    kiosk.app.flow.show("staff")
    kiosk.pump(2)
    kiosk.tap("补打申请表")
    _wait_for_text(kiosk, "申请表打印好了")
    assert len(printer.printed) == 1


def test_the_form_is_forgotten_when_the_session_ends(kiosk: Kiosk, printer: FakeA4Printer) -> None:
    _submit_legal_aid(kiosk)
    _wait_for_text(kiosk, "申请表打印好了")
    assert kiosk.app.forms.has_form
    kiosk.tap("办完了")
    kiosk.pump(2)
    assert not kiosk.app.forms.has_form
    kiosk.app.session.staff_sign_in(STAFF_ID, "admin")
    kiosk.app.flow.show("staff")
    kiosk.pump(2)
    assert not any("补打申请表" in t for t in kiosk.texts())


def test_without_an_a4_printer_nothing_is_printed_or_said(kiosk: Kiosk) -> None:
    code = _submit_legal_aid(kiosk)
    kiosk.pump(5)
    assert display_text.receipt_code(code) in kiosk.texts()
    assert not any("申请表" in t and "打印" in t for t in kiosk.texts())
    assert kiosk.app.forms is None or not kiosk.app.forms.has_form


def test_the_admin_screen_says_whether_the_a4_queue_can_print(
    kiosk: Kiosk, printer: FakeA4Printer
) -> None:
    from tests.ui.test_pack_admin import open_admin

    printer.stopped = True
    open_admin(kiosk)
    end = time.monotonic() + 30
    while (
        not any(t.startswith("A4 打印机：暂停") for t in kiosk.texts()) and time.monotonic() < end
    ):
        kiosk.pump(1, seconds=0.05)  # CUPS is asked off the Kivy thread
    line = next(t for t in kiosk.texts() if t.startswith("A4 打印机："))
    assert "暂停" in line
