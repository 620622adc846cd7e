"""打印 as a resident meets it: the slip comes out of the (loopback) printer with the QR code of
the screen; a printer that can't print says plainly what to do and the screen keeps the QR code
and the number; no printer, no 打印 button; staff reprint the session's last slip only."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from kiosk.devices.receipt_printer import PrinterState
from kiosk.devices.stand_ins import ScriptedReceiptPrinter
from kiosk.printing.desk import PrintDesk
from tests.printing.conftest import STATION, network_printer, qr_texts
from tests.ui.conftest import STAFF_ID, STAFF_PIN
from tests.ui.harness import Kiosk
from tools.escpos_listener import EscposListener, raster_images


def _until(kiosk: Kiosk, done: Callable[[], bool], seconds: float = 30.0) -> bool:
    """Run the clock until ``done()`` (the print job's answer hops back through it), bounded."""
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        kiosk.pump(1, seconds=0.05)
    return done()


def _printed(kiosk: Kiosk) -> bool:
    return _until(kiosk, lambda: kiosk.screen.print_button.text == "再打一次")


@pytest.fixture
def with_printer(kiosk: Kiosk) -> Iterator[Callable[[str], EscposListener]]:
    started: list[EscposListener] = []

    def attach(mode: str) -> EscposListener:
        started.append(EscposListener(mode).start())
        printer = network_printer(started[-1].port)
        kiosk.app.use_printer(PrintDesk(printer, station=STATION))
        return started[-1]

    yield attach
    kiosk.app.use_printer(None)
    for listener in started:
        listener.stop()


def _notary_take_home(kiosk: Kiosk) -> None:
    kiosk.tap("公证材料清单")
    kiosk.tap("继承")
    while kiosk.screen.question is not None:
        kiosk.tap("不是", exact=True)
    kiosk.tap("带清单回家")
    assert kiosk.screen.name == "receipt"


def test_the_notary_list_prints_with_the_screens_qr_code_and_nothing_left_on_disk(
    kiosk: Kiosk, with_printer: Callable[[str], EscposListener]
) -> None:
    printer = with_printer("ok")
    # Earlier tests on the shared kiosk ran without a printer and left their PNGs for staff.
    spooled_before = set(kiosk.app.receipts_dir.glob("*.png"))
    _notary_take_home(kiosk)
    assert kiosk.screen.saved_path is None  # a printer: no PNG spooled for staff
    kiosk.tap("打印", exact=True)
    assert _printed(kiosk)
    assert any("打好了" in t for t in kiosk.texts())
    printer.wait_closed(1)
    (slip,) = raster_images(printer.printed())
    assert qr_texts(slip) == [kiosk.screen.qr.qr_text]
    assert set(kiosk.app.receipts_dir.glob("*.png")) == spooled_before


def test_a_printer_without_paper_says_what_to_do_and_the_qr_code_stays(
    voiced, with_printer: Callable[[str], EscposListener]
) -> None:  # type: ignore[no-untyped-def]
    kiosk, _recognizer, speaker = voiced
    printer = with_printer("paper_out")
    _notary_take_home(kiosk)
    kiosk.tap("打印", exact=True)
    assert _printed(kiosk)
    message = next(t for t in kiosk.texts() if "打印纸用完了" in t)
    assert "工作人员" in message and "二维码" in message  # what she can do without paper
    assert message in speaker.said
    assert kiosk.screen.qr.parent is not None and kiosk.screen.qr.qr_text  # still there
    printer.wait_closed(1)
    assert raster_images(printer.printed()) == []
    kiosk.tap("再打一次", exact=True)  # paper changed? a second try is one tap
    assert _printed(kiosk)


def test_without_a_printer_there_is_no_print_button(kiosk: Kiosk) -> None:
    kiosk.app.use_printer(None)
    _notary_take_home(kiosk)
    assert "打印" not in kiosk.texts() and kiosk.screen.print_button is None
    assert any("请工作人员帮您打印" in t for t in kiosk.texts())  # the PNG for staff, as before


def test_a_topic_prints_as_a_leaflet_and_staff_reprint_it_until_the_session_ends(
    kiosk: Kiosk,
) -> None:
    fake = ScriptedReceiptPrinter()
    kiosk.app.use_printer(PrintDesk(fake, station=STATION))
    try:
        kiosk.tap("法律常识")
        kiosk.tap("讨工钱")
        kiosk.tap("打印", exact=True)
        assert _printed(kiosk) and len(fake.printed) == 1
        assert fake.printed[0].width == 576
        kiosk.tap("上一步")
        kiosk.tap("回首页")
        kiosk.tap("工作人员")
        kiosk.type_digits(STAFF_ID)
        kiosk.tap("下一步")
        kiosk.type_digits(STAFF_PIN)
        kiosk.tap("登录")
        assert kiosk.screen.name == "staff"
        assert _until(kiosk, lambda: any("小票打印机：正常" in t for t in kiosk.texts()))
        kiosk.tap("重印上一张")
        assert _until(kiosk, lambda: len(fake.printed) == 2)
        assert _until(kiosk, lambda: any("打好了" in t for t in kiosk.texts()))
        kiosk.tap("管理信息")
        assert _until(kiosk, lambda: any("小票打印机：正常" in t for t in kiosk.texts()))
        kiosk.app.end_session()
        kiosk.pump(3)
        assert kiosk.app.printer().last_slip is None  # the next resident can't get it
    finally:
        kiosk.app.use_printer(None)


def test_the_legal_aid_result_page_offers_打印_beside_提交申请(kiosk: Kiosk) -> None:
    fake = ScriptedReceiptPrinter(PrinterState.COVER_OPEN)
    kiosk.app.use_printer(PrintDesk(fake, station=STATION))
    try:
        screen = kiosk.app.manager.get_screen("legal_aid")
        kiosk.app.flow.show("legal_aid")
        steps = dict(screen.tour_steps())
        steps["result"]()
        kiosk.pump(3)
        assert screen.print_button is not None and screen.print_button.parent is not None
        kiosk.tap(screen.print_button)
        assert _until(kiosk, lambda: screen.print_button.text == "再打一次")
        assert any("盖子没有盖好" in t for t in kiosk.texts()) and fake.printed == []
    finally:
        kiosk.app.use_printer(None)


def test_every_screen_with_打印_meets_the_numbers_at_1280x800_in_every_scale_and_theme(
    kiosk: Kiosk,
) -> None:
    """The screens the tour shows without a printer, audited again with 打印 in their nav bar
    and with a failure's message on the page (the hardest: 1280×800)."""
    from kivy.core.window import Window

    from screens.audit import audit
    from screens.theme import FONT_SCALE_ORDER, THEMES

    fake = ScriptedReceiptPrinter(PrinterState.PAPER_OUT)
    kiosk.app.use_printer(PrintDesk(fake, station=STATION))
    app, problems = kiosk.app, []
    Window.size = (1280, 800)
    try:
        combos = [("default", s) for s in FONT_SCALE_ORDER] + [(t, "xlarge") for t in THEMES]
        for theme, scale in combos:
            app.style.apply(theme, scale)
            for name, step in (
                ("receipt", "code"),
                ("legal_aid", "result"),
                ("knowledge", "topic-wages"),
            ):
                screen = app.manager.get_screen(name)
                app.manager.current = name
                dict(screen.tour_steps())[step]()
                kiosk.pump(2)
                found = audit(kiosk.roots(), app.style, (1280, 800))
                assert screen.print_button is not None and screen.print_button.parent is not None
                kiosk.tap(screen.print_button)
                assert _until(kiosk, lambda s=screen: s.print_button.text == "再打一次")
                kiosk.pump(2)
                found += audit(kiosk.roots(), app.style, (1280, 800))
                problems += [f"{name}-{step} [{theme}/{scale}] {p}" for p in found]
            # The staff menu with 重印上一张 and the printer's line beside it.
            staff = app.manager.get_screen("staff")
            app.manager.current = "staff"
            staff.prepare({})
            assert _until(kiosk, lambda: any("小票打印机：缺纸" in t for t in kiosk.texts()))
            kiosk.find("重印上一张")
            kiosk.pump(2)
            found = audit(kiosk.roots(), app.style, (1280, 800))
            problems += [f"staff [{theme}/{scale}] {p}" for p in found]
    finally:
        Window.size = (1920, 1080)
        app.style.apply("default", "standard")
        kiosk.app.use_printer(None)
        kiosk.pump(2)
    problems = list(dict.fromkeys(problems))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def test_a_print_that_ends_after_the_session_does_not_speak_to_the_next_resident(
    voiced, with_printer: Callable[[str], EscposListener]
) -> None:  # type: ignore[no-untyped-def]
    kiosk, _recognizer, speaker = voiced
    with_printer("silent")  # the status question takes its whole 1 s timeout
    _notary_take_home(kiosk)
    screen = kiosk.screen
    kiosk.tap("打印", exact=True)
    kiosk.app.end_session()  # she walked away; the next resident is at the home screen
    assert _until(kiosk, lambda: screen.print_button.print_outcome is not None)
    kiosk.pump(3)
    assert not any("打印机" in said for said in speaker.said)
    assert not any("打印机没有回应" in t for t in kiosk.texts())
