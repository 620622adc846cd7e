"""An ID-card reader driven through its vendor's shared library (ctypes).

Many readers come with a Linux ``.so`` following the ``termb`` convention (神思 and its many
clones): ``int InitComm(int port)`` (1 = opened; USB readers are ports 1001-1016),
``int Authenticate(void)`` (1 = a card was found and selected), ``int Read_Content(int what)``
(1 = read; writes the 256-byte text block to ``wz.txt`` and the photo to ``xp.wlt``, in the
library's folder or the working directory) and ``int CloseComm(void)``. The text block has the
same layout as over the wire, so it is decoded by the same code; the files are deleted as soon
as they have been read (and before each read, in case a crash left some behind) — the photo
file is never opened.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from kiosk.devices import sam_protocol as sam
from kiosk.devices.idcard import (
    CancelFlag,
    FailureReason,
    ReaderState,
    ReaderStatus,
    ReadFailure,
    ReadResult,
    card_from_text_block,
)

log = logging.getLogger(__name__)

TEXT_FILE = "wz.txt"
# Everything a termb-style library may leave behind: all of it is personal data.
VENDOR_FILES = (TEXT_FILE, "xp.wlt", "zp.bmp", "zp.jpg")
DEFAULT_USB_PORT = 1001
READ_TEXT_AND_PHOTO = 1  # the one ``Read_Content`` mode every clone implements


class VendorCardReader:
    """:class:`~kiosk.devices.idcard.CardReader` over a vendor library."""

    def __init__(
        self,
        library: Path,
        port: int = DEFAULT_USB_PORT,
        *,
        output_dirs: Sequence[Path] | None = None,
        poll_interval_s: float = 0.3,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.library = Path(library)
        self.port = port
        # Where the library drops its files: its own folder, else the working directory.
        self._output_dirs = tuple(output_dirs or (self.library.parent, Path.cwd()))
        self._poll_interval_s = poll_interval_s
        self._today = today
        self._lib: ctypes.CDLL | None = None
        self._open = False
        self._lock = threading.Lock()
        self._cancel = CancelFlag()

    def status(self) -> ReaderStatus:
        """The library loads and ``InitComm`` opens the port (the convention has no SAM query)."""
        if not self._lock.acquire(timeout=0.1):
            # The admin screen must not wait for a resident's read: the library is in use.
            return ReaderStatus(ReaderState.READY, str(self.port))
        try:
            state = self._ensure_open()
        finally:
            self._lock.release()
        return ReaderStatus(
            state, self.library.name if state is ReaderState.DRIVER_MISSING else str(self.port)
        )

    def read(self, timeout_s: float = 10.0) -> ReadResult:
        """Poll ``Authenticate`` until a card is there, then ``Read_Content`` and decode."""
        self._cancel.clear()
        deadline = time.monotonic() + timeout_s
        with self._lock:
            state = self._ensure_open()
            if state is not ReaderState.READY:
                return ReaderStatus(state).failure()
            lib = self._lib
            assert lib is not None
            self._wipe_files()
            while lib.Authenticate() != 1:
                if time.monotonic() >= deadline:
                    return ReadFailure.of(FailureReason.NO_CARD)
                if self._cancel.wait(self._poll_interval_s):
                    return ReadFailure.of(FailureReason.CANCELLED)
            try:
                if lib.Read_Content(READ_TEXT_AND_PHOTO) != 1:
                    return ReadFailure.of(FailureReason.CARD_REMOVED)
                block = self._text_block()
            finally:
                self._wipe_files()
        if block is None:
            return ReadFailure.of(FailureReason.UNREADABLE)
        log.info("idcard: card read through the vendor library")
        return card_from_text_block(block, self._today())

    def cancel(self) -> None:
        self._cancel.set()

    def close(self) -> None:
        with self._lock:
            if self._lib is not None and self._open:
                self._lib.CloseComm()
            self._open = False

    def _ensure_open(self) -> ReaderState:
        if self._lib is None:
            try:
                lib = ctypes.CDLL(str(self.library))
                for name in ("InitComm", "Authenticate", "Read_Content", "CloseComm"):
                    getattr(lib, name).restype = ctypes.c_int
            except (OSError, AttributeError) as exc:
                log.warning("idcard: vendor library unusable: %s", exc)
                return ReaderState.DRIVER_MISSING
            lib.InitComm.argtypes = [ctypes.c_int]
            lib.Read_Content.argtypes = [ctypes.c_int]
            self._lib = lib
        if not self._open:
            self._open = self._lib.InitComm(self.port) == 1
        return ReaderState.READY if self._open else ReaderState.UNPLUGGED

    def _text_block(self) -> bytes | None:
        for folder in self._output_dirs:
            path = folder / TEXT_FILE
            if path.is_file():
                data = path.read_bytes()
                return data if len(data) == sam.TEXT_BYTES else None
        return None

    def _wipe_files(self) -> None:
        for folder in self._output_dirs:
            for name in VENDOR_FILES:
                (folder / name).unlink(missing_ok=True)
