"""Printing the form through a real cupsd to the real cups-pdf printer (started by the test):
the page carries every answer, nothing of it stays behind, and every fault is one plain
sentence with the queued submission untouched."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.content import ContentPack
from kiosk.printing.a4 import JOB_TITLE, CupsQueue, health_from_config
from kiosk.printing.form_desk import FormDesk
from kiosk.submissions import submit
from offline_cache.outbox import Outbox
from tests.printing.conftest import STATION, case, pdf_text
from tools.cups_sandbox import CupsSandbox


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """TMPDIR for this process and the CUPS clients it starts, to see what is left in it."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield tmp


def _desk(pack: ContentPack, queue: CupsQueue) -> FormDesk:
    return FormDesk(queue, lambda: pack, station=STATION)


def _queued(outbox: Outbox, pack: ContentPack, desk: FormDesk, staff_id: str | None) -> str:
    payload = case()
    receipt = submit("legal_aid", payload, pack=pack, outbox=outbox, staff_id=staff_id)
    assert desk.remember("legal_aid", payload, receipt.code, staff_id=staff_id)
    return receipt.code


def test_the_printed_form_shows_every_answer_and_nothing_of_it_stays_behind(
    cups: CupsSandbox, pack: ContentPack, outbox: Outbox, private_tmp: Path, tmp_path: Path
) -> None:
    desk = _desk(pack, CupsQueue(cups.queue, server=str(cups.socket), timeout_s=30))
    code = _queued(outbox, pack, desk, staff_id="1001")
    result = desk.print_current()
    assert result.ok, result.message
    assert "打印好了" in result.message
    [printed] = cups.wait_for_output(1, timeout_s=30)
    text = pdf_text(printed)
    applicant = case()["applicant"]
    for expected in [
        "法律援助申请表",
        "王大山",
        applicant["id_number"],
        "13912345678",
        "武进区雪堰镇城湾村三组12号",
        "务工欠薪",
        "某建筑劳务公司",
        "在工地干了半年，包工头欠了三万块工钱不给。",
        "欠条、微信聊天记录",
        "4500",
        f"回执号：{code}",
        "代为填写：工作人员工号1001",
        "申请人签名",
        "按手印",
    ]:
        assert expected in text, expected
    # The job's name says nothing about the resident (cups-pdf names the file after it).
    assert printed.name.startswith(JOB_TITLE)
    # Nothing of the form is left in CUPS's spool, its temp dir, ours, or the data dir.
    assert cups.spool_files() == []
    assert [p for p in cups.temp_dir.rglob("*") if p.is_file()] == []
    assert [p for p in private_tmp.rglob("*") if p.is_file()] == []
    data_files = [p.name for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert all(name.startswith("kiosk.sqlite3") for name in data_files), data_files


def test_a_stopped_queue_gets_no_job_and_the_submission_stays_queued(
    cups: CupsSandbox, pack: ContentPack, outbox: Outbox
) -> None:
    desk = _desk(pack, CupsQueue(cups.queue, server=str(cups.socket), timeout_s=10))
    code = _queued(outbox, pack, desk, staff_id=None)
    before = outbox.get(code)
    cups.stop_queue()
    result = desk.print_current()
    assert not result.ok
    assert result.message.startswith("打印机暂停了，申请表没有打印。")
    assert "申请已经保存" in result.message and "补打" in result.message
    assert cups.idle() and cups.outputs() == [] and cups.spool_files() == []
    assert outbox.get(code) == before
    # Staff fix the printer and reprint: the form kept for this session comes out.
    cups.admin("cupsenable", cups.queue)
    assert desk.print_current().ok
    assert len(cups.wait_for_output(1, timeout_s=30)) == 1


def test_a_missing_queue_and_an_unreachable_server_are_said_plainly(
    cups: CupsSandbox, pack: ContentPack, outbox: Outbox, tmp_path: Path
) -> None:
    missing = _desk(pack, CupsQueue("NoSuchQueue", server=str(cups.socket)))
    code = _queued(outbox, pack, missing, staff_id=None)
    before = outbox.get(code)
    result = missing.print_current()
    assert not result.ok and result.message.startswith("打印机找不到，申请表没有打印。")
    assert missing.health().message == "找不到打印机“NoSuchQueue”"

    gone = _desk(pack, CupsQueue(cups.queue, server=str(tmp_path / "no-cupsd.sock")))
    gone.remember("legal_aid", case(), code, staff_id=None)
    result = gone.print_current()
    assert not result.ok and result.message.startswith("打印机连不上，申请表没有打印。")
    health = gone.health()
    assert (health.reachable, health.ready) == (False, False)
    assert outbox.get(code) == before
    assert cups.outputs() == []


def test_the_health_probe_reports_each_state_of_the_queue(cups: CupsSandbox) -> None:
    from kiosk.config import load_config

    def probe(queue: str, server: str) -> tuple[bool, bool, str]:
        config = load_config(
            None, env={}, overrides={"a4_printer.queue": queue, "a4_printer.server": server}
        )
        h = health_from_config(config)
        return h.reachable, h.ready, h.line()

    server = str(cups.socket)
    assert probe(cups.queue, server) == (True, True, "A4 打印机：正常")
    cups.reject_jobs()
    assert probe(cups.queue, server)[:2] == (True, False)
    assert "不接收" in probe(cups.queue, server)[2]
    cups.admin("cupsaccept", cups.queue)
    cups.stop_queue()
    assert "暂停" in probe(cups.queue, server)[2]
    assert probe("", server) == (False, False, "A4 打印机：未设置（配置 [a4_printer] queue）")


def test_a_page_the_printer_never_finishes_is_cancelled_and_leaves_nothing_in_the_spool(
    cups: CupsSandbox, pack: ContentPack, outbox: Outbox
) -> None:
    # A network printer on loopback that takes the connection and never reads or answers.
    listener = socket.create_server(("127.0.0.1", 0))
    taken: list[socket.socket] = []
    listener.settimeout(30)
    threading.Thread(target=lambda: taken.append(listener.accept()[0]), daemon=True).start()
    try:
        port = listener.getsockname()[1]
        cups.admin(
            "lpadmin", "-p", "Jammed", "-E", "-v", f"socket://127.0.0.1:{port}",
            "-m", "drv:///sample.drv/generic.ppd",
        )  # fmt: skip
        desk = _desk(pack, CupsQueue("Jammed", server=str(cups.socket), timeout_s=6))
        code = _queued(outbox, pack, desk, staff_id=None)
        before = outbox.get(code)
        started = time.monotonic()
        result = desk.print_current()
        assert time.monotonic() - started < 20
        assert not result.ok
        assert result.message.startswith("打印机没有打出申请表（这次打印已取消）。")
        deadline = time.monotonic() + 10
        while (cups.spool_files() or not cups.idle()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert cups.idle() and cups.spool_files() == []
        assert outbox.get(code) == before
    finally:
        for conn in taken:
            conn.close()
        listener.close()
