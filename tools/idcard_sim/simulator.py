"""The simulator proper: a thread answering SAM frames on the master side of an ``os.openpty``.

What a real reader does and this one copies: "find card" answers 9F only for a card that was
put down since the last read (lift and put back), reading takes 0.5-1 s, a card lifted during
the read gives SW3 41. Faults are per card, for its first ``fault_times`` reads: ``removed``
(lifted mid-read), ``garbled`` (line noise instead of the answer), ``wrong_checksum``. Reader-wide:
``mute`` (answers nothing) and ``sam_fault`` (the SAM self-test fails).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import select
import threading
import time
import tty
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk.devices import sam_protocol as sam
from kiosk.devices.idcard import CARD_TYPE_OFFSET, SEXES, TEXT_FIELDS, CardType

_TYPE_MARKS = {CardType.RESIDENT: " ", CardType.FOREIGNER: "I", CardType.HMT_PERMIT: "J"}


class Fault(StrEnum):
    REMOVED = "removed"
    GARBLED = "garbled"
    WRONG_CHECKSUM = "wrong_checksum"


@dataclass
class SimCard:
    """A card in the simulator's deck: the text fields as the chip holds them."""

    key: str
    fields: dict[str, str]
    card_type: CardType = CardType.RESIDENT
    fault: Fault | None = None
    fault_times: int = 1  # how many reads the fault hits; -1: every read
    reads: int = field(default=0, compare=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SimCard:
        sex = str(data["sex"])
        codes = {label: code for code, label in SEXES.items()}
        fields = {
            "name": data["name"],
            "sex": codes.get(sex, sex),
            "nation": data.get("nation", "01"),
            "birth": data["birth"],
            "address": data["address"],
            "id_number": data["id_number"],
            "issuing_office": data["issuing_office"],
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
        }
        fault = data.get("fault")
        return cls(
            key=data["key"],
            fields=fields,
            card_type=CardType(data.get("card_type", "resident")),
            fault=Fault(fault) if fault else None,
            fault_times=int(data.get("fault_times", 1)),
        )

    def text_block(self) -> bytes:
        """The 256-byte UCS-2 block, each field space-padded to its width."""
        out = b""
        for name, size in TEXT_FIELDS:
            raw = self.fields.get(name, "").encode("utf-16-le")
            if len(raw) > size:
                raise ValueError(f"{self.key}: {name} longer than {size // 2} characters")
            out += raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)
        mark = _TYPE_MARKS[self.card_type].encode("utf-16-le")
        return out[:CARD_TYPE_OFFSET] + mark + out[CARD_TYPE_OFFSET + 2 :]

    def take_fault(self) -> Fault | None:
        """The fault this read suffers (counting it), if any."""
        self.reads += 1
        if self.fault is None:
            return None
        if self.fault_times < 0 or self.reads <= self.fault_times:
            return self.fault
        return None


