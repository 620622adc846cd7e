"""Stand-ins of the device Protocols, for a station without the device and for tests.

Each has the same interface as the real adapter (the contract tests run both), so the
composition root picks one and no caller checks which it got.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from kiosk.devices.handwriting import Candidate, Ink
from kiosk.devices.idcard import (
    FailureReason,
    ReaderState,
    ReaderStatus,
    ReadFailure,
    ReadResult,
)
from kiosk.devices.receipt_printer import PrinterState, PrinterStatus

if TYPE_CHECKING:
    from PIL.Image import Image


class NoCardReader:
    """The reader of a terminal without one: every read says so, and the keypad is used."""

    def status(self) -> ReaderStatus:
        return ReaderStatus(ReaderState.NOT_CONFIGURED)

    def read(self, timeout_s: float = 10.0) -> ReadResult:
        return ReadFailure.of(FailureReason.NOT_CONFIGURED)

    def cancel(self) -> None:
        pass

    def close(self) -> None:
        pass


class ScriptedCardReader:
    """Hands out the given results one per ``read`` (an ID card, or a failure), then "no card"."""

    def __init__(self, results: Iterable[ReadResult]) -> None:
        self._results = deque(results)

    def status(self) -> ReaderStatus:
        return ReaderStatus(ReaderState.READY, "scripted")

    def read(self, timeout_s: float = 10.0) -> ReadResult:
        return self._results.popleft() if self._results else ReadFailure.of(FailureReason.NO_CARD)

    def cancel(self) -> None:
        pass

    def close(self) -> None:
        self._results.clear()


class UnavailableRecognizer:
    """Handwriting when zinnia or its model is missing: no candidates, and the reason why."""

    def __init__(self, reason: str) -> None:
        self._reason = reason

    @property
    def unavailable_reason(self) -> str | None:
        return self._reason

    def recognize(self, ink: Ink, top: int = 10) -> list[Candidate]:
        return []

    def close(self) -> None:
        pass


class FixedRecognizer:
    """Always proposes the same candidates (for screen tests of the writing pad)."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self._candidates = list(candidates)

    @property
    def unavailable_reason(self) -> str | None:
        return None

    def recognize(self, ink: Ink, top: int = 10) -> list[Candidate]:
        return self._candidates[:top] if ink.strokes else []

    def close(self) -> None:
        pass


class NoReceiptPrinter:
    """The slip printer of a terminal without one: 打印 says so plainly, nothing is sent."""

    def __init__(self, width_mm: int = 80) -> None:
        self._width_mm = width_mm

    @property
    def width_mm(self) -> int:
        return self._width_mm

    def status(self) -> PrinterStatus:
        return PrinterStatus(PrinterState.NOT_CONFIGURED)

    def print_image(self, image: Image) -> PrinterStatus:
        return PrinterStatus(PrinterState.NOT_CONFIGURED)

    def warm_up(self) -> None:
        pass


class ScriptedReceiptPrinter:
    """A printer in a given state that keeps what it printed in memory (tour, screen tests)."""

    def __init__(self, state: PrinterState = PrinterState.READY, width_mm: int = 80) -> None:
        self.state = state
        self._width_mm = width_mm
        self.printed: list[Image] = []

    @property
    def width_mm(self) -> int:
        return self._width_mm

    def status(self) -> PrinterStatus:
        return PrinterStatus(self.state, "scripted")

    def warm_up(self) -> None:
        pass

    def print_image(self, image: Image) -> PrinterStatus:
        if self.state in (PrinterState.READY, PrinterState.PAPER_LOW):
            self.printed.append(image.copy())
        return PrinterStatus(self.state, "scripted")
