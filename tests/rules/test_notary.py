"""Notary checklists: answers give the exact documents, each with why and where."""

from __future__ import annotations

import pytest

from kiosk import notary
from kiosk.content import ContentPack

REQUIRED_MATTERS = {
    "inheritance": "继承",
    "entrustment": "委托",
    "declaration": "声明",
    "will": "遗嘱",
    "gift": "赠与",
    "birth": "出生",
    "marital_status": "婚姻状况",
    "kinship": "亲属关系",
    "no_criminal_record": "无犯罪记录",
    "education": "学历学位",
}


def ids(checklist: notary.Checklist) -> list[str]:
    return [d.id for d in checklist.documents]


def test_all_ten_required_matters_are_offered(pack: ContentPack) -> None:
    offered = {o.id: o.label for o in notary.matters(pack)}
    assert REQUIRED_MATTERS.items() <= offered.items()


def test_every_document_says_why_and_where(pack: ContentPack) -> None:
    for matter in REQUIRED_MATTERS:
        everything = notary.checklist(pack, matter, {})
        for d in everything.documents + [m.document for m in everything.maybe]:
            assert d.why and d.where, (matter, d.id)


def test_an_heir_who_has_died_adds_that_heirs_death_proof_and_heirs(pack: ContentPack) -> None:
    without = notary.checklist(pack, "inheritance", {"heir_deceased": False})
    with_dead_heir = notary.checklist(pack, "inheritance", {"heir_deceased": True})
    assert "deceased_heir_docs" not in ids(without)
    assert "deceased_heir_docs" in ids(with_dead_heir)
    assert {"heirs_id", "death_proof", "kinship_proof"} <= set(ids(without))


def test_unanswered_questions_leave_their_documents_as_maybe(pack: ContentPack) -> None:
    result = notary.checklist(pack, "inheritance", {})
    maybe = {m.document.id: [q.id for q in m.depends_on] for m in result.maybe}
    assert maybe["will_original"] == ["has_will"]
    assert "will_original" not in ids(result)
    assert [q.id for q in result.unanswered][:2] == ["has_will", "heir_deceased"]


def test_property_outside_changzhou_is_asked_only_for_real_estate_and_sends_you_there(
    pack: ContentPack,
) -> None:
    assert notary.next_question(
        pack, "inheritance", {"has_will": False, "heir_deceased": False}
    ) == (notary.Question("real_estate", "遗产里有房产吗？"))
    no_house = {"has_will": False, "heir_deceased": False, "real_estate": False}
    assert notary.next_question(pack, "inheritance", no_house) == notary.Question(
        "deposits", "遗产里有银行存款吗？"
    )
    elsewhere = notary.checklist(
        pack, "inheritance", {"real_estate": True, "property_in_changzhou": False}
    )
    assert any("房子所在地" in n for n in elsewhere.notes)
    ignored = notary.checklist(
        pack, "inheritance", {"real_estate": False, "property_in_changzhou": False}
    )
    assert not any("房产所在地" in n for n in ignored.notes)


def test_someone_applying_for_another_person_needs_a_power_of_attorney_and_both_ids(
    pack: ContentPack,
) -> None:
    for matter in ("birth", "kinship", "no_criminal_record", "education", "marital_status"):
        own = notary.checklist(pack, matter, {"self_applying": True})
        other = notary.checklist(pack, matter, {"self_applying": False})
        assert "power_of_attorney" not in ids(own)
        assert {"power_of_attorney", "agent_id", "id_household"} <= set(ids(other))
        assert not other.in_person_required


def test_wills_declarations_and_entrustments_need_the_person_in_person(pack: ContentPack) -> None:
    for matter in ("will", "declaration", "entrustment"):
        result = notary.checklist(pack, matter, {})
        assert result.in_person_required
        assert "本人" in result.in_person_reason


def test_an_unmarried_declaration_must_be_signed_in_person(pack: ContentPack) -> None:
    single = notary.checklist(pack, "marital_status", {"married": False, "divorced": False})
    assert single.in_person_required and "unmarried_proof" in ids(single)
    married = notary.checklist(pack, "marital_status", {"married": True, "divorced": True})
    assert {"marriage_cert", "divorce_proof"} <= set(ids(married))
    assert not married.in_person_required


def test_joint_property_needs_the_spouses_consent_for_a_gift(pack: ContentPack) -> None:
    result = notary.checklist(
        pack, "gift", {"real_estate": True, "joint_property": True, "receiver_minor": True}
    )
    assert {"property_deed", "spouse_consent", "guardian_docs"} <= set(ids(result))


def test_the_notary_office_follows_the_residents_district(pack: ContentPack) -> None:
    result = notary.checklist(pack, "will", {}, district="liyang")
    assert result.office is not None and result.office.label == "溧阳市公证处"
    for d in pack.districts():
        assert notary.office_for(pack, d.id) is not None


def test_the_green_channel_is_read_out_with_every_checklist(pack: ContentPack) -> None:
    spoken = notary.checklist(pack, "will", {}, district="wujin").spoken(pack)
    assert "上门" in spoken and "武进区" in spoken and "3个星期" in spoken


def test_unknown_matters_questions_and_answers_are_refused_plainly(pack: ContentPack) -> None:
    with pytest.raises(notary.NotaryError, match="没有这种公证事项"):
        notary.checklist(pack, "divorce", {})
    with pytest.raises(notary.NotaryError, match="没有问题 colour"):
        notary.checklist(pack, "will", {"colour": True})
    with pytest.raises(notary.NotaryError, match="只能是 yes 或 no"):
        notary.parse_answer("maybe")
    assert notary.parse_answer("是") is True and notary.parse_answer("NO") is False
