"""The contract with the outbox: problems per field, and only non-identifying metadata in clear."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from kiosk.content import ContentPack
from kiosk.submission_rules import public_metadata, validate_submission
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
