"""The content pack: the bundled one validates, broken ones are refused precisely."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.content import (
    DATA_FILES,
    SCHEMA_DIR,
    ContentPack,
    Option,
    PackError,
    load_pack,
    screens_schema_placeholders,
)
from offline_cache import BUNDLED_PACK_DIR
from tests.rules.conftest import edited_pack

DISTRICTS = {"tianning", "zhonglou", "xinbei", "wujin", "jintan", "liyang", "jingkai"}


def broken(tmp_path: Path, stem: str, change: Callable[[Any], None]) -> list[str]:
    """Copy the bundled pack, apply ``change`` to one data file, return load_pack's problems."""
    with pytest.raises(PackError) as info:
        load_pack(edited_pack(tmp_path, stem, change))
    return info.value.problems


def test_the_bundled_pack_validates(pack: ContentPack) -> None:
    assert {d.id for d in pack.districts()} == DISTRICTS
    assert [s.id for s in pack.services()] == [
        "legal_aid",
        "notary",
        "visit",
        "status",
        "knowledge",
        "hotline",
    ]


def test_every_entry_has_an_ascii_id_a_chinese_label_and_spoken_synonyms(pack: ContentPack) -> None:
    lacking: list[str] = []
    for screen_id in pack.screen_ids():
        for option in pack.screen_options(screen_id):
            assert re.fullmatch(r"[a-z][a-z0-9_]*", option.id), option
            assert re.search(r"[\u4e00-\u9fff]", option.label), option
            if not option.synonyms and not screen_id.startswith("region."):
                lacking.append(f"{screen_id}:{option.id}")
    assert not lacking, f"entries without synonyms: {lacking}"


def test_the_pack_has_the_art_31_and_sannong_categories_and_the_exempt_groups(
    pack: ContentPack,
) -> None:
    matters = {o.id for o in pack.screen_options("legal_aid.matter")}
    assert {
        "state_compensation",
        "social_insurance",
        "pension_relief",
        "elder_support",
        "child_support",
        "unpaid_wages",
        "labour_relation",
        "incapacity",
        "work_injury",
        "traffic_accident",
        "food_drug",
        "medical_accident",
        "environment",
        "other_legal",
        "personal_injury",
        "land_contract",
        "farm_inputs",
    } <= matters
    groups = {o.id for o in pack.screen_options("legal_aid.exemption_group")}
    assert {
        "dibao",
        "tekun",
        "wubao",
        "severely_disabled",
        "seriously_ill",
        "rural_very_old",
        "lonely_elder",
        "disabled_elder",
        "bereaved_elder",
        "children_in_difficulty",
    } <= groups
    exempt = {o.id for o in pack.screen_options("legal_aid.exempt_matter")}
    assert {
        "martyr_relatives",
        "just_cause",
        "retrial_compensation",
        "abuse_victim",
        "migrant_wages",
    } <= exempt


def test_every_district_has_a_threshold_with_source_date_and_verified_flag(
    pack: ContentPack,
) -> None:
    thresholds = pack.data("legal_aid")["hardship_thresholds"]
    assert {t["district"] for t in thresholds} == DISTRICTS
    for t in thresholds:
        assert t["source"] and t["effective_from"] and t["verified"] is False


def test_the_wage_matter_is_found_by_what_a_resident_says(pack: ContentPack) -> None:
    wages = next(o for o in pack.screen_options("legal_aid.matter") if o.id == "unpaid_wages")
    assert {"工钱", "工资不给", "老板不给钱", "讨薪"} <= set(wages.synonyms)


def test_every_knowledge_topic_is_three_to_six_sentences(pack: ContentPack) -> None:
    for topic in pack.data("knowledge")["topics"]:
        assert 3 <= len(topic["sentences"]) <= 6
        assert all(s.endswith("。") for s in topic["sentences"]), topic["id"]


