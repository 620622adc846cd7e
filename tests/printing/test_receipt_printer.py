"""The slip printer through python-escpos against a loopback raw-9100 printer: what it
receives is decoded back to an image and its QR code read by zbar; every fault ends in a plain
message and no crash, and a submission already queued is untouched."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kiosk import receipts
from kiosk.content import ContentPack
from kiosk.devices.receipt_printer import (
    EscposReceiptPrinter,
    PrinterState,
    ReceiptPrinter,
    decode_status,
)
from kiosk.devices.stand_ins import NoReceiptPrinter, ScriptedReceiptPrinter
from kiosk.printing import layouts
from kiosk.printing.desk import PrintDesk, PrintJob
from kiosk.printing.slip import PAPER_DOTS, render
from tests.printing.conftest import STATION, network_printer, qr_texts
from tests.rules.wizard_answers import legal_aid_answers
from tools.escpos_listener import EscposListener, raster_images

CODE = receipts.with_check("23456789234")
NOW = datetime(2026, 12, 7, 10, 30)
LISTENER = Callable[..., EscposListener]


def _slip() -> layouts.Slip:
    return layouts.receipt_slip(
        code=CODE, title="法律援助申请已提交", lines=["初步判断：符合。"], station=STATION, when=NOW
    )


@pytest.mark.parametrize("width_mm", [58, 80])
def test_the_printer_receives_the_slip_as_a_raster_image_whose_qr_code_reads_back(
    listener: LISTENER, width_mm: int
) -> None:
    printer = listener("ok")
    image = render(_slip(), width_mm)
    status = network_printer(printer.port, width_mm).print_image(image)
    assert status.state is PrinterState.READY and "打好了" in status.message
    assert printer.wait_closed(1)
    data = printer.printed()
    assert data.startswith(b"\x1dv0") and data.endswith(b"\x1dV\x00")  # one image, then a cut
    (printed,) = raster_images(data)
    assert printed.size == image.size and printed.width == PAPER_DOTS[width_mm]
    assert printed.tobytes() == image.tobytes()  # dot for dot
    assert qr_texts(printed) == [layouts.query_hint(CODE)]
    assert printer.jobs[0].status_questions == 6  # asked before and after the job


def test_chinese_goes_as_an_image_never_as_text_in_a_code_page(listener: LISTENER) -> None:
    printer = listener("ok")
    network_printer(printer.port).print_image(render(_slip(), 80))
    printer.wait_closed(1)
    assert "法律援助".encode("gb18030") not in printer.printed()


@pytest.mark.parametrize(
    ("mode", "state", "words"),
    [
        ("paper_out", PrinterState.PAPER_OUT, "打印纸用完了"),
        ("cover_open", PrinterState.COVER_OPEN, "盖子"),
        ("silent", PrinterState.NO_ANSWER, "没有回应"),
    ],
)
def test_a_printer_that_cant_print_is_asked_first_and_nothing_is_sent(
    listener: LISTENER, mode: str, state: PrinterState, words: str
) -> None:
    printer = listener(mode)
    started = time.monotonic()
    status = network_printer(printer.port, timeout_s=1).print_image(render(_slip(), 80))
    assert time.monotonic() - started < 5  # a silent printer costs the status timeout, no more
    assert status.state is state and words in status.message
    assert not status.can_print
    printer.wait_closed(1)
    assert b"\x1dv0" not in printer.printed()


def test_a_printer_dropping_the_connection_mid_job_is_reported_as_interrupted(
    listener: LISTENER,
) -> None:
    printer = listener("drop", drop_after=3000)
    status = network_printer(printer.port).print_image(render(_slip(), 80))
    assert status.state is PrinterState.INTERRUPTED
    assert "再打一次" in status.message


def test_an_unreachable_printer_says_so_plainly_with_the_address_for_staff() -> None:
    with EscposListener() as gone:
        port = gone.port  # a port nobody listens on any more
    status = network_printer(port).print_image(render(_slip(), 80))
    assert status.state is PrinterState.UNREACHABLE
    assert "没有连上" in status.message and "工作人员" in status.message
    assert f"127.0.0.1:{port}" in status.staff_line


def test_paper_running_low_prints_and_tells_the_resident_to_tell_staff(listener: LISTENER) -> None:
    printer = listener("paper_low")
    status = network_printer(printer.port).print_image(render(_slip(), 80))
    assert status.state is PrinterState.PAPER_LOW and "快用完" in status.message
    printer.wait_closed(1)
    assert len(raster_images(printer.printed())) == 1


def test_a_printer_that_cant_answer_status_is_not_asked(listener: LISTENER) -> None:
    printer = listener("silent")
    status = network_printer(printer.port, timeout_s=0).print_image(render(_slip(), 80))
    assert status.can_print and not status.answered and "送去打印" in status.message
    printer.wait_closed(1)
    assert printer.jobs[0].status_questions == 0 and len(raster_images(printer.printed())) == 1


def test_status_bytes_are_decoded_as_the_escpos_manual_says() -> None:
    assert decode_status(0x12, 0x12, 0x12) is PrinterState.READY
    assert decode_status(0x1A, 0x16, 0x12) is PrinterState.COVER_OPEN
    assert decode_status(0x1A, 0x32, 0x72) is PrinterState.PAPER_OUT
    assert decode_status(0x12, 0x12, 0x1E) is PrinterState.PAPER_LOW
    assert decode_status(0x1A, 0x52, 0x12) is PrinterState.OFFLINE  # an error, e.g. a jam
    assert decode_status(0x00, 0x12, 0x12) is PrinterState.NO_ANSWER  # not a status byte


# -- one contract for the stand-in and the real driver -----------------------------------------
@pytest.fixture(params=["scripted", "network"])
def printer_in(
    request: pytest.FixtureRequest, listener: LISTENER
) -> Iterator[Callable[[PrinterState], tuple[ReceiptPrinter, Callable[[], int]]]]:
    modes = {PrinterState.READY: "ok", PrinterState.PAPER_OUT: "paper_out"}

    def make(state: PrinterState) -> tuple[ReceiptPrinter, Callable[[], int]]:
        if request.param == "scripted":
            fake = ScriptedReceiptPrinter(state)
            return fake, lambda: len(fake.printed)
        real = listener(modes[state])

        def count() -> int:
            real.wait_closed(len(real.jobs))
            return len(raster_images(real.printed()))

        return network_printer(real.port), count

    yield make


def test_a_ready_printer_prints_one_slip(printer_in) -> None:  # type: ignore[no-untyped-def]
    printer, printed = printer_in(PrinterState.READY)
    assert printer.status().state is PrinterState.READY
    assert printer.print_image(render(_slip(), printer.width_mm)).can_print
    assert printed() == 1


def test_a_printer_without_paper_prints_nothing(printer_in) -> None:  # type: ignore[no-untyped-def]
    printer, printed = printer_in(PrinterState.PAPER_OUT)
    assert printer.status().state is PrinterState.PAPER_OUT
    assert not printer.print_image(render(_slip(), printer.width_mm)).can_print
    assert printed() == 0


# -- the desk: off the caller's thread, one at a time, the session's last slip ------------------
def _wait(jobs: list[PrintJob], n: int) -> None:
    deadline = time.monotonic() + 10
    while len(jobs) < n and time.monotonic() < deadline:
        time.sleep(0.02)


def test_two_quick_taps_print_one_slip(listener: LISTENER) -> None:
    printer = listener("ok")
    desk = PrintDesk(network_printer(printer.port))
    jobs: list[PrintJob] = []
    assert desk.start(_slip(), jobs.append)
    assert not desk.start(_slip(), jobs.append)
    _wait(jobs, 1)
    assert [j.printed for j in jobs] == [True]
    printer.wait_closed(1)
    assert len(printer.jobs) == 1


def test_staff_reprint_the_last_slip_of_this_session_only() -> None:
    printer = ScriptedReceiptPrinter()
    desk = PrintDesk(printer)
    jobs: list[PrintJob] = []
    assert not desk.reprint(jobs.append)  # nothing printed yet
    desk.print_slip(_slip())
    assert desk.reprint(jobs.append)
    _wait(jobs, 1)
    assert jobs[0].printed and len(printer.printed) == 2
    desk.forget()  # the session was wiped
    assert desk.last_slip is None and not desk.reprint(jobs.append)


def test_a_terminal_without_a_printer_says_so() -> None:
    desk = PrintDesk(NoReceiptPrinter(), configured=False)
    job = desk.print_slip(_slip())
    assert not job.printed and "没有接打印机" in job.message


def test_a_driver_that_raises_is_a_failed_print_not_a_crash() -> None:
    def broken() -> object:
        raise RuntimeError("USB stack fault")

    job = PrintDesk(EscposReceiptPrinter(broken)).print_slip(_slip())
    assert not job.printed and job.status.state is PrinterState.UNREACHABLE


def test_a_failed_print_leaves_the_queued_submission_untouched(
    listener: LISTENER, tmp_path: Path, pack: ContentPack
) -> None:
    from kiosk.sealing import load_public_key
    from kiosk.submissions import submit
    from kiosk.wizards import legal_aid_payload
    from offline_cache.outbox import Outbox
    from offline_cache.store import Store
    from tools.provincial_sim.keys import init_keys

    keys = init_keys(tmp_path / "keys", "CZ-TEST-0001", tls=False)
    outbox = Outbox(
        Store(tmp_path / "kiosk.sqlite3"), load_public_key(keys.public_key), "CZ-TEST-0001"
    )
    payload = legal_aid_payload(legal_aid_answers(), pack)
    receipt = submit("legal_aid", payload, pack=pack, outbox=outbox)
    before = outbox.get(receipt.code)
    for mode in ("paper_out", "drop"):
        printer = listener(mode, drop_after=1000)
        job = PrintDesk(network_printer(printer.port)).print_slip(_slip())
        assert not job.printed
    after = outbox.get(receipt.code)
    assert after is not None and after == before and after.status == "queued"


def test_a_serial_printer_through_a_pty_prints_and_answers_status(listener: LISTENER) -> None:
    from kiosk.config import load_config
    from kiosk.devices.factory import receipt_printer_from_config

    printer = listener("ok")
    overrides = {
        "receipt_printer.driver": "serial",
        "receipt_printer.device": printer.serial_port(),
        "receipt_printer.status_timeout_s": 2,
    }
    serial = receipt_printer_from_config(load_config(env={}, overrides=overrides))
    assert serial.status().state is PrinterState.READY
    assert serial.print_image(render(_slip(), 80)).state is PrinterState.READY
    assert printer.wait_for(b"\x1dV\x00")
    (printed,) = raster_images(printer.printed())
    assert qr_texts(printed) == [layouts.query_hint(CODE)]


def test_a_printer_failure_in_a_librarys_english_reaches_staff_as_a_plain_sentence() -> None:
    from kiosk.devices.receipt_printer import plain_reason

    reason = plain_reason(RuntimeError("USB device not found"))
    assert reason and not any(ch.isascii() and ch.isalpha() for ch in reason), reason
