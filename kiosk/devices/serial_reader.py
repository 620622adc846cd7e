"""A certified desktop ID-card reader on a serial or USB-serial port, spoken to in SAM frames.

The conversation follows GA/T 467 (and the open-source ``hev-idcard-reader`` daemon): ask the
SAM for its status; poll "find card" until a card answers; "select card"; "read base message"
(text + photo, ~1 s on a real reader). A garbled answer or a wrong checksum is retried a
couple of times before the resident is asked to put the card down again; a port that vanishes
is "unplugged", a port that stays silent is "not responding".

Many readers find a card only once: after a read it must be lifted and put back before "find
card" answers again, so a timeout after a successful read says so instead of "no card".
"""

from __future__ import annotations

import contextlib
import logging
import termios
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import serial

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
_GAP_S = 0.3  # longest pause inside one answer (1295 bytes take ~0.1 s at 115200 baud)


class _Silent(Exception):
    """The reader sent nothing at all before the deadline."""


class _Gone(Exception):
    """The port disappeared (USB cable pulled)."""


class SerialCardReader:
    """:class:`~kiosk.devices.idcard.CardReader` over pyserial. The port is opened on first use
    and reopened after it vanished, so plugging the reader back in needs no restart."""

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 115200,
        answer_timeout_s: float = 1.0,
        read_timeout_s: float = 3.0,
        poll_interval_s: float = 0.2,
        retries: int = 2,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.port = port
        self._baudrate = baudrate
        self._answer_timeout_s = answer_timeout_s
        self._read_timeout_s = read_timeout_s  # a real read takes 0.5-1 s; allow a slow reader
        self._poll_interval_s = poll_interval_s
        self._retries = retries
        self._today = today
        self._serial: Any = None
        self._lock = threading.Lock()
        self._cancel = CancelFlag()
        self._card_was_read = False

    # -- the CardReader protocol -------------------------------------------------------------------
    def status(self) -> ReaderStatus:
        """Port present, reader answering, SAM self-test passed."""
        # While a read holds the port the last known state is the answer: the admin screen must
        # not wait for a resident's read to finish.
        if not self._lock.acquire(timeout=0.1):
            # A read is using the open port: the reader is there.
            return ReaderStatus(ReaderState.READY, self.port)
        try:
            return self._status_locked()
        finally:
            self._lock.release()

    def read(self, timeout_s: float = 10.0) -> ReadResult:
        """Wait up to ``timeout_s`` for a card, then read and check it."""
        self._cancel.clear()
        with self._lock:
            try:
                return self._read_locked(time.monotonic() + timeout_s)
            except _Gone:
                self._drop_port()
                return ReadFailure.of(FailureReason.UNPLUGGED)
            except _Silent:
                return ReadFailure.of(FailureReason.NOT_RESPONDING)

    def cancel(self) -> None:
        self._cancel.set()

    def close(self) -> None:
        with self._lock:
            self._drop_port()

    # -- inside the lock ---------------------------------------------------------------------------
    def _status_locked(self) -> ReaderStatus:
        try:
            answer = self._exchange(sam.SAM_STATUS, self._answer_timeout_s)
        except _Gone:
            self._drop_port()
            return ReaderStatus(ReaderState.UNPLUGGED, self.port)
        except _Silent:
            return ReaderStatus(ReaderState.NOT_RESPONDING, self.port)
        if answer is None:
            return ReaderStatus(ReaderState.NOT_RESPONDING, self.port)
        if answer.sw3 != sam.Status.OK:
            return ReaderStatus(ReaderState.SAM_FAULT, f"SW3={answer.sw3:02X}")
        return ReaderStatus(ReaderState.READY, self.port)

    def _read_locked(self, deadline: float) -> ReadResult:
        while True:
            if self._cancel.is_set:
                return ReadFailure.of(FailureReason.CANCELLED)
            found = self._exchange(sam.FIND_CARD, self._answer_timeout_s)
            if found is None:
                return ReadFailure.of(FailureReason.COMMUNICATION)
            if found.sw3 == sam.Status.CARD_FOUND:
                break
            if found.sw3 != sam.Status.FIND_FAILED:
                log.warning("idcard: find card answered SW3=%02X", found.sw3)
                return ReadFailure.of(FailureReason.SAM_FAULT)
            if time.monotonic() >= deadline:
                reason = (
                    FailureReason.LIFT_AND_REPLACE if self._card_was_read else FailureReason.NO_CARD
                )
                return ReadFailure.of(reason)
            if self._cancel.wait(self._poll_interval_s):
                return ReadFailure.of(FailureReason.CANCELLED)
        self._card_was_read = False
        selected = self._exchange(sam.SELECT_CARD, self._answer_timeout_s)
        if selected is None:
            return ReadFailure.of(FailureReason.COMMUNICATION)
        if selected.sw3 != sam.Status.OK:
            return ReadFailure.of(FailureReason.LIFT_AND_REPLACE)
        answer = self._exchange(sam.READ_BASE_MESSAGE, self._read_timeout_s)
        if answer is None:
            return ReadFailure.of(FailureReason.COMMUNICATION)
        if answer.sw3 == sam.Status.READ_FAILED:
            return ReadFailure.of(FailureReason.CARD_REMOVED)
        if answer.sw3 != sam.Status.OK:
            log.warning("idcard: read base message answered SW3=%02X", answer.sw3)
            return ReadFailure.of(FailureReason.UNREADABLE)
        try:
            block, _photo_length = sam.split_base_message(answer.data)
        except sam.FrameError:
            return ReadFailure.of(FailureReason.UNREADABLE)
        self._card_was_read = True
        log.info("idcard: card read")  # never what it says
        return card_from_text_block(block, self._today())

    def _exchange(self, command: bytes, timeout_s: float) -> sam.Answer | None:
        """Send ``command`` and return the answer; ``None`` when every try came back garbled or
        with a wrong checksum (either way)."""
        port = self._port()
        frame = sam.command_frame(command)
        for attempt in range(self._retries + 1):
            try:
                port.reset_input_buffer()
                port.write(frame)
                port.flush()
                answer = sam.parse_answer(self._read_frame(port, time.monotonic() + timeout_s))
            except sam.FrameError as exc:
                log.info("idcard: bad answer to %s (try %d): %s", command.hex(), attempt + 1, exc)
                time.sleep(0.05)  # let the rest of the noise arrive before it is flushed
                continue
            except (serial.SerialException, OSError, termios.error) as exc:
                raise _Gone from exc
            if answer.sw3 in (sam.Status.BAD_CHECKSUM, sam.Status.BAD_LENGTH):
                continue  # the reader got our frame damaged: send it again
            return answer
        return None

    def _read_frame(self, port: Any, deadline: float) -> bytes:
        """One frame's payload; noise before the preamble is skipped."""
        window = b""
        received = 0
        while window != sam.PREAMBLE:
            chunk = self._read_exactly(port, 1, deadline, received)
            received += 1
            window = (window + chunk)[-len(sam.PREAMBLE) :]
            if received > sam.MAX_FRAME_LENGTH:
                raise sam.FrameError("no frame in the noise")
        length_bytes = self._read_exactly(port, 2, deadline, received)
        length = int.from_bytes(length_bytes, "big")
        if not 1 <= length <= sam.MAX_FRAME_LENGTH:
            raise sam.FrameError(f"implausible length {length}")
        rest = self._read_exactly(port, length, deadline, received)
        return sam.decode_body(length_bytes, rest)

    @staticmethod
    def _read_exactly(port: Any, count: int, deadline: float, received: int) -> bytes:
        data = b""
        while len(data) < count:
            started = bool(received or data)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if started:
                    raise sam.FrameError("answer cut short")
                raise _Silent
            # A reader sends its answer in one go; a pause once bytes have come means the rest
            # is lost (noise on the line), not that the reader is still busy.
            port.timeout = min(remaining, _GAP_S) if started else remaining
            chunk = port.read(count - len(data))
            if not chunk and started:
                raise sam.FrameError("answer stopped midway")
            data += chunk
        return data

    def _port(self) -> Any:
        if self._serial is None:
            try:
                self._serial = serial.Serial(
                    self.port, self._baudrate, timeout=self._answer_timeout_s
                )
            except (serial.SerialException, OSError, ValueError) as exc:
                raise _Gone from exc
        return self._serial

    def _drop_port(self) -> None:
        if self._serial is not None:
            with contextlib.suppress(serial.SerialException, OSError, termios.error):
                self._serial.close()
            self._serial = None
