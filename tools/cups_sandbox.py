"""A private CUPS server with a cups-pdf virtual A4 printer, for tests and benchmarks.

Not shipped on a terminal (tools/ is not in the wheel). It starts the machine's real ``cupsd``
(Debian ``cups``) on its own configuration under a temporary directory — its own ServerRoot,
spool, cache, logs and a unix socket, so the system's CUPS (if any) is neither used nor touched —
with one queue on the real cups-pdf backend (Debian ``printer-driver-cups-pdf``) that writes
each printed job as a PDF into ``out_dir``. Clients reach it with ``CUPS_SERVER=<socket>``.

cups-pdf reads its settings only from ``/etc/cups`` (compiled in); a device URI
``cups-pdf:/NAME`` makes it read ``/etc/cups/cups-pdf-NAME.conf``, so the sandbox writes one such
file with a unique NAME and removes it when it stops. Running as root (this sandbox, CI) needs:
the backend stays root-owned 0700 (cupsd then runs it as root); ``Grp root`` and ``AnonDirName``
in that file (the default group ``lpadmin`` and ``/var/spool/cups-pdf/ANONYMOUS`` are not ours);
and every directory cupsd hands to its ``lp`` user made group-readable. docs/devices.md.

    with CupsSandbox() as cups:
        subprocess.run(["lp", "-d", cups.queue, "-"], input=pdf, env=cups.client_env())
        pdf_path = cups.wait_for_output(timeout_s=20)
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

CUPSD = "/usr/sbin/cupsd"
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONF_DIR = Path("/etc/cups")  # compiled into cups-pdf


class SandboxUnavailable(RuntimeError):
    """cupsd or cups-pdf is missing, or we are not root (cups-pdf must run as root)."""


def unavailable_reason() -> str | None:
    """Why a sandbox can't start here, or None when it can."""
    if not Path(CUPSD).exists():
        return "cupsd is not installed (Debian package cups)"
    if not CUPS_PDF_BACKEND.exists() or not CUPS_PDF_PPD.exists():
        return "cups-pdf is not installed (Debian package printer-driver-cups-pdf)"
    if shutil.which("lp") is None:
        return "lp is not installed (Debian package cups-client)"
    if os.geteuid() != 0:
        return "cupsd with the cups-pdf backend needs root"
    return None


