"""A resident's card never reaches a log line, a repr or a file left behind."""

from __future__ import annotations

import logging

import pytest

from kiosk.admin.cli import main
from kiosk.devices.idcard import IdCard, card_from_text_block
from tests.devices.conftest import TODAY, card_data, sim_card

PERSONAL = ("name", "address", "id_number", "birth")


def _secrets(key: str) -> list[str]:
    data = card_data(key)
    return [data[k] for k in PERSONAL] + [data["id_number"][-6:]]


def test_a_cards_repr_and_str_show_none_of_its_fields() -> None:
    card = card_from_text_block(sim_card("wang").text_block(), TODAY)
    assert isinstance(card, IdCard)
    for text in (repr(card), str(card), f"{card}", repr([card]), repr({"card": card})):
        assert not any(secret in text for secret in _secrets("wang")), text


def test_reading_cards_logs_nothing_of_them(
    make_simulator, make_reader, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    sim = make_simulator(sim_card("wang"), sim_card("expired"), sim_card("long", fault="garbled"))
    reader = make_reader(sim)
    for key in ("wang", "expired", "long"):
        sim.place(key)
        reader.read(3)
    assert caplog.records, "the driver should log what it did"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for key in ("wang", "expired", "long"):
        for secret in _secrets(key):
            assert secret not in logged


def test_the_cli_logs_nothing_of_the_card_it_prints(
    make_simulator, caplog: pytest.LogCaptureFixture, capsys
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    sim = make_simulator(sim_card("wang"))
    sim.place("wang")
    assert main(["idcard", "read", "--port", sim.path]) == 0
    assert card_data("wang")["id_number"] not in capsys.readouterr().out
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(secret in logged for secret in _secrets("wang"))
