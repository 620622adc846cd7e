"""A stand-in thermal printer: a raw-9100 listener on loopback that keeps the ESC/POS bytes it
receives and answers ``DLE EOT`` status questions the way a real printer does — or doesn't.

Modes (``listener.mode``, changeable while it runs):
  ``ok``          answers "online, cover shut, paper present" and takes the job;
  ``paper_out``   answers "paper end" (a real printer then stops printing);
  ``paper_low``   answers "near end" and prints;
  ``cover_open``  answers "cover open";
  ``drop``        answers, then closes the connection after ``drop_after`` bytes of the job;
  ``silent``      accepts the connection and reads, never answers.

Tests decode what was printed with :func:`raster_images` (``GS v 0`` back to a Pillow image) and
read its QR code with zbar. ``python -m tools.escpos_listener --port 9100 --out DIR`` runs it for
a demo (each job saved as a PNG in DIR). Not part of the product: nothing in ``kiosk/`` imports it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from PIL import Image

# Answers to DLE EOT n, by mode (n = 1 printer, 2 offline cause, 4 roll paper sensor).
_OK = {1: 0x12, 2: 0x12, 4: 0x12}
_ANSWERS: dict[str, dict[int, int]] = {
    "ok": _OK,
    "drop": _OK,
    "paper_low": {1: 0x12, 2: 0x12, 4: 0x1E},
    "paper_out": {1: 0x1A, 2: 0x32, 4: 0x72},
    "cover_open": {1: 0x1A, 2: 0x16, 4: 0x12},
}
MODES = (*_ANSWERS, "silent")


class _Sender(Protocol):
    def sendall(self, data: bytes, /) -> None: ...


@dataclass
class Job:
    """One connection: the bytes of the job (status questions left out), and when the first
    of them arrived (``time.perf_counter``, for the benchmark)."""

    data: bytearray = field(default_factory=bytearray)
    first_byte_at: float | None = None
    status_questions: int = 0
    closed: bool = False


class EscposListener:
    """A TCP server on 127.0.0.1 (port 0 = any free port) in its own thread."""

    def __init__(self, mode: str = "ok", *, port: int = 0, drop_after: int = 2000) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode
        self.drop_after = drop_after
        self.jobs: list[Job] = []
        self._server = socket.create_server(("127.0.0.1", port))
        self._server.settimeout(0.2)
        self.port: int = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._fds: list[int] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._serve, name="escpos-listener", daemon=True)

    def __enter__(self) -> EscposListener:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> EscposListener:
        return self.__enter__()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._server.close()
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)

    def serial_port(self) -> str:
        """A pseudo-terminal speaking the same ESC/POS as the socket (a serial printer): the
        path to open, e.g. ``/dev/pts/7``. One job is recorded for everything sent to it."""
        import pty
        import tty

        master, slave = pty.openpty()
        tty.setraw(slave)
        self._fds += [master, slave]
        job = Job()
        with self._changed:
            self.jobs.append(job)
        threading.Thread(target=self._serve_pty, args=(master, job), daemon=True).start()
        return os.ttyname(slave)

    def _serve_pty(self, master: int, job: Job) -> None:
        class Pty:
            def sendall(self, data: bytes) -> None:
                os.write(master, data)

        pending = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    return
                with self._changed:
                    pending = self._consume(Pty(), job, pending + chunk)
                    self._changed.notify_all()

    def wait_for(self, data: bytes, timeout: float = 10.0) -> bool:
        """Wait until ``data`` has been received (bounded by ``timeout``)."""
        with self._changed:
            return self._changed.wait_for(lambda: data in self.printed(), timeout)

    def printed(self) -> bytes:
        """Every job byte received so far, in order."""
        return b"".join(bytes(j.data) for j in self.jobs)

    def wait_closed(self, jobs: int = 1, timeout: float = 10.0) -> bool:
        """Wait until ``jobs`` connections have closed (bounded by ``timeout``)."""
        with self._changed:
            return self._changed.wait_for(lambda: sum(j.closed for j in self.jobs) >= jobs, timeout)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            job = Job()
            with self._changed:
                self.jobs.append(job)
            threading.Thread(target=self._handle, args=(conn, job), daemon=True).start()

    def _handle(self, conn: socket.socket, job: Job) -> None:
        conn.settimeout(0.2)
        pending = b""
        try:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                pending = self._consume(conn, job, pending + chunk)
                if self.mode == "drop" and len(job.data) >= self.drop_after:
                    # An abortive close (RST), like a printer switched off mid-job.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    break
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()
            with self._changed:
                job.closed = True
                self._changed.notify_all()

    def _consume(self, conn: _Sender, job: Job, data: bytes) -> bytes:
        """Take the status questions out of ``data`` (answering them), keep the rest; return an
        incomplete command's bytes to wait for more. Raster data is skipped by its length, so a
        ``10 04`` inside an image is never taken for a question."""
        i = 0
        while i < len(data):
            if data[i : i + 2] == b"\x10\x04":
                if i + 3 > len(data):
                    break
                job.status_questions += 1
                answers = _ANSWERS.get(self.mode)
                if answers is not None:
                    conn.sendall(bytes([answers.get(data[i + 2], 0x12)]))
                i += 3
                continue
            size = _command_size(data, i)
            if size is None:
                break
            if job.first_byte_at is None:
                job.first_byte_at = time.perf_counter()
            job.data += data[i : i + size]
            i += size
        return data[i:]


def _command_size(data: bytes, i: int) -> int | None:
    """Length of the command at ``i`` (None: not all of it has arrived)."""
    if data[i : i + 3] == b"\x1dv0":
        if i + 8 > len(data):
            return None
        width, height = struct.unpack_from("<HH", data, i + 4)
        size = 8 + width * height
        return size if i + size <= len(data) else None
    if data[i] in (0x1B, 0x1D):  # ESC/GS x n: the commands python-escpos sends around images
        if i + 2 > len(data):
            return None
        if data[i : i + 2] in (b"\x1b@",):
            return 2
        if data[i : i + 2] == b"\x1dV":
            if i + 3 > len(data):
                return None
            return 4 if data[i + 2] in (65, 66) else 3
        return 3 if i + 3 <= len(data) else None
    return 1


def raster_images(data: bytes) -> list[Image.Image]:
    """Every ``GS v 0`` image in ``data``, fragments of one image (the same width, one after
    the other with nothing printed between) joined back into one."""
    images: list[Image.Image] = []
    joinable = False
    i = 0
    while i < len(data):
        size = _command_size(data, i)
        if size is None:
            raise ValueError(f"incomplete command at byte {i}")
        if data[i : i + 3] == b"\x1dv0":
            width, height = struct.unpack_from("<HH", data, i + 4)
            raw = bytes(b ^ 0xFF for b in data[i + 8 : i + size])  # 1 = black dot; PIL 1 = white
            part = Image.frombytes("1", (width * 8, height), raw)
            if joinable and images and images[-1].width == part.width:
                whole = Image.new("1", (part.width, images[-1].height + height), 1)
                whole.paste(images[-1], (0, 0))
                whole.paste(part, (0, images[-1].height))
                images[-1] = whole
            else:
                images.append(part)
            joinable = True
        elif data[i : i + 2] in (b"\x1dV", b"\x1bd"):
            joinable = False  # a cut or a feed ends the slip
        i += size
    return images


def main() -> None:
    parser = argparse.ArgumentParser(description="模拟小票打印机（9100 端口，只听本机）")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--mode", choices=MODES, default="ok")
    parser.add_argument("--out", type=Path, help="每张小票存成 PNG 放在这个目录")
    args = parser.parse_args()
    with EscposListener(args.mode, port=args.port) as listener:
        print(f"模拟打印机在 127.0.0.1:{listener.port}（{args.mode}），按 Ctrl+C 结束")
        seen = 0
        try:
            while True:
                time.sleep(0.5)
                done = [j for j in listener.jobs if j.closed]
                for n, job in enumerate(done[seen:], seen + 1):
                    images = raster_images(bytes(job.data))
                    print(f"第 {n} 张：{len(job.data)} 字节，{len(images)} 张图")
                    if args.out is not None:
                        args.out.mkdir(parents=True, exist_ok=True)
                        for k, img in enumerate(images):
                            img.save(args.out / f"slip-{n}-{k}.png")
                seen = len(done)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