def test_regions_give_town_and_village_pick_lists(pack: ContentPack) -> None:
    towns = {t.label for t in pack.towns("wujin")}
    assert {"湖塘镇", "雪堰镇", "前黄镇"} <= towns
    assert "郑陆镇" in {t.label for t in pack.towns("tianning")}
    assert pack.villages("wujin", "xueyan")
    assert pack.screen_options("region.village/wujin/xueyan") == pack.villages("wujin", "xueyan")
    for d in pack.data("regions")["districts"]:
        for t in d["towns"]:
            assert all(v["demo"] for v in t["villages"])  # invented names are marked
    assert pack.find_village("wuj_xueyan_chengwan") == ("wujin", "xueyan")


def test_spoken_fills_placeholders_and_refuses_missing_values(pack: ContentPack) -> None:
    text = pack.spoken("common.progress", step=2, total=5)
    assert text == "第2步，共5步。"
    with pytest.raises(KeyError):
        pack.spoken("common.progress", step=2)
    with pytest.raises(KeyError):
        pack.spoken("no.such.key")


def test_every_screen_has_spoken_text(pack: ContentPack) -> None:
    keys = set(pack.spoken_keys())
    for prefix in (
        "home.",
        "legal_aid.step.",
        "legal_aid.result.",
        "notary.",
        "visit.",
        "status.",
        "knowledge.",
        "hotline.",
        "receipt.",
        "idle.",
        "error.",
    ):
        assert any(k.startswith(prefix) for k in keys), prefix
    for s in pack.data("services")["services"]:
        assert s["title_key"] in keys and s["intro_key"] in keys


def test_yes_and_no_are_options_with_values(pack: ContentPack) -> None:
    answers = pack.screen_options("yes_no")
    assert [a.id for a in answers] == ["yes", "no"]
    assert pack.answer_value("yes") is True and pack.answer_value("no") is False
    assert isinstance(answers[0], Option) and "对" in answers[0].synonyms


def test_a_too_short_label_is_refused_naming_file_path_and_problem(tmp_path: Path) -> None:
    problems = broken(tmp_path, "legal_aid", lambda d: d["matters"][3].update(label="x"))
    assert problems == ["data/legal_aid.json: /matters/3/label: 至少要有 2 个字"]


def test_a_missing_field_is_refused_precisely(tmp_path: Path) -> None:
    problems = broken(tmp_path, "notary", lambda d: d["matters"][0]["documents"][1].pop("where"))
    assert problems == ["data/notary.json: /matters/0/documents/1: 缺少 where"]


def test_a_non_ascii_id_is_refused(tmp_path: Path) -> None:
    problems = broken(tmp_path, "visits", lambda d: d["services"][0].update(id="法援"))
    assert len(problems) == 1
    assert problems[0] == 'data/visits.json: /services/0/id: 格式不对："法援"'


def test_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    def dup(d: Any) -> None:
        d["exemption_groups"][1]["id"] = d["exemption_groups"][0]["id"]

    problems = broken(tmp_path, "legal_aid", dup)
    assert problems == ["data/legal_aid.json: /exemption_groups/1/id: 编号 'dibao' 重复"]


def test_a_threshold_for_an_unknown_district_and_a_district_without_one_are_refused(
    tmp_path: Path,
) -> None:
    def move(d: Any) -> None:
        for t in d["hardship_thresholds"]:
            if t["district"] == "liyang":
                t["district"] = "nanjing"

    problems = broken(tmp_path, "legal_aid", move)
    assert (
        "data/legal_aid.json: /hardship_thresholds/6/district: 区县 'nanjing' 不在 regions.json 里"
        in problems
    )
    assert "data/legal_aid.json: /hardship_thresholds: 区县 'liyang' 没有经济困难标准" in problems


def test_a_document_depending_on_an_unknown_question_is_refused(tmp_path: Path) -> None:
    problems = broken(
        tmp_path, "notary", lambda d: d["matters"][0]["documents"][0].update(when={"nope": True})
    )
    assert problems == [
        "data/notary.json: /matters/0/documents/0/when/nope: 问题 'nope' 在这个事项里没有"
    ]


def test_a_spoken_text_with_an_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    problems = broken(
        tmp_path, "screens", lambda d: d["spoken"].update({"home.title": "您好{name}"})
    )
    assert problems == ["data/screens.json: /spoken/home.title: 程序不会填写这些占位符：name"]


