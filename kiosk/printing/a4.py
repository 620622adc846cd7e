"""The A4 printer: a CUPS queue, reached with the ``lp``/``lpstat``/``cancel`` clients.

The application form holds personal data, so nothing of it is kept (issue 14, docs/devices.md):
the PDF goes to ``lp`` on stdin (no file of ours on disk); the queue is asked first and a job is
not sent to a stopped, rejecting, missing or unreachable queue (it would wait in CUPS's spool);
a job the printer has not finished within ``timeout_s`` is cancelled; and the terminal's
cupsd is set up with ``PreserveJobFiles No`` / ``PreserveJobHistory No`` so the spooled copy is
deleted once printed. The job title is fixed text: cups-pdf names files after it and CUPS lists
it, so it never carries a name or a code.

Every outcome is a :class:`PrintResult` with one plain sentence for the resident or staff —
never an exception, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

JOB_TITLE = "legal-aid-application-form"


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    message: str  # plain Chinese, for the screen and the console


@dataclass(frozen=True)
class QueueHealth:
    """The A4 queue as the admin screen and ``kiosk-admin status`` report it."""

    configured: bool
    reachable: bool
    ready: bool  # the queue exists, is enabled and accepts jobs
    message: str

    def line(self) -> str:
        return f"A4 打印机：{self.message}"


class A4Printer(Protocol):
    """What the kiosk needs of an A4 printer (a CUPS queue, or a stand-in in tests)."""

    def print_pdf(self, pdf: bytes) -> PrintResult: ...

    def health(self) -> QueueHealth: ...


def not_configured() -> QueueHealth:
    return QueueHealth(False, False, False, "未设置（配置 [a4_printer] queue）")


Runner = Callable[..., subprocess.CompletedProcess[bytes]]


class CupsQueue:
    """A CUPS queue by name, on the default server or on ``server`` (host[:port] or a socket)."""

    def __init__(
        self,
        queue: str,
        *,
        server: str = "",
        timeout_s: float = 60.0,
        poll_s: float = 0.2,
    ) -> None:
        self.queue = queue
        self.server = server
        self.timeout_s = timeout_s
        self.poll_s = poll_s

    # -- talking to CUPS ----------------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}  # lpstat's English words are parsed
        if self.server:
            env["CUPS_SERVER"] = self.server
        return env

    def _run(self, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            list(args),
            input=stdin,
            env=self._env(),
            capture_output=True,
            timeout=30,
            check=False,
        )

    # -- the health probe ---------------------------------------------------------------------
    def health(self) -> QueueHealth:
        """Whether the queue can print now (reachable, exists, enabled, accepting jobs)."""
        try:
            scheduler = self._run("lpstat", "-r")
            if b"is running" not in scheduler.stdout:
                return QueueHealth(True, False, False, "连不上打印服务（CUPS）")
            printer = self._run("lpstat", "-p", self.queue)
            accepting = self._run("lpstat", "-a", self.queue)
        except FileNotFoundError:
            return QueueHealth(True, False, False, "本机没有装打印程序（cups-client）")
        except subprocess.TimeoutExpired:
            return QueueHealth(True, False, False, "打印服务没有回应")
        out = printer.stdout.decode(errors="replace")
        err = (printer.stderr + accepting.stderr).decode(errors="replace").lower()
        if printer.returncode != 0 or not out.strip():
            if "destination" in err or "not exist" in err:
                return QueueHealth(True, True, False, f"找不到打印机“{self.queue}”")
            return QueueHealth(True, False, False, "连不上打印服务（CUPS）")
        if " disabled" in out:
            return QueueHealth(True, True, False, "暂停了（卡纸、缺纸或被停用），请检查打印机")
        if "not accepting" in accepting.stdout.decode(errors="replace"):
            return QueueHealth(True, True, False, "不接收打印任务，请检查打印机")
        return QueueHealth(True, True, True, "正常")

    # -- printing -----------------------------------------------------------------------------
    def print_pdf(self, pdf: bytes) -> PrintResult:
        """Print ``pdf`` (bytes, on stdin); wait up to ``timeout_s`` for the page to come out."""
        state = self.health()
        if not state.ready:
            return PrintResult(False, f"打印机{_reason(state)}，申请表没有打印。")
        try:
            sent = self._run(
                "lp", "-d", self.queue, "-t", JOB_TITLE, "-o", "media=A4", "-o", "fit-to-page",
                "-", stdin=pdf,
            )  # fmt: skip
        except (FileNotFoundError, subprocess.TimeoutExpired):
            return PrintResult(False, "打印机没有接收申请表。")
        job = _job_id(sent.stdout.decode(errors="replace"))
        if sent.returncode != 0 or not job:
            return PrintResult(False, "打印机没有接收申请表。")
        if self._wait_done(job):
            return PrintResult(True, "申请表打印好了，请到打印机取走，签名或按手印后交给工作人员。")
        # Not printed in time: cancel, so the form doesn't wait in the spool with personal data.
        with contextlib.suppress(FileNotFoundError, subprocess.TimeoutExpired):
            self._run("cancel", job)
        return PrintResult(False, "打印机没有打出申请表（这次打印已取消）。")

    def _wait_done(self, job: str) -> bool:
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            try:
                pending = self._run("lpstat", "-o", self.queue)
            except subprocess.TimeoutExpired:
                continue
            listed = pending.stdout.decode(errors="replace").split()
            if pending.returncode == 0 and job not in listed:
                return True
            time.sleep(self.poll_s)
        return False


def _reason(state: QueueHealth) -> str:
    if not state.reachable:
        return "连不上"
    if state.message.startswith("找不到"):
        return "找不到"
    return "暂停了"


def _job_id(lp_output: str) -> str:
    """``request id is A4-12 (1 file(s))`` → ``A4-12``."""
    marker = "request id is "
    if marker not in lp_output:
        return ""
    return lp_output.split(marker, 1)[1].split()[0]


def queue_from_config(queue: str, server: str = "", timeout_s: float = 60.0) -> CupsQueue | None:
    """The configured A4 queue (``[a4_printer]``), or None when none is set."""
    return CupsQueue(queue, server=server, timeout_s=timeout_s) if queue else None


def health_from_config(config: KioskConfig) -> QueueHealth:
    """The configured A4 queue's state for a health report (``kiosk-admin status``, the admin
    screen): not configured, unreachable, missing, stopped, or ready. Never raises."""
    queue = queue_from_config(config.a4_queue, config.a4_server, config.a4_timeout_s)
    return queue.health() if queue is not None else not_configured()
