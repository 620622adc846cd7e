"""Health for the bureau (issue 18 item 5): a signed report after each sync run, stored by the
simulator and listed on its /terminals page; ``kiosk-admin health`` says locally what needs staff.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from kiosk.admin.cli import main as kiosk_admin
from kiosk.health import (
    SNAPSHOT_NAME,
    HealthMonitor,
    ProbeResult,
    device_probes,
    read_snapshot,
)
from kiosk.sealing import load_public_key
from kiosk.submissions import queue_sealed
from kiosk.sync.agent import SyncAgent
from kiosk.sync.https_transport import HttpsTransport
from kiosk.sync.setup import health_hook
from kiosk.sync.signing import load_credentials
from kiosk.terminal_clock import TerminalClock
from offline_cache.clock_records import ClockRecords
from offline_cache.outbox import Outbox
from offline_cache.store import Store
from tests.sync.conftest import RESIDENT, TERMINAL, Sim, resident, terminal_config
from tools.provincial_sim.keys import KeyFiles

DAY = 86400.0


def _outbox(keys: KeyFiles, data: Path, clock: Callable[[], float] = time.time) -> Outbox:
    return Outbox(
        Store(data / "kiosk.sqlite3"), load_public_key(keys.public_key), TERMINAL, clock=clock
    )


def _monitor(outbox: Outbox, data: Path, **probes: Callable[[], ProbeResult]) -> HealthMonitor:
    return HealthMonitor(
        terminal_id=TERMINAL,
        outbox=outbox,
        clock=TerminalClock(ClockRecords(outbox.store)),
        data_dir=data,
        pack=lambda: "changzhou 1.0.0",
        probes=probes,
    )


def test_each_sync_run_sends_a_signed_report_the_simulator_keeps_and_lists(
    keys: KeyFiles, start_sim: Callable[..., Sim], tmp_path: Path
) -> None:
    sim = start_sim()
    data = tmp_path / "data"
    outbox = _outbox(keys, data)
    for i in range(3):
        queue_sealed(outbox, "legal_aid", resident(i), {})
    monitor = _monitor(outbox, data, **device_probes())
    agent = SyncAgent(outbox, HttpsTransport(sim.url, load_credentials(keys.credentials)))
    agent.after_run = [health_hook(monitor, agent)]

    report = agent.sync_now()

    assert report.accepted == 3 and report.facts["health_sent"] is True
    with sqlite3.connect(sim.db) as c:
        (stored,) = c.execute(
            "SELECT report FROM terminal_health WHERE terminal_id = ?", (TERMINAL,)
        )
    doc = json.loads(stored[0])
    assert doc["accepted"] == 3 and doc["queued"] == 0 and doc["pack"] == "changzhou 1.0.0"
    assert doc["last_success_at"] and abs(doc["last_success_at"] - time.time()) < 60
    assert doc["devices"]["voice"]["state"] == "absent"
    assert doc["disk_free_bytes"] > 0 and doc["memory_rss_bytes"] > 0
    # The demo page lists the terminal, in Chinese, read-only and without a signature.
    page = requests.get(sim.url.replace("/api/v1", "/terminals"), timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert TERMINAL in page.text and "各村终端运行情况" in page.text and "正常" in page.text
    # An unsigned report is refused like any other request.
    unsigned = requests.post(f"{sim.url}/health", json=doc, timeout=5)
    assert unsigned.status_code == 401


def test_the_report_carries_no_resident_data(
    keys: KeyFiles, start_sim: Callable[..., Sim], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    outbox = _outbox(keys, data)
    queue_sealed(outbox, "legal_aid", RESIDENT, {"service": "legal_aid", "district": "wujin"})
    doc = _monitor(outbox, data, **device_probes()).collect().to_json()
    text = json.dumps(doc, ensure_ascii=False)
    for value in RESIDENT.values():
        assert value not in text
    assert doc["queued"] == 1
    # Nor can a report smuggle any in: the province refuses fields it doesn't know.
    sim = start_sim()
    transport = HttpsTransport(sim.url, load_credentials(keys.credentials))
    assert transport.send_health({**doc, "applicant": RESIDENT["name"]}) is not None
    assert transport.send_health(doc) is None
    on_disk = b"".join(f.read_bytes() for f in sim.db.parent.glob(sim.db.name + "*"))
    assert RESIDENT["name"].encode() not in on_disk


def test_a_failing_probe_reads_as_a_fault_and_never_stops_the_report(
    tmp_path: Path, keys: KeyFiles
) -> None:
    outbox = _outbox(keys, tmp_path)

    def broken() -> ProbeResult:
        raise OSError("port gone")

    report = _monitor(outbox, tmp_path, printer=broken).collect()
    assert report.devices["printer"].state == "fault"


def _snapshot(data: Path, outbox: Outbox, **probes: Callable[[], ProbeResult]) -> None:
    monitor = _monitor(outbox, data, **probes)
    assert monitor.write() is not None


def _health(data: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = kiosk_admin(["health", "--data-dir", str(data), *extra])
    return code, capsys.readouterr().out


def test_kiosk_admin_health_is_quiet_when_all_is_well(
    keys: KeyFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outbox = _outbox(keys, tmp_path)
    queue_sealed(outbox, "legal_aid", resident(1), {})
    _snapshot(tmp_path, outbox, printer=lambda: ProbeResult("ok"))
    code, out = _health(tmp_path, capsys)
    assert code == 0, out
    assert "待发送 1 份" in out and "打印机：正常" in out and "一切正常" in out


def test_kiosk_admin_health_exits_2_for_a_queue_stuck_more_than_a_day(
    keys: KeyFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _outbox(keys, tmp_path, clock=lambda: time.time() - 2 * DAY)
    queue_sealed(old, "legal_aid", resident(1), {})
    code, out = _health(tmp_path, capsys)
    assert code == 2
    assert "已经等了 2 天还没送到省系统" in out and "设备状态不知道" in out
    code, out = _health(tmp_path, capsys, "--json")
    doc = json.loads(out)
    assert code == 2 and doc["oldest_waiting_s"] > DAY and doc["kiosk_running"] is False


def test_kiosk_admin_health_exits_2_for_a_printer_out_of_paper(
    keys: KeyFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outbox = _outbox(keys, tmp_path)
    _snapshot(
        tmp_path, outbox, printer=lambda: ProbeResult("fault", "打印机缺纸", needs_staff=True)
    )
    code, out = _health(tmp_path, capsys)
    assert code == 2 and "打印机：打印机缺纸" in out


def test_kiosk_admin_health_exits_2_when_the_disk_is_nearly_full(
    keys: KeyFiles,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _outbox(keys, tmp_path)
    monkeypatch.setattr("kiosk.health.disk_usage", lambda _p: (100 * 1024 * 1024, 32 * 1024**3))
    code, out = _health(tmp_path, capsys)
    assert code == 2 and "存储空间快满了（只剩 100 MB）" in out


def test_the_snapshot_is_written_on_its_own_timer_without_any_sync(
    keys: KeyFiles, tmp_path: Path
) -> None:
    outbox = _outbox(keys, tmp_path)
    monitor = _monitor(outbox, tmp_path)
    monitor.every_s = 0.05
    monitor.start()
    try:
        deadline = time.monotonic() + 5
        while not (tmp_path / SNAPSHOT_NAME).exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        monitor.stop()
    snapshot = read_snapshot(tmp_path / SNAPSHOT_NAME, time.time())
    assert snapshot is not None and snapshot.uptime_s is not None
    # A stale snapshot is not taken for a running kiosk.
    assert read_snapshot(tmp_path / SNAPSHOT_NAME, time.time() + 3600) is None


def test_openapi_health_schema_is_the_one_the_simulator_enforces() -> None:
    import yaml

    from tests.conftest import ROOT
    from tools.provincial_sim.schema import HEALTH_REPORT

    schemas = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))[
        "components"
    ]["schemas"]

    def plain(schema: dict[str, object]) -> dict[str, object]:
        """OpenAPI 3.0 → JSON Schema: ``nullable`` becomes a null type; no descriptions."""
        out = {k: v for k, v in schema.items() if k not in ("description", "nullable")}
        if schema.get("nullable"):
            out["type"] = [schema["type"], "null"]
        if "$ref" in schema:
            return plain(schemas[str(schema["$ref"]).rsplit("/", 1)[1]])
        for key in ("properties",):
            if isinstance(out.get(key), dict):
                out[key] = {n: plain(p) for n, p in out[key].items()}  # type: ignore[union-attr]
        for key in ("additionalProperties", "items"):
            if isinstance(out.get(key), dict):
                out[key] = plain(out[key])  # type: ignore[arg-type]
        return out

    assert plain(schemas["HealthReport"]) == HEALTH_REPORT


def test_an_a4_printer_out_of_paper_needs_staff_and_kiosk_admin_health_says_so(
    keys: KeyFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.fakes import FakeA4Printer

    printer = FakeA4Printer()
    outbox = _outbox(keys, tmp_path)
    probes = device_probes(a4_printer=printer)
    _snapshot(tmp_path, outbox, **probes)
    assert _health(tmp_path, capsys)[0] == 0
    printer.stopped = True  # the tray ran empty: CUPS paused the queue
    _snapshot(tmp_path, outbox, **probes)
    code, out = _health(tmp_path, capsys)
    assert code == 2 and "A4 打印机：暂停了（卡纸、缺纸或被停用），请检查打印机" in out
    assert device_probes()["a4_printer"]().state == "absent"  # none configured: no alarm


def test_kiosk_admin_sync_reports_the_kiosks_devices_and_leaves_its_snapshot_alone(
    keys: KeyFiles, start_sim: Callable[..., Sim], tmp_path: Path
) -> None:
    from kiosk.sync.setup import build_agent

    sim = start_sim()
    outbox = _outbox(keys, tmp_path)
    _snapshot(tmp_path, outbox, card_reader=lambda: ProbeResult("fault", "读卡器拔掉了", True))
    before = (tmp_path / SNAPSHOT_NAME).read_bytes()
    config = terminal_config(keys, tmp_path, **{"provincial.endpoint": sim.url})
    # What kiosk-admin sync builds: no health monitor of its own devices.
    agent = build_agent(config, outbox.store, outbox, pack=None, audit=None, pull_packs=False)
    assert agent.sync_now().facts["health_sent"] is True
    with sqlite3.connect(sim.db) as c:
        (stored,) = c.execute("SELECT report FROM terminal_health").fetchall()
    assert json.loads(stored[0])["devices"]["card_reader"]["state"] == "fault"
    assert (tmp_path / SNAPSHOT_NAME).read_bytes() == before


def test_a_slip_printer_out_of_paper_needs_staff(
    keys: KeyFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.devices.receipt_printer import PrinterState
    from kiosk.devices.stand_ins import ScriptedReceiptPrinter
    from kiosk.printing.desk import PrintDesk

    slip_printer = ScriptedReceiptPrinter(PrinterState.READY)
    probes = device_probes(receipt_printer=PrintDesk(slip_printer))
    assert probes["printer"]() == ProbeResult("ok")
    slip_printer.state = PrinterState.PAPER_OUT
    _snapshot(tmp_path, _outbox(keys, tmp_path), **probes)
    code, out = _health(tmp_path, capsys)
    assert code == 2 and "小票打印机：缺纸" in out
    assert device_probes()["printer"]().state == "absent"  # none configured: no alarm
