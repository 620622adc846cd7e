"""问一问 answers after the legal review (issue 19's standard): right, complete, plain, marked.

Each named test pins a rule the review corrected or found missing; the answers are read aloud
verbatim, so what is asserted here is what a resident hears.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.content import ContentPack, PackError, load_pack, unverified_figures
from kiosk.plain_words import PlainRules, text_problems
from offline_cache import BUNDLED_PACK_DIR
from tests.rules.conftest import edited_pack

SERVICE_BASIS = "本服务站服务说明（内容包）"


def _entry(pack: ContentPack, entry_id: str) -> dict[str, Any]:
    found = [e for e in pack.data("qa")["entries"] if e["id"] == entry_id]
    assert len(found) == 1, entry_id
    return found[0]


def _articles(entry: dict[str, Any]) -> set[tuple[str, str]]:
    return {(b["law"].removeprefix("中华人民共和国"), b["article"]) for b in entry["basis"]}


# -- the corrected rules -------------------------------------------------------------------------
def test_the_inheritance_order_answer_mentions_representation_in_laws_and_the_spouses_half(
    pack: ContentPack,
) -> None:
    entry = _entry(pack, "inherit_order")
    answer = entry["answer"]
    assert "代位继承" in answer  # 民法典1128
    assert "儿媳" in answer and "女婿" in answer  # 1129
    assert "一半" in answer and "老伴" in answer  # 1153: the spouse's half comes out first
    assert answer.index("一半") < answer.index("第一顺序")
    assert {("民法典", f"第一千一百{n}条") for n in ("二十七", "二十八", "二十九", "五十三")} <= (
        _articles(entry)
    )


def test_the_work_injury_answer_gives_30_days_for_the_employer_and_a_year_for_the_worker(
    pack: ContentPack,
) -> None:
    entry = _entry(pack, "injury_apply")
    answer = entry["answer"]
    assert "三十天" in answer and "一年" in answer
    assert answer.index("单位") < answer.index("三十天") < answer.index("一年")
    assert "一个月" not in answer
    assert ("工伤保险条例", "第十七条") in _articles(entry)


def test_wage_arbitration_is_free_within_a_year_and_retired_workers_are_sent_to_staff(
    pack: ContentPack,
) -> None:
    entry = _entry(pack, "wages_arbitration")
    answer = entry["answer"]
    assert "不收费" in answer and "一年" in answer
    assert "退休年龄" in answer and "三年" in answer and "请问工作人员" in answer
    assert {("劳动争议调解仲裁法", "第二十七条"), ("民法典", "第一百八十八条")} <= _articles(entry)
    assert "一年" in _entry(pack, "wages_unpaid")["answer"]  # the deadline is not only on one page


def test_land_arbitration_gives_two_years_and_thirty_days_to_go_to_court(pack: ContentPack) -> None:
    for entry_id in ("land_arbitration_time", "land_dispute"):
        entry = _entry(pack, entry_id)
        assert "两年" in entry["answer"] and "三十天" in entry["answer"], entry_id
        assert {
            ("农村土地承包经营纠纷调解仲裁法", "第十八条"),
            ("农村土地承包经营纠纷调解仲裁法", "第四十八条"),
        } <= _articles(entry)


def test_a_woman_who_marries_out_divorces_or_is_widowed_keeps_her_contract_land(
    pack: ContentPack,
) -> None:
    answer = _entry(pack, "land_woman_marry")["answer"]
    assert answer.startswith("有") and "不能收回" in answer
    assert "离婚" in answer and "去世" in answer  # 农村土地承包法31 covers all three


def test_a_will_only_disposes_of_your_own_half_and_a_notarised_will_no_longer_wins(
    pack: ContentPack,
) -> None:
    assert "一半" in _entry(pack, "will_scope")["answer"]
    notary = _entry(pack, "will_notary")["answer"]
    assert "最后" in notary and "不再优先" in notary
    reserve = _entry(pack, "will_reserve")
    assert "没有生活来源" in reserve["answer"]
    assert ("民法典", "第一千一百四十一条") in _articles(reserve)


def test_giving_the_house_to_children_warns_about_notarised_gifts_and_the_one_year_limit(
    pack: ContentPack,
) -> None:
    entry = _entry(pack, "gift_house_children")
    answer = entry["answer"]
    assert "居住权" in answer and "登记" in answer  # 民法典368: it exists only once registered
    assert "公证" in answer and "不能随便反悔" in answer  # 658
    assert "一年" in answer  # 663
    assert {("民法典", "第六百五十八条"), ("民法典", "第六百六十三条")} <= _articles(entry)


def test_a_maintenance_agreement_goes_only_to_someone_who_is_not_an_heir(pack: ContentPack) -> None:
    # 民法典1158: 继承人以外的组织或者个人 — the old answer left this out.
    assert "继承人以外" in _entry(pack, "inherit_gift_contract")["answer"]


def test_notarising_a_house_gift_or_will_can_be_done_where_the_resident_lives(
    pack: ContentPack,
) -> None:
    # 公证法25(2): 委托/声明/赠与/遗嘱 about a house need not go to where the house is.
    answer = _entry(pack, "svc_notary_where")["answer"]
    assert "赠与" in answer and "遗嘱" in answer and "您住的地方" in answer


def test_legal_aid_answers_say_the_income_test_applies_unless_exempt(pack: ContentPack) -> None:
    # 法律援助法31 needs economic hardship; only 32 and 42 lift it.
    for entry_id in ("support_legal_aid", "marriage_child_support", "traffic_mediation"):
        assert "收入" in _entry(pack, entry_id)["answer"], entry_id
    assert "不看家里收入" in _entry(pack, "injury_legal_aid")["answer"]
    assert "在外" not in _entry(pack, "injury_legal_aid")["answer"]


def test_the_elder_support_answers_cite_the_right_articles(pack: ContentPack) -> None:
    visit = _entry(pack, "support_visit")
    assert "经常回家看看" in visit["answer"]
    assert _articles(visit) == {("老年人权益保障法", "第十八条")}
    assert "先" in _entry(pack, "support_mediation")["answer"]  # 75: courts can order payment early
    assert ("民法典", "第一千零七十四条") in _articles(_entry(pack, "support_grandchild"))


def test_a_protection_order_can_be_asked_for_by_the_village_or_womens_federation(
    pack: ContentPack,
) -> None:
    for entry_id in ("protection_order", "support_violence"):
        entry = _entry(pack, entry_id)
        assert "村委会" in entry["answer"] and "妇联" in entry["answer"]
        assert "替" in entry["answer"]
        assert ("反家庭暴力法", "第二十三条") in _articles(entry)


def test_traffic_answers_mark_before_moving_and_name_the_rescue_fund(pack: ContentPack) -> None:
    assert "标出位置" in _entry(pack, "traffic_first")["answer"]  # 道路交通安全法70
    for entry_id in ("traffic_hit_run", "traffic_hospital"):
        assert "社会救助基金" in _entry(pack, entry_id)["answer"]
    assert "三天" in _entry(pack, "traffic_certificate")["answer"]  # 复核, in writing
    assert "书面" in _entry(pack, "traffic_certificate")["answer"]


def test_the_general_contractor_pays_when_the_gang_boss_runs(pack: ContentPack) -> None:
    entry = _entry(pack, "wages_contractor_fled")
    assert entry["answer"].startswith("找工地的施工总承包单位")
    assert "12333" in entry["answer"]
    assert ("保障农民工工资支付条例", "第三十条") in _articles(entry)


# -- every entry is marked, and the unverified ones are listed ------------------------------------
def test_every_qa_entry_is_marked_verified_or_says_what_is_unconfirmed(pack: ContentPack) -> None:
    for entry in pack.data("qa")["entries"]:
        assert entry["checked"] == "2026-12-07", entry["id"]
        if entry["verified"]:
            assert "unverified_note" not in entry, entry["id"]
        else:
            assert len(entry["unverified_note"]) > 20, entry["id"]


def test_service_only_answers_cite_the_service_description(pack: ContentPack) -> None:
    service_only = [
        e for e in pack.data("qa")["entries"] if all(b["law"] == SERVICE_BASIS for b in e["basis"])
    ]
    assert {e["id"] for e in service_only} >= {"svc_status", "svc_privacy", "svc_voice"}
    assert all(e["verified"] for e in service_only)
    # The button that reads a page again is 朗读 (screens/widgets.py TopBar), not 重听.
    assert "“朗读”" in _entry(pack, "svc_voice")["answer"]


def test_every_qa_answer_is_plain(pack: ContentPack) -> None:
    rules = PlainRules.of(pack)
    problems = {
        e["id"]: text_problems(e["answer"], rules)
        for e in pack.data("qa")["entries"]
        if text_problems(e["answer"], rules)
    }
    assert problems == {}


def test_pack_validate_lists_every_unverified_qa_entry(capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.admin.cli import main

    pack = load_pack(BUNDLED_PACK_DIR)
    unverified = [e for e in pack.data("qa")["entries"] if not e["verified"]]
    assert unverified  # the village-affairs article was renumbered by the 2025 amendment
    assert main(["pack", "validate", str(BUNDLED_PACK_DIR)]) == 0
    out = capsys.readouterr().out
    listed = [u for u in unverified_figures(pack) if u.file == "data/qa.json"]
    assert len(listed) == len(unverified)
    for entry, u in zip(unverified, listed, strict=True):
        assert entry["questions"][0] in u.what and entry["unverified_note"] in u.what
        assert u.line() in out


def test_a_qa_entry_marked_unverified_without_a_note_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["entries"][0]["verified"] = False
        data["entries"][0].pop("unverified_note", None)

    with pytest.raises(PackError) as caught:
        load_pack(edited_pack(tmp_path, "qa", edit))
    assert any("/entries/0" in p and "unverified_note" in p for p in caught.value.problems)


def test_a_qa_entry_without_its_review_mark_or_with_an_unknown_field_is_refused(
    tmp_path: Path,
) -> None:
    def edit(data: dict[str, Any]) -> None:
        del data["entries"][0]["verified"]
        data["entries"][1]["reviewed_by"] = "x"

    with pytest.raises(PackError) as caught:
        load_pack(edited_pack(tmp_path, "qa", edit))
    assert any("/entries/0" in p and "verified" in p for p in caught.value.problems)
    assert any("/entries/1" in p and "reviewed_by" in p for p in caught.value.problems)


def test_small_deposits_of_a_deceased_name_the_current_limit_and_stay_marked_unverified(
    pack: ContentPack,
) -> None:
    # The 2024 notice raised the no-notarisation limit to 50 000 yuan; only reports were found.
    entry = _entry(pack, "inherit_deposit")
    assert "五万元" in entry["answer"] and "不用公证" in entry["answer"]
    assert not entry["verified"] and "2024" in entry["unverified_note"]


# -- the 2026-12-07 source check ------------------------------------------------------------------
def test_proving_a_job_without_a_contract_follows_the_2005_notice_and_the_boss_must_show_records(
    pack: ContentPack,
) -> None:
    # 劳社部发〔2005〕12号 第二条: pay and social-insurance records, work card, hiring forms,
    # attendance, co-workers' word; the employer bears the burden for (一)(三)(四).
    entry = _entry(pack, "labour_relation_prove")
    answer = entry["answer"]
    for evidence in ("工资条", "社保", "工作证", "考勤", "登记表", "工友"):
        assert evidence in answer, evidence
    assert "老板有责任拿出来" in answer
    assert entry["verified"] and "unverified_note" not in entry
    notice = [b for b in entry["basis"] if "劳社部发〔2005〕12号" in b["law"]]
    assert [b["article"] for b in notice] == ["第二条"]


def test_the_tenfold_food_compensation_is_claimed_from_the_maker_or_a_shop_that_knew(
    pack: ContentPack,
) -> None:
    # 食品安全法148(2): the seller pays the tenfold sum only when it knew the food was unsafe.
    entry = _entry(pack, "fraud_fake_food")
    answer = entry["answer"]
    assert "十倍" in answer and "一千元" in answer
    assert "厂家" in answer and "明知道" in answer
    # 148(2)'s proviso: a label flaw that neither harms safety nor misleads earns no such sum.
    assert "不影响食品安全" in answer and "不会误导人" in answer
    # The 2025-09-12 decision only adds paragraphs to 41 and 132 and words to 81, 82 and 124:
    # nothing is renumbered, so 148 keeps its number and wording.
    assert entry["verified"] and "unverified_note" not in entry
    assert _articles(entry) == {("食品安全法", "第一百四十八条")}


def test_the_village_accounts_answer_follows_the_2025_text_of_the_village_committee_law(
    pack: ContentPack,
) -> None:
    # Since 2026-01-01 村务公开 is 第三十五条 (was 30): quarterly, monthly accounts when busy,
    # a notice board and at least fifteen days; 第三十六条: whom to tell when it is not done.
    entry = _entry(pack, "village_affairs")
    answer = entry["answer"]
    assert "每季度" in answer and "每月" in answer
    assert "公开栏" in answer and "十五天" in answer
    assert "镇政府" in answer
    assert _articles(entry) == {
        ("村民委员会组织法", "第三十五条"),
        ("村民委员会组织法", "第三十六条"),
    }
    assert entry["verified"] and "unverified_note" not in entry


def test_a_court_appraisal_is_done_by_a_registered_appraiser_through_his_institution(
    pack: ContentPack,
) -> None:
    # 司法鉴定管理问题的决定 第九条: 委托列入鉴定人名册的鉴定人; the institution takes the commission.
    entry = _entry(pack, "svc_appraisal")
    answer = entry["answer"]
    assert "名册的鉴定人" in answer and "鉴定机构" in answer
    assert "名册的鉴定机构" not in answer
    decision = "全国人民代表大会常务委员会关于司法鉴定管理问题的决定"
    assert (decision, "第九条") in _articles(entry)
    assert entry["verified"] and "unverified_note" not in entry


def test_the_compulsory_insurance_limits_stay_listed_until_the_regulators_notice_is_read(
    pack: ContentPack,
) -> None:
    # 交强险条例23 says the limits are uniform and set by the regulator; the six figures are not
    # in any law, so the entry names the article and stays on the unverified list.
    entry = _entry(pack, "traffic_limit_amount")
    assert ("机动车交通事故责任强制保险条例", "第二十三条") in _articles(entry)
    assert not entry["verified"] and "第二十三条" in entry["unverified_note"]
    listed = [u for u in unverified_figures(pack) if "交强险" in u.what]
    assert len(listed) == 1
