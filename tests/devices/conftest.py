"""Shared set-up for the device tests: the pty reader simulator and the fictional cards."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kiosk.devices.serial_reader import SerialCardReader
from tests.conftest import ROOT
from tools.idcard_sim import ReaderSimulator, SimCard

CARDS_FILE = ROOT / "tools" / "idcard_sim" / "cards.json"
STROKES_DIR = Path(__file__).parent / "fixtures" / "handwriting"
TODAY = date(2026, 12, 1)  # the cards' validity is judged on a fixed day


def card_data(key: str) -> dict[str, Any]:
    """The JSON entry of one card of the simulator's example deck."""
    cards = json.loads(CARDS_FILE.read_text(encoding="utf-8"))["cards"]
    return dict(next(c for c in cards if c["key"] == key))


def sim_card(key: str, **changes: Any) -> SimCard:
    """A card of the example deck, optionally with a fault or other fields."""
    return SimCard.from_json({**card_data(key), **changes})


SimFactory = Callable[..., ReaderSimulator]


@pytest.fixture
def make_simulator() -> Iterator[SimFactory]:
    """Start simulators (fast reads unless asked otherwise); all are stopped afterwards."""
    started: list[ReaderSimulator] = []

    def make(
        *cards: SimCard, read_time_s: tuple[float, float] = (0.02, 0.05), **kw: Any
    ) -> ReaderSimulator:
        sim = ReaderSimulator(list(cards), read_time_s=read_time_s, **kw).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def make_reader() -> Iterator[Callable[..., SerialCardReader]]:
    """Serial drivers pointed at a simulator's pty, judging validity on :data:`TODAY`."""
    opened: list[SerialCardReader] = []

    def make(sim: ReaderSimulator, **kw: Any) -> SerialCardReader:
        kw.setdefault("poll_interval_s", 0.02)
        reader = SerialCardReader(sim.path, today=lambda: TODAY, **kw)
        opened.append(reader)
        return reader

    yield make
    for reader in opened:
        reader.close()
