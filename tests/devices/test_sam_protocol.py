"""The wire format, checked against frames taken from the hardware notes and hev-idcard-reader
(so the driver and the simulator, which share the codec, can't agree on a wrong one)."""

import pytest

from kiosk.devices import sam_protocol as sam


@pytest.mark.parametrize(
    ("command", "frame_hex"),
    [
        (sam.SAM_STATUS, "aaaaaa96690003 11ff ed"),
        (sam.FIND_CARD, "aaaaaa96690003 2001 22"),
        (sam.SELECT_CARD, "aaaaaa96690003 2002 21"),
        (sam.READ_BASE_MESSAGE, "aaaaaa96690003 3001 32"),
    ],
)
def test_command_frames_are_byte_for_byte_what_readers_expect(
    command: bytes, frame_hex: str
) -> None:
    assert sam.command_frame(command) == bytes.fromhex(frame_hex.replace(" ", ""))


def test_a_frame_with_data_counts_the_data_in_its_length_and_checksum() -> None:
    # hev-idcard-reader's "set max RF byte": AA AA AA 96 69 00 04 61 FF 50 CA
    assert sam.command_frame(b"\x61\xff", b"\x50") == bytes.fromhex(
        "aaaaaa966900 04 61ff50 ca".replace(" ", "")
    )


def test_a_read_answer_is_1295_bytes_as_on_a_real_reader() -> None:
    data = (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + bytes(256 + 1024)
    assert len(sam.answer_frame(sam.Status.OK, data)) == 1295


def test_a_wrong_checksum_is_refused() -> None:
    frame = sam.answer_frame(sam.Status.CARD_FOUND)
    body = frame[len(sam.PREAMBLE) :]
    assert sam.parse_answer(sam.decode_body(body[:2], body[2:])).status is sam.Status.CARD_FOUND
    with pytest.raises(sam.FrameError):
        sam.decode_body(body[:2], body[2:-1] + bytes([body[-1] ^ 1]))


def test_a_frame_cut_short_is_refused() -> None:
    body = sam.answer_frame(sam.Status.OK)[len(sam.PREAMBLE) :]
    with pytest.raises(sam.FrameError):
        sam.decode_body(body[:2], body[2:-1])


def test_the_photo_is_never_handed_out_of_a_base_message() -> None:
    text, photo = bytes(range(256)), b"\x42" * 1024
    data = (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + text + photo
    assert sam.split_base_message(data) == (text, 1024)
