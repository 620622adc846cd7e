"""The contract with the outbox: problems per field, and only non-identifying metadata in clear."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

from kiosk.content import ContentPack
from kiosk.submission_rules import (
    MAX_PAYLOAD_BYTES,
    public_metadata,
    size_problem,
    validate_submission,
)
from kiosk.submissions import failure_text
from offline_cache.store import StoreError
from tests.rules.conftest import TODAY, case
from tests.rules.ids import make_id

VISIT: dict[str, Any] = {
    "booking_id": "7c1f3e0a-5b7d-4c1e-9f55-0c2b8d1a2e3f",
    "service": "notary",
    "person": {
        "name": "李秀英",
        "id_number": make_id(date(1938, 8, 8), male=False),
        "phone": "0519-86123456",
    },
    "address": {
        "district": "liyang",
        "town": "daibu",
        "village": "liy_daibu_nanshan",
        "detail": "二组5号",
    },
    "slot": {"date": "2026-06-17", "period": "morning"},
    "eligibility": {"reason": "elderly"},
    "contact": {"name": "李建国", "phone": "13912345678", "relation": "儿子"},
    "notary_matter": "will",
    "consent": {"visit": True},
}


def test_a_complete_legal_aid_case_has_no_problems(pack: ContentPack) -> None:
    assert validate_submission("legal_aid", case(), pack, today=TODAY) == []


def test_a_complete_visit_booking_has_no_problems(pack: ContentPack) -> None:
    assert validate_submission("visit_booking", VISIT, pack, today=TODAY) == []


def test_a_visit_booking_on_a_day_the_team_does_not_work_is_refused(pack: ContentPack) -> None:
    tuesday = dict(VISIT, slot={"date": "2026-06-16", "period": "morning"})  # notary: Mon/Wed/Fri
    problems = validate_submission("visit_booking", tuesday, pack, today=TODAY)
    assert [p.field for p in problems] == ["slot"]
    holiday = dict(VISIT, slot={"date": "2026-06-19", "period": "morning"})  # 端午节 2026
    assert [p.field for p in validate_submission("visit_booking", holiday, pack, today=TODAY)] == [
        "slot.date"
    ]


def test_a_young_person_without_a_staff_override_cannot_book(pack: ContentPack) -> None:
    young = dict(VISIT, person=dict(VISIT["person"], id_number=make_id(date(1990, 1, 1))))
    problems = validate_submission("visit_booking", young, pack, today=TODAY)
    assert [p.field for p in problems] == ["eligibility"]
    override = dict(
        young, eligibility={"reason": "staff_override", "staff_id": "s1", "note": "刚做完手术卧床"}
    )
    assert validate_submission("visit_booking", override, pack, today=TODAY) == []


def test_an_empty_visit_booking_lists_every_missing_field(pack: ContentPack) -> None:
    fields = {p.field for p in validate_submission("visit_booking", {}, pack, today=TODAY)}
    assert {"service", "person", "address", "slot", "eligibility", "consent.visit"} <= fields


def test_an_unknown_kind_is_a_problem_not_a_crash(pack: ContentPack) -> None:
    problems = validate_submission("parking_ticket", {}, pack, today=TODAY)
    assert problems[0].field == "kind"


def test_legal_aid_metadata_is_only_non_identifying(pack: ContentPack) -> None:
    doc = case()
    meta = public_metadata("legal_aid", doc, pack, today=TODAY)
    assert meta == {
        "service": "legal_aid",
        "matter_category": "unpaid_wages",
        "district": "wujin",  # no town or village: the district is all statistics need
        "outcome": "eligible",
        "priority": "yes",
    }
    flat = json.dumps(meta, ensure_ascii=False)
    for secret in ("王大山", doc["applicant"]["id_number"], "1391234", "三组12号", "包工头"):
        assert secret not in flat


def test_visit_metadata_is_only_non_identifying(pack: ContentPack) -> None:
    meta = public_metadata("visit_booking", VISIT, pack, today=TODAY)
    assert meta["visit_service"] == "notary" and meta["visit_date"] == "2026-06-17"
    assert meta["district"] == "liyang" and meta["booking_id"] == VISIT["booking_id"]
    assert "village" not in meta and "town" not in meta
    flat = json.dumps(meta, ensure_ascii=False)
    for secret in ("李秀英", "李建国", VISIT["person"]["id_number"], "86123456", "二组5号"):
        assert secret not in flat


def test_free_text_never_reaches_metadata_even_in_place_of_an_id(pack: ContentPack) -> None:
    doc = case(**{"applicant.address": {"district": "王大山家", "town": "x", "village": "y"}})
    assert "district" not in public_metadata("legal_aid", doc, pack, today=TODAY)


def test_an_unknown_field_is_refused_at_any_depth_naming_its_path(pack: ContentPack) -> None:
    legal_aid = case(**{"monthly_income": "很多", "applicant.address.floor": "三楼"})
    problems = validate_submission("legal_aid", legal_aid, pack, today=TODAY)
    assert {p.field for p in problems} == {"monthly_income", "applicant.address.floor"}
    assert all("请删掉它" in p.message for p in problems)
    visit = {**VISIT, "slot": {**VISIT["slot"], "pickup": "yes"}, "extra": 1}
    problems = validate_submission("visit_booking", visit, pack, today=TODAY)
    assert {p.field for p in problems} == {"slot.pickup", "extra"}


def test_a_payload_over_its_kinds_size_cap_is_refused_before_anything_else(
    pack: ContentPack,
) -> None:
    huge = case(attachment="欠" * (20 * 1024 * 1024 // 3))  # the 20 MB unknown field
    problems = validate_submission("legal_aid", huge, pack, today=TODAY)
    assert len(problems) == 1
    assert "申请内容太大" in problems[0].message and "最多 32 KiB" in problems[0].message


def test_a_legal_aid_case_with_every_text_at_its_limit_fits_the_cap(pack: ContentPack) -> None:
    limits = pack.data("legal_aid")["limits"]
    full = case(
        **{
            "matter.facts": "工" * limits["facts_max_chars"],
            "applicant.address.detail": "组" * limits["address_detail_max_chars"],
            "opposing_party.name": "司" * limits["name_max_chars"],
        },
        evidence=["据" * 40] * 20,
    )
    assert validate_submission("legal_aid", full, pack, today=TODAY) == []
    assert size_problem("legal_aid", full) is None
    assert (
        len(json.dumps(full, ensure_ascii=False).encode("utf-8"))
        < MAX_PAYLOAD_BYTES["legal_aid"] / 4
    )


def test_a_screen_shows_only_our_own_plain_errors_never_a_librarys_english() -> None:
    assert failure_text(StoreError("存储空间已满。")) == "存储空间已满。"
    said = failure_text(sqlite3.OperationalError("disk I/O error"))
    assert "disk" not in said and "12348" in said
