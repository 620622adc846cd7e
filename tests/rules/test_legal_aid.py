"""Legal-aid pre-assessment: the rules a resident's verdict rests on."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.content import ContentPack, load_pack
from kiosk.legal_aid import (
    ELIGIBLE,
    INELIGIBLE,
    LIKELY,
    REVIEW,
    Assessment,
    application_problems,
    assess,
    parse_application,
)
from offline_cache import BUNDLED_PACK_DIR
from tests.rules.conftest import TODAY, case, edited_pack
from tests.rules.ids import make_id

# Hypothesis tests can't take function-scoped fixtures; load the pack once for them.
_PACK = load_pack(BUNDLED_PACK_DIR)


def run(pack: ContentPack, doc: dict[str, object], today: date = TODAY) -> Assessment:
    assert application_problems(doc, pack, today) == []
    app = parse_application(doc, pack, today)
    assert app is not None
    return assess(app, pack, today)


def test_a_migrant_worker_claiming_wages_is_exempt_whatever_the_income(pack: ContentPack) -> None:
    for income in (0, 4500, 80_000, 999_999):
        result = run(
            pack,
            case(
                **{
                    "applicant.migrant_worker": True,
                    "economy": {"household_size": 1, "monthly_income_yuan": income},
                }
            ),
        )
        assert result.outcome == ELIGIBLE, result.reasons
        assert result.exempt_from_economic_test
        assert result.income_test is None
        assert any("农民工" in r and "不用查收入" in r for r in result.reasons)
        assert any("第四十二条第三项" in b for b in result.basis)
        assert "integrity_pledge" not in [m.id for m in result.materials]


def test_a_migrant_worker_is_exempt_for_work_injury_too_but_not_for_a_loan(
    pack: ContentPack,
) -> None:
    rich = {"household_size": 1, "monthly_income_yuan": 50_000}
    injury = run(
        pack,
        case(
            **{"applicant.migrant_worker": True, "matter.category": "work_injury", "economy": rich}
        ),
    )
    assert injury.outcome == ELIGIBLE
    loan = run(
        pack,
        case(
            **{"applicant.migrant_worker": True, "matter.category": "private_loan", "economy": rich}
        ),
    )
    assert loan.outcome == INELIGIBLE


def test_a_72_year_old_wubao_resident_is_exempt(pack: ContentPack) -> None:
    born = date(TODAY.year - 72, 1, 10)
    result = run(
        pack,
        case(
            **{
                "applicant.id_number": make_id(born, male=False),
                "matter.category": "elder_support",
                "exemption_groups": ["wubao"],
                "economy": None,
            }
        ),
    )
    assert result.outcome == ELIGIBLE, result.reasons
    assert result.exempt_from_economic_test
    assert any("农村五保户" in r and "不用查家里收入" in r for r in result.reasons)
    assert result.one_to_one_groups == ["农村五保户"]  # social-assistance: one-to-one help
    assert result.priority and result.green_channel_days == 1
    ids = [m.id for m in result.materials]
    assert "proof_tekun" in ids and "integrity_pledge" not in ids


def test_a_family_above_the_threshold_gets_ineligible_with_the_figures_in_the_reason(
    pack: ContentPack,
) -> None:
    result = run(pack, case(economy={"household_size": 3, "monthly_income_yuan": 12000}))
    assert result.outcome == INELIGIBLE
    assert result.income_test is not None and not result.income_test.passed
    reason = next(r for r in result.reasons if "不算经济困难" in r)
    for figure in ("3口人", "12000元", "每人4000元", "武进区", "2660元"):
        assert figure in reason, (figure, reason)
    assert any("2026年1月1日" in b for b in result.basis)
    # Only the agency decides: a resident told 不符合 may still apply and get a written answer.
    assert any("书面答复" in r for r in result.reasons)
    # A wage claim is pointed to free labour arbitration, never to neighbourhood mediation.
    ids = {r["id"] for r in result.referrals}
    assert {"labour_arbitration", "hotline_12348"} <= ids and "mediation" not in ids
    assert not result.priority  # no green channel for a refusal


def test_a_family_at_or_below_the_threshold_is_eligible(pack: ContentPack) -> None:
    result = run(pack, case(economy={"household_size": 4, "monthly_income_yuan": 6000}))
    assert result.outcome == ELIGIBLE
    assert result.income_test is not None and result.income_test.per_capita_yuan == 1500
    assert "integrity_pledge" in [m.id for m in result.materials]


def test_the_threshold_in_force_on_the_day_is_used(pack: ContentPack) -> None:
    doc = case(economy={"household_size": 1, "monthly_income_yuan": 2400})
    before = run(pack, doc, date(2023, 12, 31))  # 2280 then: 2400 is above
    after = run(pack, doc, date(2024, 1, 1))  # 2490 from 1 January 2024: 2400 is below
    assert before.income_test is not None and before.income_test.threshold_yuan == 2280
    assert after.income_test is not None and after.income_test.threshold_yuan == 2490
    assert after.outcome in (ELIGIBLE, REVIEW)
    # 2660 from 1 January 2026 (tier 1, start date not yet confirmed: unverified).
    now = run(pack, case(economy={"household_size": 1, "monthly_income_yuan": 2600}), TODAY)
    assert now.income_test is not None and now.income_test.threshold_yuan == 2660


def test_income_close_to_an_unverified_threshold_goes_to_staff(pack: ContentPack) -> None:
    result = run(pack, case(economy={"household_size": 1, "monthly_income_yuan": 2600}))
    assert result.outcome == REVIEW
    assert any("没核实" in r for r in result.reasons)


def _verdict_words(reasons: list[str]) -> list[str]:
    """Reason lines that state a verdict of their own (what contradicted the headline)."""
    return [r for r in reasons if "不算经济困难" in r or "，算经济困难" in r or "符合" in r]


@pytest.mark.parametrize("income", [2400, 2660, 2800, 2900])
def test_near_an_unverified_threshold_the_result_tells_one_story_in_one_sentence(
    pack: ContentPack, income: int
) -> None:
    result = run(pack, case(economy={"household_size": 1, "monthly_income_yuan": income}))
    assert result.outcome == REVIEW
    income_lines = [r for r in result.reasons if "每人" in r and "元" in r]
    assert len(income_lines) == 1, result.reasons
    line = income_lines[0]
    assert f"每人{income}元" in line and "2660元" in line
    assert "没核实" in line and "工作人员" in line
    assert _verdict_words(result.reasons) == [], result.reasons


def _liyang(income: int) -> dict[str, object]:
    return case(
        **{
            "applicant.address": {
                "district": "liyang",
                "town": "licheng",
                "village": "liy_licheng_licheng",
                "detail": "三组12号",
            },
            "economy": {"household_size": 1, "monthly_income_yuan": income},
        }
    )


def test_no_one_the_highest_plausible_verified_figure_would_admit_is_told_ineligible(
    pack: ContentPack,
) -> None:
    # 溧阳 is put in tier 2 (2260 元, the 2026 tier-2 figure not found), unconfirmed; tier 1
    # (2660 元 since 2026) is what the verified rule may say, more than the pack's 10 % margin
    # above 2260.
    for income in (2487, 2490, 2600, 2660):
        result = run(pack, _liyang(income))
        assert result.outcome == REVIEW, (income, result.reasons)
        assert _verdict_words(result.reasons) == []
    clearly_above = run(pack, _liyang(4000))
    assert clearly_above.outcome == INELIGIBLE


def test_an_income_exactly_at_a_verified_threshold_is_inside(tmp_path: Path) -> None:
    def verify_all(doc: dict[str, Any]) -> None:
        for t in doc["hardship_thresholds"]:
            t["verified"] = True

    verified = load_pack(edited_pack(tmp_path, "legal_aid", verify_all))
    at = run(verified, case(economy={"household_size": 2, "monthly_income_yuan": 5320}))
    assert at.income_test is not None and at.income_test.per_capita_yuan == 2660
    assert at.outcome == ELIGIBLE and at.income_test.passed
    assert any("不超过，算经济困难" in r for r in at.reasons)
    above = run(verified, case(economy={"household_size": 2, "monthly_income_yuan": 5322}))
    assert above.outcome == INELIGIBLE
    assert any("不算经济困难" in r for r in above.reasons)


def test_a_matter_outside_art_31_points_elsewhere(pack: ContentPack) -> None:
    result = run(pack, case(**{"matter.category": "neighbour_dispute"}))
    assert result.outcome == INELIGIBLE
    assert not result.in_scope
    ids = {r["id"] for r in result.referrals}
    assert {"hotline_12348", "village_adviser", "legal_clinic"} <= ids
    assert "第三十一条" in result.basis[0]
    spoken = result.spoken(pack)
    assert "12348" in spoken and "法律顾问" in spoken and "法律门诊" in spoken


def test_a_special_rural_group_outside_art_31_goes_to_staff_naming_the_campaign(
    pack: ContentPack,
) -> None:
    # The 2021 city notice lifted the scope limit for these groups, but it is a campaign plan
    # (June 2021 – May 2023), not a law or regulation under Art. 31 (9): staff confirm.
    old = make_id(date(TODAY.year - 85, 2, 2))
    result = run(
        pack,
        case(
            **{
                "applicant.id_number": old,
                "matter.category": "neighbour_dispute",
                "exemption_groups": ["rural_very_old"],
            }
        ),
    )
    assert result.outcome == REVIEW
    assert not result.exempt_from_economic_test
    reason = next(r for r in result.reasons if "活动" in r)
    assert "农村高龄老人" in reason and "2021年6月到2023年5月" in reason and "工作人员" in reason
    la = pack.data("legal_aid")
    campaign = next(c for c in la["campaigns"] if c["id"] == "cz_2021_89")
    assert (campaign["valid_from"], campaign["valid_until"]) == ("2021-06-01", "2023-05-31")


def test_a_claimed_age_group_the_id_contradicts_goes_to_staff(pack: ContentPack) -> None:
    result = run(pack, case(exemption_groups=["rural_very_old"]))
    assert result.outcome == REVIEW
    assert any("按身份证您今年" in r and "80岁" in r for r in result.reasons)


def test_domestic_violence_is_in_scope_and_exempt_under_art_32(pack: ContentPack) -> None:
    result = run(
        pack,
        case(
            **{
                "matter.category": "divorce",
                "exempt_matters": ["abuse_victim"],
                "economy": {"household_size": 1, "monthly_income_yuan": 30000},
            }
        ),
    )
    assert result.outcome == ELIGIBLE
    assert any("第三十二条" in b for b in result.basis)
    assert "proof_abuse" in [m.id for m in result.materials]


def test_sannong_local_matters_are_likely_and_get_the_green_channel(pack: ContentPack) -> None:
    result = run(pack, case(**{"matter.category": "land_contract"}))
    assert result.outcome == LIKELY
    assert result.priority and result.green_channel_days == 1
    assert "evidence_land" in [m.id for m in result.materials]


def test_without_income_or_exemption_staff_must_check(pack: ContentPack) -> None:
    result = run(pack, case(economy=None))
    assert result.outcome == REVIEW
    assert any("没有填" in r for r in result.reasons)


def test_materials_are_listed_once_and_include_the_agents_papers(pack: ContentPack) -> None:
    doc = case(
        agent={
            "name": "王小山",
            "id_number": make_id(date(2000, 5, 5)),
            "phone": "13800001111",
            "relation": "儿子",
        },
        exemption_groups=["dibao", "tekun", "wubao"],
    )
    result = run(pack, doc)
    ids = [m.id for m in result.materials]
    assert len(ids) == len(set(ids))
    assert {"id_card", "agent_id", "agent_authority", "proof_dibao", "proof_tekun"} <= set(ids)


def test_statutory_times_come_from_the_pack(pack: ContentPack) -> None:
    result = run(pack, case())
    assert (result.decision_days, result.assignment_days) == (7, 3)
    spoken = result.spoken(pack)
    assert "7天内给您答复" in spoken and "3天内给您安排律师" in spoken


def test_application_problems_name_the_field_in_plain_chinese(pack: ContentPack) -> None:
    doc = case(
        **{
            "applicant.name": "",
            "applicant.id_number": "320402195205041213",
            "applicant.phone": "12345",
            "applicant.address": {"district": "wujin", "town": "nowhere", "village": "x"},
            "matter.category": "",
            "matter.facts": "工钱\x07没给",
            "consent": {"truthful": True},
        }
    )
    problems = {p.field: p.message for p in application_problems(doc, pack, TODAY)}
    assert problems["applicant.name"] == "请填写申请人姓名。"
    assert "校验码" in problems["applicant.id_number"]
    assert "电话" in problems["applicant.phone"] or "手机" in problems["applicant.phone"]
    assert "镇（街道）" in problems["applicant.address.town"]
    assert "哪一类" in problems["matter.category"]
    assert "不能显示的字符" in problems["matter.facts"]
    assert "核查" in problems["consent.verification"]
    assert all(not m.isascii() for m in problems.values())


def test_facts_that_are_too_long_or_contain_emoji_are_refused(pack: ContentPack) -> None:
    too_long = application_problems(case(**{"matter.facts": "欠" * 501}), pack, TODAY)
    assert any("太长" in p.message and "500" in p.message for p in too_long)
    emoji = application_problems(case(**{"matter.facts": "老板不给钱😡"}), pack, TODAY)
    assert any("表情符号" in p.message for p in emoji)


def test_an_agent_cannot_be_the_applicant_themselves(pack: ContentPack) -> None:
    base = case()
    doc = case(
        agent={
            "name": "王大山",
            "id_number": base["applicant"]["id_number"],
            "phone": "13800001111",
            "relation": "本人",
        }
    )
    assert any(p.field == "agent.id_number" for p in application_problems(doc, pack, TODAY))


def test_unknown_groups_are_refused_by_id(pack: ContentPack) -> None:
    problems = application_problems(case(exemption_groups=["vip"]), pack, TODAY)
    assert [p.field for p in problems] == ["exemption_groups[0]"]


def test_with_an_agent_the_applicant_may_have_no_phone_of_their_own(pack: ContentPack) -> None:
    agent = {
        "name": "王小山",
        "id_number": make_id(date(1985, 5, 5)),
        "phone": "13800001111",
        "relation": "父亲",
    }
    child = make_id(date(2015, 9, 1), male=False)
    doc = case(**{"applicant.id_number": child, "applicant.phone": "", "agent": agent})
    assert application_problems(doc, pack, TODAY) == []
    alone = case(**{"applicant.phone": ""})
    assert [p.field for p in application_problems(alone, pack, TODAY)] == ["applicant.phone"]


@settings(max_examples=150, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=20), income=st.integers(min_value=0, max_value=200_000)
)
def test_the_income_test_follows_the_threshold_for_any_household(size: int, income: int) -> None:
    pack = _PACK
    result = run(pack, case(economy={"household_size": size, "monthly_income_yuan": income}))
    per_capita = round(income / size, 2)
    close = abs(per_capita - 2660) <= 266
    expected = REVIEW if close else (ELIGIBLE if per_capita <= 2660 else INELIGIBLE)
    assert result.outcome == expected, (size, income, result.reasons)


@settings(max_examples=60, deadline=None)
@given(
    group=st.sampled_from(
        [
            "dibao",
            "tekun",
            "wubao",
            "judicial_assistance",
            "preferential_care",
            "disabled_no_income",
        ]
    ),
    income=st.integers(min_value=0, max_value=1_000_000),
)
def test_an_exempt_group_is_never_refused_for_income(group: str, income: int) -> None:
    pack = _PACK
    result = run(
        pack,
        case(
            exemption_groups=[group], economy={"household_size": 1, "monthly_income_yuan": income}
        ),
    )
    assert result.outcome == ELIGIBLE and result.income_test is None


@settings(max_examples=40, deadline=None)
@given(
    group=st.sampled_from(["severely_disabled", "seriously_ill", "lonely_elder", "disabled_elder"]),
    income=st.integers(min_value=2_600, max_value=1_000_000),
)
def test_a_campaign_group_above_the_income_standard_goes_to_staff_not_to_a_verdict(
    group: str, income: int
) -> None:
    # The notice's "no income check" for these groups is a campaign rule: the kiosk neither
    # grants it (符合) nor refuses them for income (不符合); staff confirm.
    old = make_id(date(TODAY.year - 70, 3, 3))
    result = run(
        _PACK,
        case(
            **{"applicant.id_number": old},
            exemption_groups=[group],
            economy={"household_size": 1, "monthly_income_yuan": income},
        ),
    )
    assert result.outcome == REVIEW, result.reasons
    assert any("活动" in r and "工作人员确认" in r for r in result.reasons)
