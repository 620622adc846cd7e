"""The thermal receipt printer (58/80 mm ESC/POS) through python-escpos.

A slip is printed as one raster image (``GS v 0``): printers disagree on Chinese code pages
(python-escpos issues #678, #491, #281), an image prints the same on all of them. Before the job
the printer is asked its state with ``DLE EOT`` (online, cover, paper) where it can answer, and
again after it, so a resident hears plainly what to do (纸用完了 → 请工作人员换纸) instead of
waiting for paper that never comes.

The connection (network raw port 9100, USB, serial, a CUPS queue) is chosen by the config
(``[receipt_printer]``); python-escpos is imported only when a job or a status question needs it,
never at start-up. Nothing here keeps a copy of what was printed.
"""

from __future__ import annotations

import contextlib
import copy
import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PIL.Image import Image

log = logging.getLogger(__name__)


class PrinterState(enum.Enum):
    READY = "ready"
    NOT_CONFIGURED = "not_configured"
    UNREACHABLE = "unreachable"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"  # answers, but says it is not ready (an error, a paper jam)
    NO_ANSWER = "no_answer"  # connected, but never answered the status question
    INTERRUPTED = "interrupted"  # the connection broke during the job
    PAPER_LOW = "paper_low"  # prints, but the roll is near its end


# What a resident is told (plain, with what to do), and the short word staff see on the admin
# screen. The QR code and the text on screen stay whatever the printer does; the screen adds
# what the resident can do without paper there (记下号码、扫码 …).
RESIDENT_MESSAGES: dict[PrinterState, str] = {
    PrinterState.READY: "打好了，请从出纸口取走。",
    PrinterState.PAPER_LOW: "打好了，请从出纸口取走。打印纸快用完了，请告诉工作人员。",
    PrinterState.NOT_CONFIGURED: "这台终端没有接打印机。",
    PrinterState.UNREACHABLE: "打印机没有连上，请找工作人员看看打印机是否开着。",
    PrinterState.PAPER_OUT: "打印纸用完了，请找工作人员换纸后再打一次。",
    PrinterState.COVER_OPEN: "打印机的盖子没有盖好，请把盖子按紧后再打一次。",
    PrinterState.OFFLINE: "打印机暂时不能用，请找工作人员看看。",
    PrinterState.NO_ANSWER: "打印机没有回应，请找工作人员看看打印机。",
    PrinterState.INTERRUPTED: "打印中断了，可能没有打全。请再打一次，或找工作人员。",
}
STAFF_WORDS: dict[PrinterState, str] = {
    PrinterState.READY: "正常",
    PrinterState.PAPER_LOW: "纸快用完",
    PrinterState.NOT_CONFIGURED: "没有配置（[receipt_printer] driver = none）",
    PrinterState.UNREACHABLE: "连不上",
    PrinterState.PAPER_OUT: "缺纸",
    PrinterState.COVER_OPEN: "盖子开着",
    PrinterState.OFFLINE: "离线（出错或卡纸）",
    PrinterState.NO_ANSWER: "不回答状态查询",
    PrinterState.INTERRUPTED: "打印中断",
}
_CAN_PRINT = frozenset({PrinterState.READY, PrinterState.PAPER_LOW})


@dataclass(frozen=True)
class PrinterStatus:
    """The printer's state; ``detail`` is for staff (an address, an error), never personal."""

    state: PrinterState
    detail: str = ""
    # False when the connection can't be asked (a CUPS queue): READY then means "sent".
    answered: bool = True

    @property
    def can_print(self) -> bool:
        return self.state in _CAN_PRINT

    @property
    def message(self) -> str:
        """What the resident is told."""
        if self.state in _CAN_PRINT and not self.answered:
            return "已经送去打印，请从出纸口取走。"
        return RESIDENT_MESSAGES[self.state]

    @property
    def staff_line(self) -> str:
        """One line for the admin screen and the health report."""
        words = STAFF_WORDS[self.state]
        if self.state in _CAN_PRINT and not self.answered:
            words = "能送出（这种连接问不了纸和盖子）"
        return f"小票打印机：{words}" + (f"（{self.detail}）" if self.detail else "")