def test_a_spoken_text_with_a_lone_brace_is_refused_in_chinese(tmp_path: Path) -> None:
    problems = broken(tmp_path, "screens", lambda d: d["spoken"].update({"home.title": "您好}"}))
    assert len(problems) == 1 and "大括号写法有误" in problems[0], problems
    assert "Single" not in problems[0] and "format string" not in problems[0]


def test_a_missing_spoken_key_is_refused(tmp_path: Path) -> None:
    problems = broken(tmp_path, "screens", lambda d: d["spoken"].pop("idle.warning"))
    assert problems == ["data/screens.json: /spoken: 缺少 idle.warning"]


def test_a_missing_file_and_bad_json_are_reported_per_file(tmp_path: Path) -> None:
    target = tmp_path / "pack"
    shutil.copytree(BUNDLED_PACK_DIR, target)
    (target / "data" / "knowledge.json").unlink()
    (target / "data" / "hotline.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_pack(target)
    assert info.value.problems[0].startswith("data/knowledge.json: /: 缺少这个文件")
    assert info.value.problems[1] == "data/hotline.json: /: 不是有效的 JSON：第 1 行第 2 列写法有误"
    assert "内容包有 2 处错误" in str(info.value)


def test_a_missing_icon_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "pack"
    shutil.copytree(BUNDLED_PACK_DIR, target)
    (target / "assets" / "icons" / "notary.png").unlink()
    with pytest.raises(PackError) as info:
        load_pack(target)
    assert info.value.problems == [
        "data/services.json: /services/1/icon: 图标文件 assets/icons/notary.png 不存在"
    ]


def test_every_data_file_has_a_schema() -> None:
    schemas = [p.name for p in SCHEMA_DIR.iterdir() if p.name.endswith(".schema.json")]
    assert sorted(name.split(".")[0] for name in schemas) == sorted(DATA_FILES)


def test_version_and_id_come_from_the_manifest_when_present(tmp_path: Path) -> None:
    target = tmp_path / "pack"
    shutil.copytree(BUNDLED_PACK_DIR, target)
    (target / "manifest.json").write_text(
        json.dumps({"id": "changzhou-default", "version": "1.2.3"}), encoding="utf-8"
    )
    loaded = load_pack(target)
    assert (loaded.pack_id, loaded.version) == ("changzhou-default", "1.2.3")


def test_a_spoken_word_shared_by_two_choices_on_one_screen_is_refused(tmp_path: Path) -> None:
    def share(d: Any) -> None:
        d["matters"][1]["synonyms"].append("工钱")  # already said for unpaid_wages

    problems = broken(tmp_path, "legal_aid", share)
    assert problems == [
        "data/legal_aid.json: legal_aid.matter: 说法“工钱”同时属于 'unpaid_wages' 和 "
        "'labour_relation'，同一界面上语音分不清，请只留给一项"
    ]


def test_every_spoken_sentence_renders_with_the_values_the_program_fills(pack: ContentPack) -> None:
    allowed = screens_schema_placeholders()
    for key in pack.spoken_keys():
        values = {name: "某某" for name in allowed[key]}
        text = pack.spoken(key, **values)
        assert text and "{" not in text and "}" not in text, key


def test_a_word_where_a_number_belongs_is_said_in_chinese_with_file_and_place(
    tmp_path: Path,
) -> None:
    problems = broken(
        tmp_path,
        "legal_aid",
        lambda d: d["hardship_thresholds"][0].update(monthly_income_per_capita_yuan="很多"),
    )
    assert problems == [
        'data/legal_aid.json: /hardship_thresholds/0/monthly_income_per_capita_yuan: 应是数字，现在是 "很多"'
    ]
    assert "is not of type" not in problems[0]


def test_a_field_the_schema_does_not_know_is_named_in_chinese(tmp_path: Path) -> None:
    problems = broken(tmp_path, "legal_aid", lambda d: d["hardship_thresholds"][0].update(extra=1))
    assert problems == ["data/legal_aid.json: /hardship_thresholds/0: 有不认识的字段 extra"]
