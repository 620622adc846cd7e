"""kiosk-admin check-id / legal-aid assess / notary / visit slots, as staff use them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import KioskAdmin
from tests.rules.conftest import case
from tests.rules.ids import make_id


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
    return data


def test_check_id_prints_birth_date_age_and_sex_but_masks_the_number(
    kiosk_admin: KioskAdmin,
) -> None:
    number = make_id(date(1950, 4, 5), male=False)
    code, out, _ = kiosk_admin("check-id", number, "--today", "2026-06-15")
    assert code == 0
    assert "1950年4月5日" in out and "76岁" in out and "女" in out
    assert number not in out
    code, out, _ = kiosk_admin("check-id", number, "--today", "2026-06-15", "--json")
    data = json.loads(out)
    assert data == {
        "valid": True,
        "masked": number[:4] + "*" * 10 + number[-4:],
        "birth_date": "1950-04-05",
        "age": 76,
        "sex": "女",
    }


def test_check_id_with_a_wrong_check_digit_exits_1_with_one_plain_line(
    kiosk_admin: KioskAdmin,
) -> None:
    number = make_id(date(1950, 4, 5))
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    code, out, err = kiosk_admin("check-id", wrong)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "校验码" in err and "Traceback" not in err


def test_legal_aid_assess_explains_the_outcome(kiosk_admin: KioskAdmin, tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(
        json.dumps(
            case(economy={"household_size": 2, "monthly_income_yuan": 10000}), ensure_ascii=False
        ),
        encoding="utf-8",
    )
    code, out, _ = kiosk_admin("legal-aid", "assess", str(path), "--today", "2026-06-15")
    assert code == 0
    assert out.startswith("初步评估：不符合")
    assert "每人5000元" in out and "2660元" in out and "12348" in out
    code, out, _ = kiosk_admin("legal-aid", "assess", str(path), "--today", "2026-06-15", "--json")
    data = json.loads(out)
    assert data["outcome"] == "ineligible" and data["income_test"]["threshold_yuan"] == 2660


def test_legal_aid_assess_accepts_the_submit_file_format(
    kiosk_admin: KioskAdmin, tmp_path: Path
) -> None:
    path = tmp_path / "submit.json"
    path.write_text(json.dumps({"kind": "legal_aid", "payload": case()}), encoding="utf-8")
    code, out, _ = kiosk_admin("legal-aid", "assess", str(path), "--today", "2026-06-15")
    assert code == 0 and "初步评估：符合" in out and "绿色通道" in out


def test_legal_aid_assess_with_an_invalid_case_exits_1_listing_fields(
    kiosk_admin: KioskAdmin, tmp_path: Path
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(case(**{"applicant.phone": "123"})), encoding="utf-8")
    code, out, err = kiosk_admin("legal-aid", "assess", str(path))
    assert code == 1 and out == ""
    assert "applicant.phone" in err
    code, _, err = kiosk_admin("legal-aid", "assess", str(tmp_path / "missing.json"))
    assert code == 1 and "找不到这个文件" in err and "No such file" not in err
    (tmp_path / "notjson.json").write_text("{", encoding="utf-8")
    code, _, err = kiosk_admin("legal-aid", "assess", str(tmp_path / "notjson.json"))
    assert code == 1 and "不是完整的 JSON" in err and "第 1 行第 2 列" in err


def test_notary_list_and_checklist(kiosk_admin: KioskAdmin) -> None:
    code, out, _ = kiosk_admin("notary", "list", "--json")
    assert code == 0 and len(json.loads(out)) >= 10
    code, out, _ = kiosk_admin(
        "notary",
        "checklist",
        "inheritance",
        "--answer",
        "heir_deceased=yes",
        "--answer",
        "has_will=no",
        "--district",
        "wujin",
    )
    assert code == 0
    assert "已去世继承人的死亡证明" in out and "遗嘱原件" not in out
    assert "常州市武进公证处" in out and "--answer real_estate=yes|no" in out


def test_notary_checklist_refuses_bad_answers_plainly(kiosk_admin: KioskAdmin) -> None:
    code, _, err = kiosk_admin("notary", "checklist", "will", "--answer", "prior_will")
    assert code == 1 and "问题=yes" in err
    code, _, err = kiosk_admin("notary", "checklist", "will", "--answer", "prior_will=perhaps")
    assert code == 1 and "yes 或 no" in err
    code, _, err = kiosk_admin("notary", "checklist", "spaceship")
    assert code == 1 and "没有这种公证事项" in err


def test_visit_slots_skip_the_spring_festival(kiosk_admin: KioskAdmin) -> None:
    code, out, _ = kiosk_admin(
        "visit",
        "slots",
        "--service",
        "legal_aid",
        "--district",
        "wujin",
        "--from",
        "2024-02-08",
        "--days",
        "11",
        "--today",
        "2024-02-07",
        "--json",
    )
    assert code == 0
    days = sorted({s["date"] for s in json.loads(out)})
    assert days == ["2024-02-08", "2024-02-09", "2024-02-18"]


def test_visit_slots_refuse_an_unknown_service_and_bad_dates(
    kiosk_admin: KioskAdmin,
) -> None:
    code, _, err = kiosk_admin("visit", "slots", "--service", "haircut")
    assert code == 1 and "没有这项上门服务" in err
    code, _, err = kiosk_admin("visit", "slots", "--service", "notary", "--from", "2024-13-01")
    assert code == 1 and "--from" in err
