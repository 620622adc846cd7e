"""The A4 application form as the legal-aid centre reads it: every answer on the page (checked
with pdftotext), the receipt code, the blank boxes, 代为填写 — from the pack's template."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kiosk.content import ContentPack, PackError, load_pack
from kiosk.printing.application_form import (
    FORM_FIELDS,
    FormUnavailable,
    InvalidCase,
    assemble_form,
)
from offline_cache import BUNDLED_PACK_DIR
from tests.printing.conftest import CODE, STATION, case, facts, pdf_text
from tests.rules.conftest import edited_pack
from tests.rules.ids import make_id

AGENT_ID = make_id(date(1990, 5, 5))


def _with_agent() -> dict[str, Any]:
    doc = case()
    doc["agent"] = {
        "name": "王小红",
        "id_number": AGENT_ID,
        "phone": "13812345678",
        "relation": "子女",
    }
    return doc


def test_every_answer_is_printed_on_the_form(pack: ContentPack) -> None:
    text = pdf_text(assemble_form(_with_agent(), pack, facts()))
    applicant = case()["applicant"]
    for expected in [
        "法律援助申请表",
        "王大山",
        "男",
        "1975年3月1日",
        applicant["id_number"],
        "13912345678",
        "武进区雪堰镇城湾村三组12号",
        "王小红",
        AGENT_ID,
        "13812345678",
        "子女",
        "务工欠薪",  # the matter's label, not its id
        "某建筑劳务公司",
        "公司或单位",
        "在工地干了半年，包工头欠了三万块工钱不给。",
        "欠条、微信聊天记录",
        "3人",
        "4500",
        STATION,
        "2026年6月15日",
    ]:
        assert expected.replace(" ", "") in text, expected
    assert "unpaid_wages" not in text and "company" not in text


def test_the_receipt_code_is_printed_in_three_groups_of_four(pack: ContentPack) -> None:
    text = pdf_text(assemble_form(case(), pack, facts()))
    assert f"回执号：{CODE[:4]}{CODE[4:8]}{CODE[8:]}" in text  # spaces removed by pdf_text
    layout = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=assemble_form(case(), pack, facts()),
        capture_output=True,
        check=True,
        timeout=30,
    )
    assert f"{CODE[:4]} {CODE[4:8]} {CODE[8:]}" in layout.stdout.decode()


def test_blank_boxes_for_the_signature_and_the_thumbprint(pack: ContentPack) -> None:
    text = pdf_text(assemble_form(case(), pack, facts()))
    assert "申请人签名" in text and "按手印" in text
    # Nothing is filled in after them but the date: the boxes are for ink.
    after = text.split("申请人签名", 1)[1]
    assert after.startswith("按手印日期2026年6月15日")


def test_a_form_staff_filled_in_says_so_with_the_staff_id(pack: ContentPack) -> None:
    assisted = pdf_text(assemble_form(case(), pack, facts(staff_id="1001")))
    alone = pdf_text(assemble_form(case(), pack, facts()))
    assert "代为填写：工作人员工号1001" in assisted
    assert "代为填写" not in alone


def test_an_exempt_resident_has_no_income_lines_filled(pack: ContentPack) -> None:
    doc = case(economy=None, exemption_groups=["dibao"])
    text = pdf_text(assemble_form(doc, pack, facts()))
    assert "家庭人口—" in text
    assert "低保" in text


def test_the_form_follows_the_template_in_the_pack(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        form = doc["application_form"]
        form["title"] = "江苏省法律援助申请表"
        form["sections"][0]["rows"][0][0]["label"] = "申请人姓名"

    pack = load_pack(edited_pack(tmp_path, "legal_aid", change))
    text = pdf_text(assemble_form(case(), pack, facts()))
    assert "江苏省法律援助申请表" in text
    assert "申请人姓名王大山" in text


def test_a_template_naming_a_field_the_program_does_not_know_is_refused(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["application_form"]["sections"][0]["rows"][0][0]["field"] = "applicant.shoe_size"

    with pytest.raises(PackError) as refused:
        load_pack(edited_pack(tmp_path, "legal_aid", change))
    assert "application_form" in str(refused.value)


def test_an_unknown_key_in_the_template_is_refused(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["application_form"]["logo"] = "x.png"

    with pytest.raises(PackError):
        load_pack(edited_pack(tmp_path, "legal_aid", change))


def test_the_schema_lists_exactly_the_fields_the_program_fills() -> None:
    schema_path = BUNDLED_PACK_DIR.parent.parent / "pack_schema" / "legal_aid.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    form = schema["properties"]["application_form"]["properties"]
    cell = form["sections"]["items"]["properties"]["rows"]["items"]["items"]
    assert sorted(cell["properties"]["field"]["enum"]) == sorted(FORM_FIELDS)


def test_the_bundled_template_is_marked_unverified_with_a_note(pack: ContentPack) -> None:
    from kiosk.content import unverified_figures

    form = pack.data("legal_aid")["application_form"]
    assert form["verified"] is False
    assert "江苏" in form["unverified_note"]
    assert any(u.path == "/application_form" for u in unverified_figures(pack))


def test_a_pack_without_a_template_says_so_plainly(tmp_path: Path) -> None:
    pack = load_pack(edited_pack(tmp_path, "legal_aid", lambda d: d.pop("application_form")))
    with pytest.raises(FormUnavailable) as missing:
        assemble_form(case(), pack, facts())
    assert "没有法律援助申请表的模板" in str(missing.value)


def test_answers_that_break_the_rules_make_no_form(pack: ContentPack) -> None:
    with pytest.raises(InvalidCase) as invalid:
        assemble_form(case(**{"applicant.id_number": "320402197503011214"}), pack, facts())
    assert [p.field for p in invalid.value.problems] == ["applicant.id_number"]


def test_the_pdf_metadata_holds_no_personal_data(pack: ContentPack) -> None:
    pdf = assemble_form(case(), pack, facts())
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True, timeout=30)
    meta = info.stdout.decode()
    assert "法律援助申请表" in meta
    assert "王大山" not in meta and CODE not in meta


def test_an_income_given_per_year_is_on_the_form_with_the_monthly_figure(pack: ContentPack) -> None:
    from kiosk.printing.application_form import field_values

    doc = case()
    doc["economy"] = {"household_size": 3, "yearly_income_yuan": 54000}
    values = field_values(doc, pack, facts())
    assert values["economy.monthly_income_yuan"] == "4500（按年说：一年54000元）"
    doc["economy"] = {"household_size": 3, "monthly_income_yuan": 4500}
    assert field_values(doc, pack, facts())["economy.monthly_income_yuan"] == "4500"