def load_cards(path: Path) -> list[SimCard]:
    """Cards from ``{"cards": [{"key": ..., "name": ..., ...}, ...]}``."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [SimCard.from_json(c) for c in doc["cards"]]


class ReaderSimulator:
    """A reader on a pty. ``path`` is the device to open; ``place``/``lift`` move cards."""

    def __init__(
        self,
        cards: list[SimCard],
        *,
        read_time_s: tuple[float, float] = (0.5, 1.0),
        mute: bool = False,
        sam_fault: bool = False,
        seed: int = 13,
    ) -> None:
        self.cards = {card.key: card for card in cards}
        self.read_time_s = read_time_s
        self.mute = mute
        self.sam_fault = sam_fault
        self.reads_served = 0
        self.last_read_time_s = 0.0  # how long the last read took, for the benchmark
        self._random = random.Random(seed)
        self._card: SimCard | None = None
        self._read_since_placed = False
        self._state = threading.Lock()
        self._stop = threading.Event()
        self._master, self._slave = os.openpty()
        self._fds_open = True
        tty.setraw(self._slave)  # no echo, no newline translation: a plain byte pipe
        self.path = os.ttyname(self._slave)
        self._thread = threading.Thread(target=self._serve, name="idcard-sim", daemon=True)

    # -- control -----------------------------------------------------------------------------------
    def start(self) -> ReaderSimulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and close the pty (the driver then sees the reader unplugged)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        # Once only: a second close of the same numbers would close whatever file the process
        # has opened under them since.
        fds, self._fds_open = (self._master, self._slave) if self._fds_open else (), False
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> ReaderSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def place(self, key: str) -> None:
        """Put a card down (any card lying there is lifted first)."""
        with self._state:
            self._card = self.cards[key]
            self._read_since_placed = False

    def lift(self) -> None:
        with self._state:
            self._card = None

    # -- the reader --------------------------------------------------------------------------------
    def _serve(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                buffer += os.read(self._master, 4096)
            except OSError:
                return
            while True:
                payload, buffer = _next_frame(buffer)
                if payload is None:
                    break
                if not self.mute:
                    self._answer(payload)

    def _send(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            os.write(self._master, data)

    def _answer(self, payload: bytes) -> None:
        if payload == b"":  # a frame whose checksum was wrong
            self._send(sam.answer_frame(sam.Status.BAD_CHECKSUM))
            return
        command = payload[:2]
        if command == sam.SAM_STATUS:
            status = sam.Status.SAM_SELF_TEST_FAILED if self.sam_fault else sam.Status.OK
            self._send(sam.answer_frame(status))
        elif command == sam.FIND_CARD:
            with self._state:
                found = self._card is not None and not self._read_since_placed
            self._send(sam.answer_frame(sam.Status.CARD_FOUND if found else sam.Status.FIND_FAILED))
        elif command == sam.SELECT_CARD:
            with self._state:
                present = self._card is not None
            self._send(sam.answer_frame(sam.Status.OK if present else sam.Status.SELECT_FAILED))
        elif command == sam.READ_BASE_MESSAGE:
            self._read_card()
        else:
            self._send(sam.answer_frame(sam.Status.BAD_COMMAND))

    def _read_card(self) -> None:
        with self._state:
            card = self._card
        if card is None:
            self._send(sam.answer_frame(sam.Status.READ_FAILED))
            return
        fault = card.take_fault()
        started = time.monotonic()
        duration = self._random.uniform(*self.read_time_s)
        if fault is Fault.REMOVED:
            time.sleep(duration / 2)
            self.lift()
            self._send(sam.answer_frame(sam.Status.READ_FAILED))
            return
        time.sleep(duration)
        text = card.text_block()
        photo = bytes(sam.PHOTO_BYTES)  # a blank WLT: the kiosk must never look at it anyway
        data = sam.TEXT_BYTES.to_bytes(2, "big") + sam.PHOTO_BYTES.to_bytes(2, "big") + text + photo
        frame = sam.answer_frame(sam.Status.OK, data)
        if fault is Fault.GARBLED:
            frame = bytes(self._random.randrange(0x00, 0x60) for _ in range(64))
        elif fault is Fault.WRONG_CHECKSUM:
            frame = frame[:-1] + bytes([frame[-1] ^ 0x5A])
        with self._state:
            self._read_since_placed = True
        self.last_read_time_s = time.monotonic() - started
        self.reads_served += 1
        self._send(frame)


def _next_frame(buffer: bytes) -> tuple[bytes | None, bytes]:
    """The next command payload in ``buffer`` (``b""`` for a damaged one) and what is left."""
    start = buffer.find(sam.PREAMBLE)
    if start < 0:
        return None, buffer[-(len(sam.PREAMBLE) - 1) :]
    body = buffer[start + len(sam.PREAMBLE) :]
    if len(body) < 2:
        return None, buffer[start:]
    length = int.from_bytes(body[:2], "big")
    if len(body) < 2 + length:
        return None, buffer[start:]
    rest = body[2 + length :]
    try:
        return sam.decode_body(body[:2], body[2 : 2 + length]), rest
    except sam.FrameError:
        return b"", rest
