"""One contract for every CardReader: the scripted stand-in behaves like the real driver."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from kiosk.devices.idcard import (
    CardReader,
    FailureReason,
    IdCard,
    ReadFailure,
    card_from_text_block,
)
from kiosk.devices.stand_ins import NoCardReader, ScriptedCardReader
from tests.devices.conftest import TODAY, sim_card

# A reader factory: given "is a card on it?", a reader in that state.
ReaderFactory = Callable[[bool], CardReader]


@pytest.fixture(params=["scripted", "serial"])
def reader_with(
    request: pytest.FixtureRequest, make_simulator, make_reader
) -> Iterator[ReaderFactory]:  # type: ignore[no-untyped-def]
    def scripted(card_on_reader: bool) -> CardReader:
        card = card_from_text_block(sim_card("wang").text_block(), TODAY)
        return ScriptedCardReader([card] if card_on_reader else [])

    def serial(card_on_reader: bool) -> CardReader:
        sim = make_simulator(sim_card("wang"))
        if card_on_reader:
            sim.place("wang")
        return make_reader(sim)

    yield scripted if request.param == "scripted" else serial


def test_a_card_on_the_reader_comes_back_as_the_card(reader_with: ReaderFactory) -> None:
    card = reader_with(True).read(2)
    assert isinstance(card, IdCard) and card.name == "王建国"


def test_no_card_comes_back_as_no_card(reader_with: ReaderFactory) -> None:
    result = reader_with(False).read(0.2)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.NO_CARD


def test_a_reader_that_is_there_reports_ready(reader_with: ReaderFactory) -> None:
    assert reader_with(False).status().ok


def test_a_terminal_without_a_reader_says_so_instead_of_failing() -> None:
    reader = NoCardReader()
    assert not reader.status().ok and "没有配置" in reader.status().message
    result = reader.read(0.1)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.NOT_CONFIGURED
    assert "键盘" in result.message