class ReceiptPrinter(Protocol):
    """A slip printer: its paper width, its state, and printing one image."""

    @property
    def width_mm(self) -> int: ...

    def status(self) -> PrinterStatus:
        """Ask the printer now (blocks up to the configured timeout: call off the Kivy thread)."""
        ...

    def print_image(self, image: Image) -> PrinterStatus:
        """Print ``image`` (1-bit, at most the paper's dots wide) and cut; the outcome."""
        ...

    def warm_up(self) -> None:
        """Load what the first job would (a driver library); opens nothing."""
        ...


# DLE EOT n (ESC/POS real-time status). Each answer byte has bits 1 and 4 set and bit 0, 7 clear.
_DLE_EOT = b"\x10\x04"
_PRINTER, _OFFLINE_CAUSE, _ROLL_PAPER = 1, 2, 4


def _well_formed(byte: int) -> bool:
    return byte & 0x93 == 0x12


def decode_status(printer: int, cause: int, paper: int) -> PrinterState:
    """The state from the three ``DLE EOT`` answers (1 printer, 2 offline cause, 4 roll paper)."""
    if not all(_well_formed(b) for b in (printer, cause, paper)):
        return PrinterState.NO_ANSWER
    if cause & 0x04:
        return PrinterState.COVER_OPEN
    if paper & 0x60 or cause & 0x20:
        return PrinterState.PAPER_OUT
    if printer & 0x08 or cause & 0x40:
        return PrinterState.OFFLINE
    if paper & 0x0C:
        return PrinterState.PAPER_LOW
    return PrinterState.READY


class EscposReceiptPrinter:
    """A real printer through python-escpos; ``connect`` makes a fresh, unopened escpos printer
    (``escpos.printer.Network``/``Usb``/``Serial``/``LP``), opened for each job and closed after.

    ``asks_status`` is False for connections that can't read back (a CUPS queue): the job is
    then sent without asking. One job at a time: a second caller waits for the first.
    """

    def __init__(
        self,
        connect: Callable[[], Any],
        *,
        width_mm: int = 80,
        name: str = "",
        asks_status: bool = True,
    ) -> None:
        self._connect = connect
        self._width_mm = width_mm
        self.name = name
        self.asks_status = asks_status
        self._lock = threading.Lock()

    @property
    def width_mm(self) -> int:
        return self._width_mm

    def status(self) -> PrinterStatus:
        with self._lock:
            try:
                device = self._open()
            except Exception as exc:  # DeviceNotFoundError, OSError, USBError …
                return PrinterStatus(PrinterState.UNREACHABLE, self._why(exc))
            try:
                return self._ask(device)
            finally:
                _close(device)

    def warm_up(self) -> None:
        with contextlib.suppress(Exception):  # a missing driver shows at the first job
            self._connect()

    def print_image(self, image: Image) -> PrinterStatus:
        with self._lock:
            try:
                device = self._open()
            except Exception as exc:
                return PrinterStatus(PrinterState.UNREACHABLE, self._why(exc))
            try:
                before = self._ask(device)
                if not before.can_print:
                    return before
                try:
                    device.image(image, impl="bitImageRaster", fragment_height=960)
                    device.cut()
                    if hasattr(device, "flush"):
                        device.flush()
                except Exception as exc:  # the connection broke during the job
                    return PrinterStatus(PrinterState.INTERRUPTED, self._why(exc))
                after = self._ask(device)
                if after.state is PrinterState.NO_ANSWER:
                    # It answered before the job, not after it: the connection dropped mid-job.
                    return PrinterStatus(PrinterState.INTERRUPTED, after.detail)
                if after.state is PrinterState.PAPER_OUT:  # ran out during this slip
                    return PrinterStatus(PrinterState.INTERRUPTED, "打印中缺纸")
                return after
            finally:
                _close(device)

    def _open(self) -> Any:
        device = self._connect()
        # The profile's paper width lets python-escpos refuse an image too wide for the paper.
        from kiosk.printing.slip import PAPER_DOTS

        device.profile.profile_data = copy.deepcopy(device.profile.profile_data)
        media = device.profile.profile_data.setdefault("media", {})
        media.setdefault("width", {})["pixels"] = PAPER_DOTS[self._width_mm]
        device.open()
        return device

    def _ask(self, device: Any) -> PrinterStatus:
        if not self.asks_status:
            return PrinterStatus(PrinterState.READY, self.name, answered=False)
        answers: list[int] = []
        for n in (_PRINTER, _OFFLINE_CAUSE, _ROLL_PAPER):
            try:
                reply = device.query_status(_DLE_EOT + bytes([n]))
            except Exception as exc:  # timeout, reset: the printer did not answer
                return PrinterStatus(PrinterState.NO_ANSWER, self._why(exc))
            if not reply:
                return PrinterStatus(PrinterState.NO_ANSWER, self.name)
            answers.append(reply[-1])
        return PrinterStatus(decode_status(*answers), self.name)

    def _why(self, exc: BaseException) -> str:
        reason = plain_reason(exc)
        return f"{self.name}：{reason}" if self.name else reason


