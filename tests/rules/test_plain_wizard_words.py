"""Plain words in the wizards (issue 12 item 6, issue 19 "plain words and wasted trips"): the
exemption groups as a few yes/no questions, income per year, a result that says what happens
next, no wasted trips, and days as a resident says them."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kiosk.content import WHICH_GROUP, ContentPack
from kiosk.display_text import day_word
from kiosk.legal_aid import ELIGIBLE, INELIGIBLE, application_problems, assess, parse_application
from kiosk.plain_words import PlainRules, resident_texts, text_problems
from kiosk.wizards import LEGAL_AID, legal_aid_payload, legal_aid_steps
from kiosk.wizards.legal_aid import (
    EXEMPTION_QUESTIONS,
    chosen_groups,
    exemption_step,
    question_values,
    which_step,
)
from kiosk.wizards.steps import Context, question_text, review_rows
from kiosk.wizards.visit import day_words
from tests.rules.conftest import TODAY, case
from tests.rules.wizard_answers import AGENT, NO_GROUP, PERSONAL
from voice.matching import match


def _assess(pack: ContentPack, doc: dict[str, Any]):  # type: ignore[no-untyped-def]
    assert application_problems(doc, pack, TODAY) == []
    app = parse_application(doc, pack, TODAY)
    assert app is not None
    return assess(app, pack, TODAY)


# -- one question per page: the exemption groups ---------------------------------------------------
def test_the_exemption_groups_are_asked_as_a_few_plain_yes_no_questions(pack: ContentPack) -> None:
    groups = pack.data("legal_aid")["exemption_groups"]
    assert len(EXEMPTION_QUESTIONS) <= 5 < len(groups)
    assert {g["question"] for g in groups} == set(EXEMPTION_QUESTIONS)
    rules = PlainRules.of(pack)
    for role in ("self", "agent"):
        values = question_values({"role": role}, pack)
        for q in EXEMPTION_QUESTIONS:
            text = question_text(LEGAL_AID.step(exemption_step(q)), Context(pack), **values)
            assert text.endswith("吗？") and "哪" not in text, text
            assert text_problems(text, rules) == [], text
    assistance = question_text(
        LEGAL_AID.step(exemption_step("assistance")), Context(pack), who="您"
    )
    assert assistance == "您家是低保户、特困户或者五保户吗？"


def test_是哪一种_is_asked_only_where_a_question_covers_several_groups(pack: ContentPack) -> None:
    for q in EXEMPTION_QUESTIONS:
        path = legal_aid_steps({"role": "self", exemption_step(q): True}, pack)
        several = len(pack.exemption_choices(q)) > 1
        assert (which_step(q) in path) is several, q
        later = EXEMPTION_QUESTIONS[EXEMPTION_QUESTIONS.index(q) + 1 :]
        assert not any(exemption_step(x) in path for x in later), q  # the first 是 ends them


def test_the_which_page_speaks_everyday_words_and_review_keeps_the_official_names(
    pack: ContentPack,
) -> None:
    groups = {g["id"]: g for g in pack.data("legal_aid")["exemption_groups"]}
    choices = pack.exemption_choices("assistance")
    assert [o.label for o in choices] == ["低保户", "特困户", "五保户"]
    answers = {"role": "self", "exempt_assistance": True, "exempt_assistance_which": "tekun"}
    rows = {r.label: r.value for r in review_rows(LEGAL_AID, answers, Context(pack))}
    assert rows["属于哪种情况"] == groups["tekun"]["label"] == "特困供养人员"
    assert legal_aid_payload(answers, pack)["exemption_groups"] == ["tekun"]
    none = {r.label: r.value for r in review_rows(LEGAL_AID, {**NO_GROUP}, Context(pack))}
    assert none["属于哪种情况"] == "都不是"


def test_only_a_yes_and_then_a_tap_ever_choose_an_exemption_group(pack: ContentPack) -> None:
    assert chosen_groups(NO_GROUP, pack) == []
    assert chosen_groups({"exempt_assistance": True}, pack) == []  # 是哪一种 not answered yet
    assert chosen_groups({"exempt_assistance": True, "exempt_assistance_which": "x"}, pack) == []
    # A group of another question is not taken from a stale tap either.
    stale = {"exempt_assistance": True, "exempt_assistance_which": "seriously_ill"}
    assert chosen_groups(stale, pack) == []
    yes = {"exempt_assistance": False, "exempt_no_income": False, "exempt_service": True}
    yes["exempt_service_which"] = "preferential_care"
    assert chosen_groups(yes, pack) == ["preferential_care"]


@pytest.mark.parametrize("said", ["一个人住", "住院", "走不动", "年纪大", "没钱"])
def test_a_loose_word_said_on_an_exemption_page_chooses_no_group(
    pack: ContentPack, said: str
) -> None:
    # On the yes/no pages only 是/不是 can be heard; on 是哪一种 only the groups' status words.
    yes_no = match(said, pack.answers())
    if yes_no.accepted and yes_no.option is not None:
        assert pack.answer_value(yes_no.option.id) is False, said  # never heard as 是
    for q in EXEMPTION_QUESTIONS:
        heard = match(said, pack.screen_options(f"{WHICH_GROUP}{q}"))
        assert not heard.accepted, (q, said, heard.option)


def test_no_question_asks_哪一种_and_吗_at_once(pack: ContentPack) -> None:
    # Every text of the pack a resident sees or hears, the notary questions included.
    slips = [
        (f"{file}{path}", sentence)
        for file, path, text in resident_texts(pack)
        for sentence in re.split(r"[。！？]", text)
        if re.search(r"哪[^，。？]*吗", sentence)
    ]
    assert slips == []
    assert re.search(r"哪[^，。？]*吗", "您属于下面哪一种情况吗")  # the slip this catches


# -- income per month or per year ------------------------------------------------------------------
def test_a_yearly_income_gives_the_monthly_one_and_the_same_verdict(pack: ContentPack) -> None:
    monthly = case(economy={"household_size": 3, "monthly_income_yuan": 4500})
    yearly = case(economy={"household_size": 3, "yearly_income_yuan": 54000})
    by_month, by_year = _assess(pack, monthly), _assess(pack, yearly)
    assert by_month.outcome == by_year.outcome
    assert by_year.income_test is not None and by_year.income_test.monthly_income_yuan == 4500
    assert any("一年一共54000元" in r for r in by_year.reasons)
    # Both figures may come together when they agree; a disagreeing pair is refused.
    both = case(economy={"household_size": 3, "monthly_income_yuan": 4500, "yearly_income_yuan": 54000})  # fmt: skip
    assert application_problems(both, pack, TODAY) == []
    wrong = case(economy={"household_size": 3, "monthly_income_yuan": 100, "yearly_income_yuan": 54000})  # fmt: skip
    assert [p.field for p in application_problems(wrong, pack, TODAY)] == [
        "economy.monthly_income_yuan"
    ]


def test_the_payload_still_refuses_an_income_field_it_does_not_know(pack: ContentPack) -> None:
    doc = case(economy={"household_size": 3, "weekly_income_yuan": 1000})
    assert "economy.weekly_income_yuan" in [p.field for p in application_problems(doc, pack, TODAY)]


def test_the_wizard_sends_a_yearly_figure_with_the_monthly_one_computed(pack: ContentPack) -> None:
    answers = {
        "role": "self",
        **NO_GROUP,
        "matter": "elder_support",
        "exempt_matter": "none",
        "household": 3,
        "income_period": "year",
        "income_year": 54000,
    }
    path = legal_aid_steps(answers, pack)
    assert "income_year" in path and "income" not in path
    economy = legal_aid_payload(answers, pack)["economy"]
    assert economy == {
        "household_size": 3,
        "monthly_income_yuan": 4500,
        "yearly_income_yuan": 54000,
    }
    rows = {r.label: r.value for r in review_rows(LEGAL_AID, answers, Context(pack))}
    assert rows["全家一年收入"] == "一年54000元（每月4500元）"
    monthly = {**answers, "income_period": "month", "income": 4500}
    assert "yearly_income_yuan" not in legal_aid_payload(monthly, pack)["economy"]


# -- the result: what happens next, and no wasted trips --------------------------------------------
def test_the_result_leads_with_one_plain_sentence_of_what_happens_next(pack: ContentPack) -> None:
    rules = PlainRules.of(pack)
    for doc in (case(), case(**{"matter.category": "private_loan"})):
        result = _assess(pack, doc)
        first = result.next_step(pack)
        assert text_problems(first, rules) == [] and len(re.findall("[。！？]", first)) == 1
        assert result.spoken(pack).startswith(first)
        assert not any("法律援助法第" in r for r in result.reasons)  # articles on the 依据 line


def test_the_form_being_filled_in_is_never_a_material_to_bring(pack: ContentPack) -> None:
    for doc in (case(), case(agent={**_agent(), "relation": "儿子"}, **{"applicant.phone": ""})):
        labels = [m.label for m in _assess(pack, doc).materials]
        assert labels and not any("申请表" in label for label in labels), labels


def test_someone_told_ineligible_may_still_apply_and_gets_a_written_answer(
    pack: ContentPack,
) -> None:
    result = _assess(pack, case(**{"matter.category": "private_loan"}))
    assert result.outcome == INELIGIBLE
    assert any("还是可以提出申请" in r and "书面答复" in r for r in result.reasons)
    assert any("第四十三条" in b and "书面告知" in b for b in result.basis)


def test_a_wage_claimant_is_pointed_to_free_labour_arbitration_whatever_the_verdict(
    pack: ContentPack,
) -> None:
    eligible = _assess(pack, case())
    refused = _assess(pack, case(economy={"household_size": 1, "monthly_income_yuan": 30000}))
    assert eligible.outcome == ELIGIBLE and refused.outcome == INELIGIBLE
    for result in (eligible, refused):
        ids = [r["id"] for r in result.referrals]
        assert ids[0] == "labour_arbitration" and "mediation" not in ids
        assert "不收钱" in result.referrals[0]["detail"]


def _agent() -> dict[str, str]:
    return {
        "name": AGENT["agent_name"],
        "id_number": AGENT["agent_id_number"],
        "phone": AGENT["agent_phone"],
    }


def test_a_helper_is_told_to_bring_the_elders_own_id_and_how_a_housebound_elder_signs(
    pack: ContentPack,
) -> None:
    doc = case(agent={**_agent(), "relation": "儿子"})
    result = _assess(pack, doc)
    assert result.for_someone_else
    spoken = result.spoken(pack)
    assert "本人的身份证" in spoken and "上门" in spoken
    where = " ".join(m.where for m in result.materials)
    assert "上门签" in where and "老人本人的身份证" in where
    assert "司法所签" not in spoken


def test_a_helper_on_the_wizard_is_asked_for_the_helpers_own_details(pack: ContentPack) -> None:
    answers = {"role": "agent", **NO_GROUP, "matter": "elder_support", **PERSONAL, **AGENT}
    payload = legal_aid_payload(answers, pack)
    assert payload["agent"]["name"] == AGENT["agent_name"]


# -- days as a resident says them ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "word"),
    [
        ("2026-06-15", "今天"),
        ("2026-06-16", "明天"),
        ("2026-06-17", "后天"),
        ("2026-06-19", "这周五"),
        ("2026-06-22", "下周一"),
        ("2026-06-28", "下周日"),
        ("2026-06-29", "星期一"),
    ],
)
def test_a_visit_day_is_said_as_a_resident_says_it(day: str, word: str) -> None:
    assert TODAY.isoweekday() == 1  # a Monday
    assert day_word(day, TODAY) == word
    assert day_words(day, TODAY).startswith(word + "（")
    assert day_words(day) == f"{int(day[5:7])}月{int(day[8:])}日"
