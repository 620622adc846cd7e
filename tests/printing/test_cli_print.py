"""``kiosk-admin print test|receipt`` and ``notary checklist -o/--print`` against the loopback
printer: what comes out on paper is read back, failures are one plain line and exit 1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from kiosk import display_text, receipts
from kiosk.admin.cli import main
from kiosk.content import ContentPack
from kiosk.printing import layouts
from tests.printing.conftest import qr_texts
from tests.rules.wizard_answers import legal_aid_answers
from tools.escpos_listener import EscposListener, raster_images

LISTENER = Callable[..., EscposListener]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_RECEIPT_PRINTER_STATUS_TIMEOUT_S", "1")
    return tmp_path / "data"


def test_print_test_shows_the_state_then_prints_a_readable_test_slip(
    listener: LISTENER, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    printer = listener("ok")
    code = main(
        ["print", "test", "--printer", f"127.0.0.1:{printer.port}", "--data-dir", str(data_dir)]
    )
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("小票打印机：正常") and "已打印" in out
    printer.wait_closed(1)
    (slip,) = raster_images(printer.printed())
    assert slip.width == 576 and qr_texts(slip)[0].startswith("打印测试")


@pytest.mark.parametrize(("mode", "words"), [("paper_out", "缺纸"), ("cover_open", "盖子开着")])
def test_print_test_on_a_printer_that_cant_print_exits_1_with_the_reason(
    listener: LISTENER, data_dir: Path, capsys: pytest.CaptureFixture[str], mode: str, words: str
) -> None:
    printer = listener(mode)
    code = main(
        ["print", "test", "--printer", f"127.0.0.1:{printer.port}", "--data-dir", str(data_dir)]
    )
    captured = capsys.readouterr()
    assert code == 1 and words in captured.err and "Traceback" not in captured.err
    assert captured.err.startswith("kiosk-admin: 没有打出来")


def test_print_test_without_a_configured_printer_says_so(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["print", "test", "--data-dir", str(data_dir)]) == 1
    assert "没有配置" in capsys.readouterr().err


def test_a_printer_name_that_makes_no_sense_is_a_plain_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["print", "test", "--printer", "usb:nothex", "--data-dir", str(data_dir)]) == 1
    assert "usb:厂家号:产品号" in capsys.readouterr().err


def test_print_receipt_reprints_a_queued_submission_without_personal_data(
    listener: LISTENER, data_dir: Path, pack: ContentPack, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.sealing import load_public_key
    from kiosk.submissions import submit
    from kiosk.wizards import legal_aid_payload
    from offline_cache.outbox import Outbox
    from offline_cache.store import Store
    from tools.provincial_sim.keys import init_keys

    keys = init_keys(data_dir.parent / "keys", "CZ-DEMO-0001")
    outbox = Outbox(
        Store(data_dir / "kiosk.sqlite3"), load_public_key(keys.public_key), "CZ-DEMO-0001"
    )
    receipt = submit(
        "legal_aid", legal_aid_payload(legal_aid_answers(), pack), pack=pack, outbox=outbox
    )
    printer = listener("ok")
    args = ["print", "receipt", receipt.code, "--printer", f"127.0.0.1:{printer.port}"]
    assert main([*args, "--data-dir", str(data_dir)]) == 0
    printer.wait_closed(1)
    (slip,) = raster_images(printer.printed())
    assert qr_texts(slip) == [layouts.query_hint(receipt.code)]
    unknown = display_text.receipt_code(receipts.with_check("22222222222"))
    assert main(["print", "receipt", unknown, "--data-dir", str(data_dir)]) == 1
    assert "本机没有回执号码" in capsys.readouterr().err


def test_notary_checklist_writes_the_take_home_slip_and_prints_it(
    listener: LISTENER,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printer = listener("ok")
    monkeypatch.setenv("KIOSK_RECEIPT_PRINTER_DRIVER", "network")
    monkeypatch.setenv("KIOSK_RECEIPT_PRINTER_HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_RECEIPT_PRINTER_PORT", str(printer.port))
    png = tmp_path / "slip.png"
    args = ["notary", "checklist", "inheritance", "--district", "wujin", "--have", "heirs_id"]
    assert (
        main([*args, "-o", str(png), "--width", "58", "--print", "--data-dir", str(data_dir)]) == 0
    )
    out = capsys.readouterr().out
    assert "小票图片已写到" in out and "已打印（notary）" in out
    image = Image.open(png)
    assert image.width == 384
    (text,) = qr_texts(image)
    assert text.startswith("继承公证材料清单\n还缺：") and "✓ 全部继承人的身份证和户口簿" in text
    printer.wait_closed(1)
    (printed,) = raster_images(printer.printed())
    assert printed.width == 576 and qr_texts(printed) == [text]  # the printer: the config's 80 mm
