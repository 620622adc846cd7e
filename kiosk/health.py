"""The terminal's health, for the bureau (``POST /api/v1/health``) and for staff on site.

A small report of how the terminal itself is doing — never anything about residents: versions,
the outbox's counts and how long the oldest submission has waited, the last time the province
took something, the state of each device (voice, card reader, printer… as a list of named
probes, so a device added later brings its own), free disk, uptime, memory and clock skew.

- :func:`collect` builds a :class:`HealthReport` (Kivy-free; the probes are plain callables);
- :func:`staff_problems` says in plain words what needs a person (disk nearly full, queue stuck
  for more than a day, a device that says so — a printer out of paper);
- :class:`HealthMonitor` writes the local snapshot (``health.json`` in the data directory) on
  its own timer and after each sync run, and sends the report to the province after each run
  (:meth:`HealthMonitor.after_run`, an ``after_run`` hook of the sync agent);
- ``kiosk-admin health`` shows the same locally and exits 2 when staff are needed.

docs/sync-protocol.md §6b and docs/openapi.yaml describe the endpoint.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from kiosk import __version__
from kiosk.terminal_clock import NOTEWORTHY_S, TerminalClock, describe_skew
from offline_cache.outbox import Outbox

if TYPE_CHECKING:
    from kiosk.devices.idcard import CardReader
    from kiosk.printing.a4 import A4Printer
    from kiosk.printing.desk import PrintDesk
    from voice.protocols import Recognizer, Speaker

log = logging.getLogger(__name__)

SNAPSHOT_NAME = "health.json"
SNAPSHOT_EVERY_S = 300.0
# A snapshot older than this was not written by a running kiosk.
SNAPSHOT_FRESH_S = 3 * SNAPSHOT_EVERY_S
DISK_LOW_BYTES = 500 * 1024 * 1024
DISK_LOW_SHARE = 0.05
QUEUE_STUCK_S = 86400.0

ProbeState = Literal["ok", "busy", "fault", "absent"]
PROBE_STATES: tuple[ProbeState, ...] = ("ok", "busy", "fault", "absent")


@dataclass(frozen=True)
class ProbeResult:
    """One device's state: ``ok``, ``busy`` (e.g. a voice model still loading), ``fault``, or
    ``absent`` (none configured). ``detail`` is plain Chinese for staff; ``needs_staff`` when
    only a person can fix it (a printer out of paper, a reader unplugged)."""

    state: ProbeState
    detail: str = ""
    needs_staff: bool = False


Probe = Callable[[], ProbeResult]


def _probe_state(value: object) -> ProbeState:
    for state in PROBE_STATES:
        if value == state:
            return state
    return "fault"


@dataclass(frozen=True)
class HealthReport:
    """What ``POST /health`` carries and ``kiosk-admin health`` shows (no resident data)."""

    terminal_id: str
    generated_at: float  # by the terminal's corrected clock
    app_version: str
    pack: str  # "changzhou 2.1.0", or "" when no pack could be loaded
    queued: int
    sending: int
    rejected: int
    accepted: int
    oldest_waiting_s: float | None  # how long the oldest unsent submission has waited
    last_success_at: float | None  # when the province last took something
    devices: dict[str, ProbeResult]
    disk_free_bytes: int
    disk_total_bytes: int
    uptime_s: float | None  # of the kiosk program (None: not known here)
    memory_rss_bytes: int | None
    clock_skew_s: float  # province − terminal system clock
    last_sync_problem: str | None = None
    problems: list[str] = field(default_factory=list)  # what needs staff, plain words

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["devices"] = {name: asdict(p) for name, p in self.devices.items()}
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> HealthReport:
        fields = dict(doc)
        fields["devices"] = {
            str(name): ProbeResult(
                state=_probe_state(p.get("state")),
                detail=str(p.get("detail", "")),
                needs_staff=bool(p.get("needs_staff", False)),
            )
            for name, p in dict(doc.get("devices") or {}).items()
            if isinstance(p, dict)
        }
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in fields.items() if k in known})

    @property
    def needs_staff(self) -> bool:
        return bool(self.problems)


def voice_probe(recognizer: Recognizer | None) -> Probe:
    """Speech recognition: ready, still loading, or missing (with the reason)."""

    def probe() -> ProbeResult:
        if recognizer is None:
            return ProbeResult("absent", "没有安装语音识别")
        status = recognizer.status
        if status.state == "ready":
            return ProbeResult("ok")
        if status.state == "loading":
            return ProbeResult("busy", "正在加载语音模型")
        return ProbeResult("fault", status.reason or "语音识别不可用")

    return probe


def card_reader_probe(reader: CardReader | None) -> Probe:
    """The ID-card reader (its status opens the port: the probe runs off the Kivy thread).
    Unplugged or faulty needs staff: residents then have to type their number."""

    def probe() -> ProbeResult:
        if reader is None:
            return ProbeResult("absent", "没有配置读卡器")
        status = reader.status()
        if status.ok:
            return ProbeResult("ok")
        return ProbeResult("fault", status.message.rstrip("。"), needs_staff=True)

    return probe


def a4_printer_probe(printer: A4Printer | None) -> Probe:
    """The A4 queue for the application form (kiosk.printing.a4). A queue that exists but
    can't print — paused for a jam or an empty tray, not accepting jobs, CUPS unreachable —
    needs staff: residents then leave without their printed form."""

    def probe() -> ProbeResult:
        if printer is None:
            return ProbeResult("absent", "没有设置 A4 打印机")
        state = printer.health()
        if state.ready:
            return ProbeResult("ok")
        return ProbeResult("fault", state.message, needs_staff=state.configured)

    return probe


def receipt_printer_probe(desk: PrintDesk | None) -> Probe:
    """The slip printer (kiosk.printing.desk): out of paper, cover open, unreachable… need
    staff; a roll running low too (it prints, but not for long)."""

    def probe() -> ProbeResult:
        from kiosk.devices.receipt_printer import STAFF_WORDS, PrinterState
        from kiosk.printing.desk import printer_health

        if desk is None or not desk.configured:
            return ProbeResult("absent", "没有配置小票打印机")
        if desk.busy:  # a resident's slip is printing: don't ask the printer under it
            return ProbeResult("busy", "正在打印")
        status = printer_health(desk.printer)
        words = STAFF_WORDS[status.state]
        if status.state is PrinterState.READY:
            return ProbeResult("ok")
        if status.state is PrinterState.PAPER_LOW:
            return ProbeResult("ok", words, needs_staff=True)
        return ProbeResult("fault", words, needs_staff=True)

    return probe


def device_probes(
    *,
    recognizer: Recognizer | None = None,
    speaker: Speaker | None = None,
    card_reader: CardReader | None = None,
    a4_printer: A4Printer | None = None,
    receipt_printer: PrintDesk | None = None,
) -> dict[str, Probe]:
    """The probes of this kiosk's devices; a device added later brings its own
    (:meth:`HealthMonitor.add_probe`)."""
    return {
        "voice": voice_probe(recognizer),
        "speaker": lambda: ProbeResult("ok") if speaker is not None else ProbeResult("absent"),
        "card_reader": card_reader_probe(card_reader),
        "a4_printer": a4_printer_probe(a4_printer),
        "printer": receipt_printer_probe(receipt_printer),
    }


# -- measurements ----------------------------------------------------------------------------
def memory_rss_bytes() -> int | None:
    """This process's resident memory (Linux ``/proc``); ``None`` elsewhere."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def disk_usage(path: Path) -> tuple[int, int]:
    """(free, total) bytes of the file system holding ``path`` (or its nearest parent)."""
    for candidate in (path, *path.parents):
        try:
            usage = shutil.disk_usage(candidate)
        except OSError:
            continue
        return usage.free, usage.total
    return 0, 0


