"""The business-terminal side of the SAM frame protocol (GA/T 467) spoken by certified desktop
ID-card readers over serial and USB-serial.

A frame is ``AA AA AA 96 69``, a 2-byte big-endian length counting every byte after it
(command or status bytes, data, checksum), then those bytes; the checksum is the XOR of every
byte after the preamble except itself. Commands carry a command and a parameter byte; answers
carry three status bytes SW1 SW2 SW3, where SW3 says what happened. Pure functions, so the
driver and the simulator (``tools/idcard_sim``) share one definition of the wire format.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

PREAMBLE = bytes([0xAA, 0xAA, 0xAA, 0x96, 0x69])
TEXT_BYTES = 256
PHOTO_BYTES = 1024
# SW1 SW2 SW3, text length, photo length, text, photo (the checksum is not part of the payload).
READ_PAYLOAD_BYTES = 3 + 2 + 2 + TEXT_BYTES + PHOTO_BYTES
MAX_FRAME_LENGTH = READ_PAYLOAD_BYTES + 1 + 64  # a little head-room for readers that pad


# Two-byte commands (command, parameter), named after the operations of GA/T 467.
SAM_STATUS = b"\x11\xff"
FIND_CARD = b"\x20\x01"
SELECT_CARD = b"\x20\x02"
READ_BASE_MESSAGE = b"\x30\x01"


class Status(IntEnum):
    """SW3 values a reader answers with."""

    OK = 0x90
    NO_CONTENT = 0x91
    CARD_FOUND = 0x9F
    BAD_CHECKSUM = 0x10  # the reader got our frame with a wrong checksum
    BAD_LENGTH = 0x11
    BAD_COMMAND = 0x21
    NOT_PERMITTED = 0x23
    UNKNOWN_ERROR = 0x24
    CARD_REJECTED_READER = 0x31
    READER_REJECTED_CARD = 0x32
    VERIFY_FAILED = 0x33
    UNKNOWN_CARD_TYPE = 0x40
    READ_FAILED = 0x41  # typically: the card moved or was lifted during the read
    RANDOM_FAILED = 0x47
    SAM_SELF_TEST_FAILED = 0x60
    SAM_NOT_AUTHORISED = 0x66
    FIND_FAILED = 0x80  # no card on the reader (or the last one was not lifted)
    SELECT_FAILED = 0x81


class FrameError(Exception):
    """Bytes that are not a well-formed frame: garbled, cut short or with a wrong checksum."""


def checksum(body: bytes) -> int:
    """XOR of ``body`` (the length bytes and everything after them but the checksum)."""
    value = 0
    for byte in body:
        value ^= byte
    return value


def encode_frame(payload: bytes) -> bytes:
    """Wrap ``payload`` (a command, or status bytes plus data) in preamble, length and checksum."""
    length = (len(payload) + 1).to_bytes(2, "big")
    body = length + payload
    return PREAMBLE + body + bytes([checksum(body)])


def command_frame(command: bytes, data: bytes = b"") -> bytes:
    """The bytes to send for ``command``: ``command_frame(FIND_CARD)`` is ``AA AA AA 96 69 00 03
    20 01 22``."""
    return encode_frame(command + data)


def decode_body(length_bytes: bytes, rest: bytes) -> bytes:
    """Check a frame read off the wire (the 2 length bytes, then ``length`` bytes) and return
    its payload; a wrong checksum is a :class:`FrameError`."""
    if len(length_bytes) != 2:
        raise FrameError("length cut short")
    length = int.from_bytes(length_bytes, "big")
    if len(rest) != length or length < 1:
        raise FrameError(f"frame cut short: {len(rest)} of {length} bytes")
    payload, received = rest[:-1], rest[-1]
    if checksum(length_bytes + payload) != received:
        raise FrameError("wrong checksum")
    return payload


@dataclass(frozen=True)
class Answer:
    """A reader's answer: the status word and what follows it."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes

    @property
    def status(self) -> Status | None:
        """SW3 as a known :class:`Status`, or ``None`` for a value GA/T 467 doesn't name."""
        try:
            return Status(self.sw3)
        except ValueError:
            return None


def parse_answer(payload: bytes) -> Answer:
    """Split an answer payload into status bytes and data."""
    if len(payload) < 3:
        raise FrameError("answer without status bytes")
    return Answer(payload[0], payload[1], payload[2], payload[3:])


def answer_frame(status: Status, data: bytes = b"") -> bytes:
    """A reader's answer frame (used by the simulator and by tests)."""
    return encode_frame(bytes([0x00, 0x00, int(status)]) + data)


def split_base_message(data: bytes) -> tuple[bytes, int]:
    """The text block and the photo length out of a read-base-message answer's data.

    The photo bytes are deliberately not returned: nothing in the kiosk may hold them.
    """
    if len(data) < 4:
        raise FrameError("base message too short")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    if text_len != TEXT_BYTES or len(data) < 4 + text_len + photo_len:
        raise FrameError(f"unexpected base message layout: text {text_len}, photo {photo_len}")
    return data[4 : 4 + text_len], photo_len