def plain_reason(exc: BaseException) -> str:
    """Why a connection failed, in a few Chinese words for staff (libraries' English stays
    out of what the admin screen and ``kiosk-admin`` print)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, TimeoutError):
            return "等回答超时"
        if isinstance(seen, ConnectionRefusedError):
            return "对方拒绝连接，可能地址或端口不对，或打印机没开"
        if isinstance(seen, ConnectionError):
            return "连接断了"
        if isinstance(seen, FileNotFoundError):
            return "没有这个设备（没插好或者写错了）"
        if isinstance(seen, PermissionError):
            return "没有权限打开这个设备"
        if isinstance(seen, OSError) and seen.errno is not None:
            return f"连接出错（错误号 {seen.errno}）"
        if any("\u4e00" <= ch <= "\u9fff" for ch in str(seen)):
            return str(seen).strip()
        seen = seen.__cause__ or seen.__context__
    # A library's own words are English: they go to the log, staff get a plain sentence.
    log.warning("printer failure without a plain reason: %r", exc)
    return "出错了，原因已记入日志，请联系技术人员"


def _close(device: Any) -> None:
    with contextlib.suppress(Exception):  # closing a broken connection: nothing left to do
        device.close()


def cups_queue(queue: str) -> Any:
    """An escpos printer that spools the job to the CUPS ``queue`` as raw ESC/POS from memory
    (``lp -o raw`` on stdin: no file on disk). python-escpos's own ``LP`` class starts a new
    ``lp`` job at every flush; this sends the whole slip as one job when the slip is finished.
    A missing, stopped or refusing queue fails ``open()`` (→ 连不上, with the reason for staff)."""
    import os
    import subprocess

    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import Dummy

    class CupsQueue(Dummy):  # type: ignore[misc]
        def open(self, raise_not_found: bool = True) -> None:
            try:  # LC_ALL=C: the words below are lpstat's English ones
                state = subprocess.run(
                    ["lpstat", "-p", queue],
                    capture_output=True,
                    text=True,
                    timeout=10,
                    env={**os.environ, "LC_ALL": "C"},
                )
            except (OSError, subprocess.SubprocessError) as exc:
                raise DeviceNotFoundError(
                    "本机的打印程序（cups-client 的 lpstat）没有装好或没有回应"
                ) from exc
            words = state.stdout.lower()
            if state.returncode != 0 or not words.strip():
                raise DeviceNotFoundError(f"没有 CUPS 队列 {queue}")
            if "disabled" in words:
                raise DeviceNotFoundError(f"CUPS 队列 {queue} 已停用")
            self.clear()

        def flush(self) -> None:
            sent = subprocess.run(
                ["lp", "-d", queue, "-t", "slip", "-o", "raw"],
                input=self.output,
                capture_output=True,
                timeout=30,
            )
            self.clear()
            if sent.returncode != 0:
                raise OSError(sent.stderr.decode("utf-8", "replace").strip() or "lp failed")

    return CupsQueue()


def serial_port(path: str, baudrate: int, timeout: float) -> Any:
    """python-escpos's ``Serial``, reading a status answer as the one byte it is: its own
    ``_read`` waits for 16 bytes, i.e. the whole timeout, at every question."""
    from escpos.printer import Serial

    class OneByteSerial(Serial):  # type: ignore[misc]
        def _read(self) -> bytes:
            return bytes(self.device.read(1))

    return OneByteSerial(path, baudrate=baudrate, timeout=timeout)