def staff_problems(report: HealthReport) -> list[str]:
    """What only a person on site can fix, in plain words (empty: nothing)."""
    problems: list[str] = []
    free, total = report.disk_free_bytes, report.disk_total_bytes
    if total and (free < DISK_LOW_BYTES or free < total * DISK_LOW_SHARE):
        problems.append(
            f"存储空间快满了（只剩 {free / 1024 / 1024:.0f} MB），请联系管理员清理，"
            "否则新的申请存不下"
        )
    if report.oldest_waiting_s is not None and report.oldest_waiting_s > QUEUE_STUCK_S:
        days = report.oldest_waiting_s / 86400
        problems.append(
            f"有申请已经等了 {days:.0f} 天还没送到省系统（共 {report.queued + report.sending} 份），"
            "请检查网络，或联系管理员"
        )
    for name, probe in report.devices.items():
        if probe.needs_staff:
            problems.append(f"{device_label(name)}：{probe.detail or '需要检查'}")
    return problems


DEVICE_LABELS = {
    "voice": "语音识别",
    "speaker": "朗读",
    "card_reader": "身份证读卡器",
    "a4_printer": "A4 打印机",
    "printer": "小票打印机",
}


def device_label(name: str) -> str:
    """A probe's name for staff ("a4_printer" → A4 打印机); an unknown one as it is."""
    return DEVICE_LABELS.get(name, name)


