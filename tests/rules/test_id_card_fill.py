"""What a read ID card puts into the wizards' drafts (kiosk.wizards.id_card)."""

from __future__ import annotations

from datetime import date

from kiosk import display_text
from kiosk.content import ContentPack
from kiosk.devices.idcard import IdCard
from kiosk.wizards.id_card import card_answers, match_address, sex_and_age
from kiosk.wizards.legal_aid import LEGAL_AID
from kiosk.wizards.steps import Context
from kiosk.wizards.visit import VISIT


def _card(address: str) -> IdCard:
    return IdCard(
        name="王建国",
        sex="男",
        nation_code="01",
        birth_date=date(1952, 5, 4),
        address=address,
        id_number="320412195205041215",
        issuing_office="常州市公安局武进分局",
        valid_from=date(2016, 3, 1),
        valid_until=None,
    )


def test_a_card_address_in_the_pack_is_matched_down_to_the_village_with_the_rest_as_detail(
    pack: ContentPack,
) -> None:
    found = match_address(pack, "江苏省常州市武进区湟里镇东安村委会东安村123号")
    assert (found.district, found.town, found.village) == ("wujin", "huangli", "wuj_huangli_dongan")
    assert found.detail == "东安村123号"


def test_a_village_the_pack_doesnt_list_leaves_the_resident_to_pick_it(pack: ContentPack) -> None:
    found = match_address(pack, "江苏省常州市武进区湟里镇不存在村5号")
    assert (found.district, found.town, found.village) == ("wujin", "huangli", None)
    assert found.detail == ""


def test_an_address_outside_the_packs_districts_matches_nothing(pack: ContentPack) -> None:
    assert match_address(pack, "浙江省杭州市西湖区某某路1号").district is None


def test_a_city_level_district_is_found_by_its_own_name(pack: ContentPack) -> None:
    found = match_address(pack, "江苏省溧阳市社渚镇河口村委会下庄村45号")
    assert (found.district, found.town, found.village) == ("liyang", "shezhu", "liy_shezhu_hekou")


def test_the_applicants_card_fills_name_number_and_address_and_opens_the_address_at_the_detail(
    pack: ContentPack,
) -> None:
    step = LEGAL_AID.step("id_number")
    answers = card_answers(
        LEGAL_AID, step, _card("江苏省常州市武进区湟里镇东安村委会东安村123号"), Context(pack)
    )
    assert answers["name"] == "王建国"
    assert answers["id_number"] == "320412195205041215"
    assert answers["address_village"] == "wuj_huangli_dongan"
    assert answers["address_detail"] == "东安村123号"
    assert answers["_address_level"] == "detail"


def test_a_half_matched_address_opens_the_address_page_where_the_resident_must_pick(
    pack: ContentPack,
) -> None:
    answers = card_answers(
        VISIT, VISIT.step("id_number"), _card("江苏省常州市武进区不知道镇1号"), Context(pack)
    )
    assert answers["address_district"] == "wujin"
    assert answers["address_town"] is None
    assert answers["_address_level"] == "town"


def test_the_agents_card_fills_only_the_agents_name_and_number(pack: ContentPack) -> None:
    step = LEGAL_AID.step("agent_id_number")
    answers = card_answers(LEGAL_AID, step, _card("江苏省常州市武进区"), Context(pack))
    assert answers == {"agent_name": "王建国", "agent_id_number": "320412195205041215"}


def test_an_id_number_is_shown_in_six_eight_four_groups() -> None:
    assert display_text.id_number("32048119650917118X") == "320481 19650917 118X"


def test_the_read_back_says_sex_and_age_on_the_terminals_date() -> None:
    number = "320483195603150025"  # a woman born 1956-03-15
    assert sex_and_age(number, date(2026, 12, 7)) == "（女，70岁）"
    assert sex_and_age(number, date(2026, 3, 14)) == "（女，69岁）"  # the day before her birthday
    assert sex_and_age("320412195205041215", date(2026, 12, 7)) == "（男，74岁）"
    assert sex_and_age("320412195205041214", date(2026, 12, 7)) == ""  # a wrong check digit
