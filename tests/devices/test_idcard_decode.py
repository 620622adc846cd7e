"""Decoding the 256-byte text block and the checks on a card, without any reader."""

from datetime import date

import pytest

from kiosk.devices.idcard import (
    NATIONS,
    FailureReason,
    IdCard,
    ReadFailure,
    card_from_text_block,
    decode_text_block,
)
from tests.devices.conftest import TODAY, card_data, sim_card


def _block(**fields: str) -> bytes:
    """A text block laid out by hand at GA/T 490's byte offsets (not through TEXT_FIELDS)."""
    offsets = {
        "name": (0, 30), "sex": (30, 2), "nation": (32, 4), "birth": (36, 16),
        "address": (52, 70), "id_number": (122, 36), "issuing_office": (158, 30),
        "valid_from": (188, 16), "valid_until": (204, 16),
    }  # fmt: skip
    block = bytearray(" ".encode("utf-16-le") * 128)
    for name, value in fields.items():
        start, size = offsets[name]
        raw = value.encode("utf-16-le")
        block[start : start + len(raw)] = raw
        assert len(raw) <= size
    return bytes(block)


WANG = {k: v for k, v in card_data("wang").items() if k not in ("key", "sex")} | {"sex": "1"}


def test_every_field_of_a_card_is_decoded() -> None:
    card = decode_text_block(_block(**WANG))
    assert isinstance(card, IdCard)
    assert (card.name, card.sex, card.nation, card.birth_date) == (
        "王建国",
        "男",
        "汉",
        date(1952, 5, 4),
    )
    assert card.address == "江苏省常州市武进区湟里镇东安村委会东安村123号"
    assert card.id_number == WANG["id_number"]
    assert card.issuing_office == "常州市公安局武进分局"
    assert card.valid_from == date(2016, 3, 1)


def test_a_card_valid_for_life_has_no_end_date_and_says_changqi() -> None:
    card = decode_text_block(_block(**WANG))
    assert isinstance(card, IdCard)
    assert card.valid_until is None
    assert card.validity_text == "2016.03.01-长期"
    assert card.to_dict()["valid_until"] == "长期"


def test_the_nation_table_is_gb3304_in_full() -> None:
    assert len(NATIONS) == 58
    assert [NATIONS[f"{n:02d}"] for n in (1, 2, 46, 56)] == ["汉", "蒙古", "德昂", "基诺"]
    assert (NATIONS["97"], NATIONS["98"]) == ("其他", "外国血统")


@pytest.mark.parametrize("code", sorted(NATIONS))
def test_every_nation_code_decodes_to_its_name(code: str) -> None:
    card = decode_text_block(_block(**(WANG | {"nation": code})))
    assert isinstance(card, IdCard) and card.nation == NATIONS[code]


def test_a_block_of_rubbish_is_unreadable_not_a_card() -> None:
    result = decode_text_block(_block(**(WANG | {"birth": "1952x504", "sex": "9"})))
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.UNREADABLE


@pytest.mark.parametrize(
    ("key", "words"), [("foreigner", "外国人永久居留身份证"), ("hmt", "港澳台居民居住证")]
)
def test_other_cards_a_reader_can_read_are_named_and_refused_plainly(key: str, words: str) -> None:
    result = card_from_text_block(sim_card(key).text_block(), TODAY)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.UNSUPPORTED_CARD
    assert words in result.message and "读不了" in result.message


def test_an_expired_card_says_when_it_expired() -> None:
    result = card_from_text_block(sim_card("expired").text_block(), TODAY)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.EXPIRED
    assert "2020年3月1日" in result.message


def test_a_card_is_still_valid_on_its_last_day() -> None:
    block = sim_card("expired").text_block()
    assert isinstance(card_from_text_block(block, date(2020, 3, 1)), IdCard)


def test_a_number_that_disagrees_with_the_birth_date_on_the_card_is_refused() -> None:
    result = card_from_text_block(sim_card("mismatch").text_block(), TODAY)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.NUMBER_MISMATCH


def test_a_number_that_disagrees_with_the_sex_on_the_card_is_refused() -> None:
    result = card_from_text_block(_block(**(WANG | {"sex": "2"})), TODAY)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.NUMBER_MISMATCH


def test_a_number_with_a_wrong_check_digit_is_refused() -> None:
    number = WANG["id_number"][:17] + ("1" if WANG["id_number"][17] != "1" else "2")
    result = card_from_text_block(_block(**(WANG | {"id_number": number})), TODAY)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.INVALID_NUMBER


def test_messages_are_plain_chinese_without_codes_or_english() -> None:
    from kiosk.devices.idcard import FAILURE_MESSAGES, STATE_MESSAGES

    for message in [*FAILURE_MESSAGES.values(), *STATE_MESSAGES.values()]:
        assert not any("a" <= ch.lower() <= "z" for ch in message), message