STATE_WORDS = {"ok": "正常", "busy": "正在准备", "fault": "故障", "absent": "未配置"}


def collect(
    *,
    terminal_id: str,
    outbox: Outbox,
    clock: TerminalClock,
    data_dir: Path,
    pack: str = "",
    probes: Mapping[str, Probe] | None = None,
    started_monotonic: float | None = None,
    last_sync_problem: str | None = None,
    rss: Callable[[], int | None] = memory_rss_bytes,
) -> HealthReport:
    """A report of this terminal now. A probe that raises reads as ``fault`` (never fails)."""
    devices: dict[str, ProbeResult] = {}
    for name, probe in (probes or {}).items():
        try:
            devices[name] = probe()
        except Exception as exc:
            log.exception("health probe %s failed", name)
            devices[name] = ProbeResult("fault", f"查不到状态（{type(exc).__name__}）")
    counts = outbox.counts()
    now = clock.now()
    oldest = outbox.oldest_waiting_at()
    free, total = disk_usage(data_dir)
    report = HealthReport(
        terminal_id=terminal_id,
        generated_at=now,
        app_version=__version__,
        pack=pack,
        queued=counts.queued,
        sending=counts.sending,
        rejected=counts.rejected,
        accepted=counts.accepted,
        oldest_waiting_s=max(0.0, now - oldest) if oldest is not None else None,
        last_success_at=counts.last_success_at,
        devices=devices,
        disk_free_bytes=free,
        disk_total_bytes=total,
        uptime_s=(time.monotonic() - started_monotonic) if started_monotonic else None,
        memory_rss_bytes=rss(),
        clock_skew_s=round(clock.offset_s, 1),
        last_sync_problem=last_sync_problem,
    )
    report.problems.extend(staff_problems(report))
    return report


def describe(report: HealthReport) -> list[str]:
    """The report in plain lines for the console and the admin screen."""

    def when(t: float | None) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(t)) if t else "从未"

    lines = [
        f"终端 {report.terminal_id}，程序版本 {report.app_version}，内容包 {report.pack or '无'}",
        f"待发送 {report.queued + report.sending} 份，需要工作人员处理 {report.rejected} 份，"
        f"已送达 {report.accepted} 份",
    ]
    if report.oldest_waiting_s is not None:
        lines.append(f"最早的一份已等待 {duration_words(report.oldest_waiting_s)}")
    lines.append(f"最近一次送达省系统：{when(report.last_success_at)}")
    if report.last_sync_problem:
        lines.append(f"最近一次同步的问题：{report.last_sync_problem}")
    for name, probe in report.devices.items():
        words = STATE_WORDS.get(probe.state, probe.state)
        lines.append(
            f"{device_label(name)}：{words}" + (f"（{probe.detail}）" if probe.detail else "")
        )
    lines.append(
        f"存储空间剩余 {report.disk_free_bytes / 1024**3:.1f} GB"
        f"（共 {report.disk_total_bytes / 1024**3:.1f} GB）"
    )
    if report.uptime_s is not None:
        lines.append(f"终端程序已运行 {duration_words(report.uptime_s)}")
    if report.memory_rss_bytes is not None:
        lines.append(f"占用内存 {report.memory_rss_bytes / 1024 / 1024:.0f} MB")
    if abs(report.clock_skew_s) >= NOTEWORTHY_S:
        lines.append(
            f"本机时钟比省系统{describe_skew(report.clock_skew_s)}（已自动按省系统时间记录）"
        )
    else:
        lines.append("本机时钟与省系统一致")
    if report.problems:
        lines.append("需要工作人员处理：")
        lines += [f"  · {p}" for p in report.problems]
    else:
        lines.append("一切正常，不需要工作人员处理。")
    return lines


