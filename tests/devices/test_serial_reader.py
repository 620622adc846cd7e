"""The pyserial driver against the reader simulator, through a real pseudo-terminal."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from kiosk.devices.idcard import FailureReason, IdCard, ReaderState, ReadFailure
from kiosk.devices.serial_reader import SerialCardReader
from tests.devices.conftest import card_data, sim_card


def _failure(result: object, reason: FailureReason) -> ReadFailure:
    assert isinstance(result, ReadFailure), result
    assert result.reason is reason, result
    return result


def test_a_card_on_the_reader_is_read_with_every_field(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("wang"))
    sim.place("wang")
    card = make_reader(sim).read(3)
    assert isinstance(card, IdCard)
    expected = card_data("wang")
    assert card.name == expected["name"] and card.id_number == expected["id_number"]
    assert card.address == expected["address"] and card.sex == "男" and card.nation == "汉"
    assert card.birth_date == date(1952, 5, 4) and card.valid_until is None  # 长期


def test_a_15_character_name_and_a_35_character_address_come_through_whole(
    make_simulator, make_reader
) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("long"))
    sim.place("long")
    card = make_reader(sim).read(3)
    assert isinstance(card, IdCard)
    assert len(card.name) == 15 and card.name == card_data("long")["name"]
    assert len(card.address) == 35 and card.address == card_data("long")["address"]
    assert card.nation == "维吾尔" and card.sex == "女"


def test_a_number_ending_in_x_is_read_and_accepted(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("x-digit"))
    sim.place("x-digit")
    card = make_reader(sim).read(3)
    assert isinstance(card, IdCard) and card.id_number.endswith("X")
    assert card.masked_number == card.id_number[:4] + "*" * 10 + card.id_number[-4:]


def test_an_expired_card_is_refused_with_a_plain_message(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("expired"))
    sim.place("expired")
    assert "过期" in _failure(make_reader(sim).read(3), FailureReason.EXPIRED).message


def test_a_card_whose_number_does_not_match_its_birth_date_is_refused(
    make_simulator, make_reader
) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("mismatch"))
    sim.place("mismatch")
    _failure(make_reader(sim).read(3), FailureReason.NUMBER_MISMATCH)


def test_with_no_card_the_read_gives_up_after_its_timeout(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("wang"))
    started = time.monotonic()
    result = make_reader(sim).read(0.5)
    assert 0.5 <= time.monotonic() - started < 2.5
    assert "放在读卡区" in _failure(result, FailureReason.NO_CARD).message


def test_a_card_put_down_while_waiting_is_read(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("wang"))
    threading.Timer(0.3, sim.place, ["wang"]).start()
    assert isinstance(make_reader(sim).read(3), IdCard)


def test_a_card_left_on_the_reader_must_be_lifted_and_put_back(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("wang"))
    sim.place("wang")
    reader = make_reader(sim)
    assert isinstance(reader.read(3), IdCard)
    assert "拿起来" in _failure(reader.read(0.3), FailureReason.LIFT_AND_REPLACE).message
    sim.lift()
    sim.place("wang")
    assert isinstance(reader.read(3), IdCard)


def test_a_card_lifted_during_the_read_asks_to_keep_it_still(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("wang", fault="removed"))
    sim.place("wang")
    assert "不要拿开" in _failure(make_reader(sim).read(3), FailureReason.CARD_REMOVED).message


@pytest.mark.parametrize("fault", ["garbled", "wrong_checksum"])
def test_one_damaged_answer_is_retried_and_the_card_still_read(
    make_simulator, make_reader, fault: str
) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("wang", fault=fault, fault_times=1))
    sim.place("wang")
    assert isinstance(make_reader(sim).read(3), IdCard)
    assert sim.reads_served == 2


@pytest.mark.parametrize("fault", ["garbled", "wrong_checksum"])
def test_answers_that_stay_damaged_end_in_a_plain_retry_message(
    make_simulator, make_reader, fault: str
) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("wang", fault=fault, fault_times=-1))
    sim.place("wang")
    result = _failure(make_reader(sim).read(3), FailureReason.COMMUNICATION)
    assert "再放一次" in result.message


def test_a_slow_reader_still_reads_within_the_read_timeout(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("wang"), read_time_s=(0.9, 1.0))
    sim.place("wang")
    started = time.monotonic()
    assert isinstance(make_reader(sim).read(3), IdCard)
    assert time.monotonic() - started >= 0.9


def test_a_reader_slower_than_the_read_timeout_is_not_taken_for_a_card(
    make_simulator, make_reader
) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("wang"), read_time_s=(1.0, 1.0))
    sim.place("wang")
    result = make_reader(sim, read_timeout_s=0.4, retries=0).read(3)
    _failure(result, FailureReason.NOT_RESPONDING)


def test_a_ready_reader_reports_ready(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    status = make_reader(make_simulator()).status()
    assert status.ok and status.state is ReaderState.READY


def test_a_failed_security_module_is_reported_to_staff(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    status = make_reader(make_simulator(sam_fault=True)).status()
    assert status.state is ReaderState.SAM_FAULT and "安全模块" in status.message
    assert status.detail == "SW3=60"


def test_a_reader_that_answers_nothing_is_not_responding(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(make_simulator(mute=True), answer_timeout_s=0.2)
    assert reader.status().state is ReaderState.NOT_RESPONDING
    _failure(reader.read(1), FailureReason.NOT_RESPONDING)


def test_a_port_that_does_not_exist_is_an_unplugged_reader(tmp_path) -> None:  # type: ignore[no-untyped-def]
    reader = SerialCardReader(str(tmp_path / "ttyUSB9"))
    assert reader.status().state is ReaderState.UNPLUGGED
    assert "没有连接好" in _failure(reader.read(1), FailureReason.UNPLUGGED).message


def test_a_reader_pulled_out_between_reads_is_unplugged_and_found_again(
    make_simulator, make_reader
) -> None:  # type: ignore[no-untyped-def]
    sim = make_simulator(sim_card("wang"))
    reader = make_reader(sim)
    assert reader.status().ok
    sim.stop()
    _failure(reader.read(1), FailureReason.UNPLUGGED)
    assert reader.status().state is ReaderState.UNPLUGGED


def test_a_waiting_read_can_be_cancelled_from_another_thread(make_simulator, make_reader) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(make_simulator(sim_card("wang")))
    threading.Timer(0.2, reader.cancel).start()
    started = time.monotonic()
    _failure(reader.read(10), FailureReason.CANCELLED)
    assert time.monotonic() - started < 2


def test_the_admin_screen_gets_a_status_at_once_while_a_resident_waits_for_a_read(
    make_simulator, make_reader
) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(make_simulator(sim_card("wang")))
    waiting = threading.Thread(target=reader.read, args=(1.5,))
    waiting.start()
    time.sleep(0.2)
    started = time.monotonic()
    status = reader.status()
    assert time.monotonic() - started < 0.5 and status.ok
    waiting.join()


def test_stopping_a_simulator_twice_leaves_other_files_alone(make_simulator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    sim = make_simulator()
    sim.stop()
    # Reuse the lowest free descriptor numbers, as the rest of the process would.
    with open(tmp_path / "a", "w") as a, open(tmp_path / "b", "w") as b:
        sim.stop()
        for f in (a, b):
            os.fstat(f.fileno())  # still open