class CupsSandbox:
    """A running private cupsd with one cups-pdf queue; stop() (or ``with``) removes it all."""

    def __init__(self, queue: str | None = None) -> None:
        reason = unavailable_reason()
        if reason:
            raise SandboxUnavailable(reason)
        self.name = "kiosktest" + secrets.token_hex(4)
        self.queue = queue or "A4"
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-cups-"))
        self.server_root = self.root / "etc"
        self.spool_dir = self.root / "spool"  # cupsd's RequestRoot: where job files would wait
        self.temp_dir = self.root / "tmp"
        self.out_dir = self.root / "out"  # cups-pdf writes printed PDFs here
        self.pdf_spool_dir = self.root / "pdf-spool"
        self.socket = self.root / "cups.sock"
        self.pdf_conf = CUPS_PDF_CONF_DIR / f"cups-pdf-{self.name}.conf"
        self._proc: subprocess.Popen[bytes] | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> CupsSandbox:
        self.start()
        return self

    def __exit__(
        self,
        _t: type[BaseException] | None,
        _e: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self, timeout_s: float = 20.0) -> None:
        """Write the configuration, start cupsd in the foreground, add the queue."""
        self.root.chmod(0o755)  # lp (cupsd's filter user) must reach its dirs inside
        for d in (self.server_root, self.spool_dir, self.temp_dir, self.out_dir):
            d.mkdir(mode=0o755)
        (self.server_root / "ppd").mkdir(mode=0o755)
        self.pdf_spool_dir.mkdir(mode=0o700)
        self.spool_dir.chmod(0o710)
        os.chown(self.spool_dir, 0, 7)  # group lp, as Debian sets /var/spool/cups
        self.temp_dir.chmod(0o1777)
        (self.server_root / "cupsd.conf").write_text(self._cupsd_conf(), encoding="utf-8")
        (self.server_root / "cups-files.conf").write_text(self._files_conf(), encoding="utf-8")
        self.pdf_conf.write_text(self._pdf_conf(), encoding="utf-8")
        self._proc = subprocess.Popen(
            [
                CUPSD,
                "-f",
                "-c",
                str(self.server_root / "cupsd.conf"),
                "-s",
                str(self.server_root / "cups-files.conf"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout_s
        while not self.socket.exists():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                log = self.error_log()
                self.stop()
                raise SandboxUnavailable(f"cupsd did not start: {log[-2000:]}")
            time.sleep(0.05)
        self.add_queue(self.queue)

    def stop(self) -> None:
        """Stop cupsd and remove every file the sandbox made (its /etc/cups file too)."""
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
            self._proc = None
        self.pdf_conf.unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)

    # -- what tests do ------------------------------------------------------------------------
    def client_env(self) -> dict[str, str]:
        """The environment for ``lp``/``lpstat`` talking to this server."""
        return {**os.environ, "CUPS_SERVER": str(self.socket)}

    def admin(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a CUPS admin command (lpadmin, cupsdisable …) against this server."""
        return subprocess.run(
            list(args),
            env=self.client_env(),
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )

    def add_queue(self, name: str) -> None:
        self.admin(
            "lpadmin",
            "-p",
            name,
            "-E",
            "-v",
            f"cups-pdf:/{self.name}",
            "-P",
            str(CUPS_PDF_PPD),
            # cups-pdf's default route (poppler's pdftops, then Ghostscript back to PDF) keeps
            # the page's look but loses its CJK text layer; the cairo route keeps it, so
            # pdftotext can read the printed form. docs/devices.md.
            "-o",
            "pdftops-renderer-default=pdftocairo",
        )

    def stop_queue(self, name: str | None = None) -> None:
        """The queue is paused (as after a jam): jobs are held, nothing is printed."""
        self.admin("cupsdisable", name or self.queue)

    def reject_jobs(self, name: str | None = None) -> None:
        """The queue refuses new jobs (``cupsreject``)."""
        self.admin("cupsreject", name or self.queue)

    def outputs(self) -> list[Path]:
        return sorted(self.out_dir.rglob("*.pdf"))

    def wait_for_output(self, count: int = 1, timeout_s: float = 30.0) -> list[Path]:
        """The PDFs cups-pdf wrote, once ``count`` are complete (bounded by ``timeout_s``)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.outputs()
            if len(found) >= count and self.idle():
                return found
            time.sleep(0.1)
        raise TimeoutError(f"cups-pdf wrote {len(self.outputs())} PDFs: {self.error_log()[-1500:]}")

    def idle(self) -> bool:
        """No job is pending or printing."""
        done = subprocess.run(
            ["lpstat", "-o"], env=self.client_env(), capture_output=True, text=True, timeout=20
        )
        return done.returncode == 0 and not done.stdout.strip()

    def spool_files(self) -> list[Path]:
        """Job files left in cupsd's spool (``d*``: the document; ``c*``: the job's control)."""
        return sorted(p for p in self.spool_dir.rglob("*") if p.is_file())

    def error_log(self) -> str:
        log = self.root / "log" / "error_log"
        return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""

    # -- configuration ------------------------------------------------------------------------
    def _cupsd_conf(self) -> str:
        return "\n".join(
            [
                f"Listen {self.socket}",
                "Browsing No",
                "LogLevel warn",
                # The form holds personal data: job files and history are never kept.
                "PreserveJobFiles No",
                "PreserveJobHistory No",
                "MaxJobs 100",
                "<Location />",
                "  Order allow,deny",
                "  Allow localhost",
                "</Location>",
                "<Policy default>",
                "  <Limit All>",
                "    Order deny,allow",
                "  </Limit>",
                "</Policy>",
                "",
            ]
        )

    def _files_conf(self) -> str:
        log = self.root / "log"
        log.mkdir(mode=0o755, exist_ok=True)
        return "\n".join(
            [
                f"ServerRoot {self.server_root}",
                f"RequestRoot {self.spool_dir}",
                f"TempDir {self.temp_dir}",
                f"CacheDir {self.root / 'cache'}",
                f"StateDir {self.root / 'state'}",
                f"ErrorLog {log / 'error_log'}",
                f"AccessLog {log / 'access_log'}",
                f"PageLog {log / 'page_log'}",
                "SystemGroup root",
                "User lp",
                "Group lp",
                "",
            ]
        )

    def _pdf_conf(self) -> str:
        return "\n".join(
            [
                f"Out {self.out_dir}",
                f"AnonDirName {self.out_dir}",
                f"Spool {self.pdf_spool_dir}",
                f"GSTmp {self.temp_dir}",
                "Grp root",
                "UserUMask 0077",
                "AnonUMask 0077",
                "Label 0",
                "",
            ]
        )