def duration_words(seconds: float) -> str:
    """How long something has lasted, for staff: "40 分钟", "2.5 小时", "3.0 天"."""
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} 天"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} 小时"
    return f"{seconds / 60:.0f} 分钟"


# -- the local snapshot ----------------------------------------------------------------------
def write_snapshot(path: Path, report: HealthReport) -> None:
    """Atomically replace ``path`` with the report (a reader never sees half a file)."""
    # One temporary file per thread: the timer and a sync run may write at the same moment.
    tmp = path.with_name(f"{path.name}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(report.to_json(), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_snapshot(path: Path, now: float, fresh_s: float = SNAPSHOT_FRESH_S) -> HealthReport | None:
    """The running kiosk's last snapshot, if there is one written in the last ``fresh_s``."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        report = HealthReport.from_json(doc)
    except (OSError, ValueError, TypeError):
        return None
    if abs(now - report.generated_at) > fresh_s:
        return None
    return report


def snapshot_probes(report: HealthReport | None) -> dict[str, Probe]:
    """Probes answering what a snapshot says of each device: how a process without the
    devices (``kiosk-admin``) reports the running kiosk's view of them."""

    def seen(result: ProbeResult) -> Probe:
        return lambda: result

    return {name: seen(r) for name, r in (report.devices if report else {}).items()}


# -- sending -----------------------------------------------------------------------------------
@runtime_checkable
class HealthChannel(Protocol):
    """A transport that can carry the report (``HttpsTransport``): ``None`` when stored, else
    a plain reason."""

    def send_health(self, report: dict[str, Any]) -> str | None: ...


class HealthMonitor:
    """Collects the report with the kiosk's own probes; writes the snapshot on a timer and
    after each sync run, and sends it to the province after each run."""

    def __init__(
        self,
        *,
        terminal_id: str,
        outbox: Outbox,
        clock: TerminalClock,
        data_dir: Path,
        pack: Callable[[], str] = lambda: "",
        probes: Mapping[str, Probe] | None = None,
        every_s: float = SNAPSHOT_EVERY_S,
        writes_snapshot: bool = True,
    ) -> None:
        """``writes_snapshot``: only the kiosk itself (which has the devices) writes
        ``health.json``; ``kiosk-admin sync`` sends reports without overwriting it."""
        self.terminal_id = terminal_id
        self.outbox = outbox
        self.clock = clock
        self.data_dir = data_dir
        self.pack = pack
        self.probes: dict[str, Probe] = dict(probes or {})
        self.every_s = every_s
        self.writes_snapshot = writes_snapshot
        self.started = time.monotonic()
        self.last_sync_problem: str | None = None
        self.last_sent: str | None = None  # None: sent; else why not
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add_probe(self, name: str, probe: Probe) -> None:
        """A device built later (a printer) reports from now on."""
        self.probes[name] = probe

    def collect(self) -> HealthReport:
        return collect(
            terminal_id=self.terminal_id,
            outbox=self.outbox,
            clock=self.clock,
            data_dir=self.data_dir,
            pack=self.pack(),
            probes=self.probes,
            started_monotonic=self.started,
            last_sync_problem=self.last_sync_problem,
        )

    def write(self) -> HealthReport | None:
        """Write the snapshot now; ``None`` (logged) when it couldn't be."""
        try:
            report = self.collect()
            if self.writes_snapshot:
                write_snapshot(self.data_dir / SNAPSHOT_NAME, report)
        except Exception as exc:  # a full disk: the next tick tries again
            log.warning("健康状况没有写下：%s", exc)
            return None
        return report

    def after_run(self, transport: object, run_problem: str | None) -> str | None:
        """After a sync run: snapshot, then ``POST /health``. Returns why it wasn't sent."""
        self.last_sync_problem = run_problem
        report = self.write() or self.collect()
        if not isinstance(transport, HealthChannel):
            self.last_sent = "这个连接不能发送健康状况"
            return self.last_sent
        self.last_sent = transport.send_health(report.to_json())
        if self.last_sent:
            log.info("健康状况没有送到省系统：%s", self.last_sent)
        return self.last_sent

    # -- timer -------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="health", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.write()
            self._stop.wait(self.every_s)
