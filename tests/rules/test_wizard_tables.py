"""The wizard step tables (kiosk.wizards) are consistent with the pack and with each other, and
the page lists, counts, payloads and 修改 targets derived from them follow the answers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kiosk.content import ContentPack
from kiosk.legal_aid import application_problems
from kiosk.wizards import LEGAL_AID, NOTARY, VISIT, legal_aid_payload, legal_aid_steps
from kiosk.wizards.legal_aid import NONE, question_values
from kiosk.wizards.notary import notary_pages, question_page, question_position
from kiosk.wizards.steps import (
    Context,
    Kind,
    Wizard,
    field_steps,
    options,
    pages,
    position,
    question_text,
    review_rows,
    step_for_field,
)
from kiosk.wizards.visit import STAFF_OVERRIDE, visit_payload
from tests.rules.conftest import TODAY
from tests.rules.ids import make_id
from tests.rules.wizard_answers import (
    AGENT,
    LAW_GROUP,
    LAW_GROUP_PAGES,
    NO_GROUP,
    NO_GROUP_PAGES,
    PERSONAL,
)

WIZARDS = [LEGAL_AID, VISIT, NOTARY]

TAIL = ["opposing", "opposing_name", "facts", "evidence", "review", "consent", "result"]
CONTACT = ["name", "id_number", "phone", "address"]


def _exempt_matter(pack: ContentPack) -> str:
    matters = pack.data("legal_aid")["exempt_matters"]
    return str(next(m["id"] for m in matters if not m["requires_migrant_worker"]))


# -- the tables agree with the pack ----------------------------------------------------------------
@pytest.mark.parametrize("wizard", WIZARDS, ids=lambda w: w.kind)
def test_every_step_has_a_unique_id_and_its_texts_are_in_the_pack(
    wizard: Wizard, pack: ContentPack
) -> None:
    ids = [s.id for s in wizard.steps]
    assert len(ids) == len(set(ids))
    spoken = set(pack.spoken_keys())
    for step in wizard.steps:
        if step.question:
            assert step.question in spoken, step.id
        else:  # only the end, and the notary questions (each matter's own, in notary.json)
            assert step.kind is Kind.RESULT or (wizard is NOTARY and step.id == "question")
        if step.note:
            assert step.note in spoken, step.id


@pytest.mark.parametrize("wizard", WIZARDS, ids=lambda w: w.kind)
def test_every_pick_list_a_step_names_is_in_the_pack_with_labels(
    wizard: Wizard, pack: ContentPack
) -> None:
    for step in wizard.steps:
        if step.kind in (Kind.CHOICE, Kind.MULTI) and not step.extra_options:
            assert step.options, f"{step.id} has no options"
        if step.options:
            options = pack.screen_options(step.options)
            assert options and all(o.label for o in options), step.id


@pytest.mark.parametrize("wizard", WIZARDS, ids=lambda w: w.kind)
def test_no_payload_field_is_filled_by_two_steps(wizard: Wizard) -> None:
    fills = [f for s in wizard.steps for f in s.fills]
    assert len(fills) == len(set(fills))
    for a in fills:  # nor is one field inside another step's field
        assert not any(b != a and b.startswith(a + ".") for b in fills), a


def _leaves(doc: Any, prefix: str = "") -> list[str]:
    if isinstance(doc, dict) and doc:
        return [leaf for k, v in doc.items() for leaf in _leaves(v, f"{prefix}{k}.")]
    return [prefix.rstrip(".")]


def test_every_field_of_a_legal_aid_payload_comes_from_one_step_or_the_fixed_extras(
    pack: ContentPack,
) -> None:
    answers = {"role": "agent", **NO_GROUP, "matter": "elder_support", **PERSONAL, **AGENT}
    payload = legal_aid_payload(answers, pack)
    fills = field_steps(LEGAL_AID)
    extras = set(LEGAL_AID.extras(answers, Context(pack)))
    for leaf in _leaves(payload):
        owners = [f for f in fills if leaf == f or leaf.startswith(f + ".")]
        assert len(owners) == 1 or (not owners and leaf in extras), leaf
    assert {f.split(".")[0] for f in fills} | extras >= set(payload)


def test_every_field_of_a_visit_payload_comes_from_one_step_or_the_fixed_extras(
    pack: ContentPack,
) -> None:
    answers = {"who": STAFF_OVERRIDE, "override_reason": "独居，腿骨折卧床", **PERSONAL}
    payload = visit_payload(answers, "b-1", "staff-7", pack)
    fills = field_steps(VISIT)
    extras = set(VISIT.extras(answers, Context(pack, "staff-7"))) | {"booking_id"}
    for leaf in _leaves(payload):
        owners = [f for f in fills if leaf == f or leaf.startswith(f + ".")]
        assert len(owners) == 1 or (not owners and leaf in extras), leaf
    assert payload["eligibility"] == {
        "reason": STAFF_OVERRIDE,
        "note": "独居，腿骨折卧床",
        "staff_id": "staff-7",
    }


def test_every_review_row_goes_back_to_a_page_on_the_residents_path(pack: ContentPack) -> None:
    for wizard, answers, staff in (
        (LEGAL_AID, {"role": "agent", "matter": "elder_support", **PERSONAL, **AGENT}, None),
        (LEGAL_AID, {"role": "self", **LAW_GROUP, **PERSONAL}, None),
        (VISIT, {"who": "elderly", **PERSONAL}, None),
        (VISIT, {"who": STAFF_OVERRIDE, **PERSONAL}, "staff-7"),
    ):
        ctx = Context(pack, staff)
        path = pages(wizard, answers, ctx)
        rows = review_rows(wizard, answers, ctx)
        assert rows and all(r.step in path for r in rows)
        reviewed = {s.id for s in wizard.steps if s.review and s.id in path}
        assert {r.step for r in rows} == reviewed


def test_every_problem_of_a_wizard_application_offers_修改_on_the_page_that_asks_it(
    pack: ContentPack,
) -> None:
    answers = {
        "role": "agent",
        **NO_GROUP,
        "matter": "elder_support",
        "exempt_matter": NONE,
        "household": 99,
        "income": 2000,
        "name": "王",
        "id_number": "320483195603150020",
        "phone": "12345",
        "address_district": "wujin",
        "agent_name": "王小山",
        "agent_id_number": make_id(date(2000, 5, 5)),
        "agent_phone": "13812345678",
        "agent_relation": "child",
        "facts": "儿子不给赡养费。",
    }
    problems = application_problems(legal_aid_payload(answers, pack), pack, TODAY)
    targets = {p.field: step_for_field(LEGAL_AID, p.field, "review") for p in problems}
    assert targets == {
        "applicant.name": "name",
        "applicant.id_number": "id_number",
        "applicant.phone": "phone",
        "applicant.address.town": "address",
        "economy.household_size": "household",
        "consent.truthful": "consent",
        "consent.verification": "consent",
    }


# -- the page lists, for several paths -------------------------------------------------------------
def test_a_migrant_worker_claiming_wages_is_never_asked_about_income(pack: ContentPack) -> None:
    answers = {"role": "self", **NO_GROUP, "matter": "unpaid_wages", "migrant": True}
    assert legal_aid_steps(answers, pack) == [
        "role",
        *NO_GROUP_PAGES,
        "matter",
        "migrant",
        *CONTACT,
        *TAIL,
    ]


def test_a_worker_who_is_no_migrant_answers_the_exempt_matter_and_income_pages(
    pack: ContentPack,
) -> None:
    answers = {"role": "self", **NO_GROUP, "matter": "unpaid_wages", "migrant": False}
    assert legal_aid_steps(answers, pack) == [
        "role",
        *NO_GROUP_PAGES,
        "matter",
        "migrant",
        "exempt_matter",
        "household",
        "income_period",
        "income",
        *CONTACT,
        *TAIL,
    ]


def test_an_exempt_household_skips_the_exempt_matter_and_income_pages(pack: ContentPack) -> None:
    answers = {"role": "self", **LAW_GROUP, "matter": "elder_support"}
    assert legal_aid_steps(answers, pack) == ["role", *LAW_GROUP_PAGES, "matter", *CONTACT, *TAIL]


def test_an_exempt_matter_once_chosen_stays_on_the_path_and_income_goes(pack: ContentPack) -> None:
    answers = {"role": "self", **NO_GROUP, "matter": "elder_support"}
    answers["exempt_matter"] = _exempt_matter(pack)
    steps = legal_aid_steps(answers, pack)
    assert "exempt_matter" in steps and "household" not in steps


def test_applying_for_someone_else_adds_the_four_agent_pages_after_the_address(
    pack: ContentPack,
) -> None:
    answers = {"role": "agent", **LAW_GROUP, "matter": "elder_support"}
    steps = legal_aid_steps(answers, pack)
    agent = ["agent_name", "agent_id_number", "agent_phone", "agent_relation"]
    assert steps[steps.index("address") + 1 : steps.index("opposing")] == agent


def test_the_step_count_shrinks_when_an_answer_removes_pages(pack: ContentPack) -> None:
    ctx = Context(pack)
    answers: dict[str, Any] = {"role": "self", **NO_GROUP, "matter": "elder_support"}
    assert position(LEGAL_AID, "matter", answers, ctx) == (7, 22)
    answers.update(LAW_GROUP)
    assert position(LEGAL_AID, "matter", answers, ctx) == (4, 15)
    assert position(LEGAL_AID, "household", answers, ctx) == (1, 15)  # not on the path


def test_only_signed_in_staff_booking_outside_the_rules_write_a_reason(pack: ContentPack) -> None:
    resident = pages(VISIT, {"who": STAFF_OVERRIDE}, Context(pack))
    staff_normal = pages(VISIT, {"who": "elderly"}, Context(pack, "staff-7"))
    staff_override = pages(VISIT, {"who": STAFF_OVERRIDE}, Context(pack, "staff-7"))
    assert "override_reason" not in resident and "override_reason" not in staff_normal
    assert staff_override[:3] == ["who", "override_reason", "service"]
    assert resident == staff_normal == [s for s in staff_override if s != "override_reason"]


def test_the_staff_override_choice_is_offered_to_staff_only(pack: ContentPack) -> None:
    who = VISIT.step("who")
    assert STAFF_OVERRIDE not in {o.id for o in options(who, Context(pack))}
    assert STAFF_OVERRIDE in {o.id for o in options(who, Context(pack, "staff-7"))}


def test_the_notary_path_asks_only_the_questions_that_apply(pack: ContentPack) -> None:
    assert notary_pages(pack, None, {}) == ["matters"]
    no_house = notary_pages(pack, "inheritance", {"real_estate": False})
    house = notary_pages(pack, "inheritance", {"real_estate": True})
    follow_up = question_page("property_in_changzhou")
    assert follow_up in house and follow_up not in no_house
    assert house[0] == "matters" and house[-1] == "checklist"
    # Until 有房产吗 is answered its follow-up still counts; 不是 takes it off the count.
    assert question_position(pack, "inheritance", {}) == (1, len(house) - 2)
    assert question_position(pack, "inheritance", {"real_estate": True}) == (2, len(house) - 2)
    assert question_position(pack, "inheritance", {"real_estate": False}) == (2, len(no_house) - 2)


# -- answers reach the payload in the words the province always got ----------------------------
def test_relation_and_evidence_are_kept_as_ids_and_sent_as_the_packs_labels(
    pack: ContentPack,
) -> None:
    la = pack.data("legal_aid")
    answers = {"role": "agent", **AGENT, "evidence": ["iou", "photos"]}
    payload = legal_aid_payload(answers, pack)
    labels = {e["id"]: e["label"] for k in ("agent_relations", "evidence_kinds") for e in la[k]}
    assert payload["agent"]["relation"] == labels["child"]
    assert payload["evidence"] == [labels["iou"], labels["photos"]]


def test_a_hidden_page_sends_its_default_not_a_stale_answer(pack: ContentPack) -> None:
    # Said "yes, migrant worker" for unpaid wages, then went back and chose alimony.
    answers = {"role": "self", "matter": "elder_support", "migrant": True}
    payload = legal_aid_payload(answers, pack)
    assert payload["applicant"]["migrant_worker"] is False
    assert payload["agent"] is None and payload["economy"] == {
        "household_size": None,
        "monthly_income_yuan": None,
    }


def test_the_household_size_page_and_the_application_refuse_the_same_sizes(
    pack: ContentPack,
) -> None:
    step = LEGAL_AID.step("household")
    assert step.validate is not None
    most = pack.data("legal_aid")["limits"]["household_size_max"]
    ctx = Context(pack)
    for size, ok in ((0, False), (1, True), (most, True), (most + 1, False)):
        page = step.validate(str(size), ctx)
        answers = {"role": "self", **NO_GROUP, "matter": "elder_support", "household": size}
        problems = application_problems(legal_aid_payload(answers, pack), pack, TODAY)
        refused = [p.message for p in problems if p.field == "economy.household_size"]
        assert (page is None) is ok and refused == ([] if ok else [page])


@pytest.mark.parametrize("role", ["self", "agent"])
def test_every_legal_aid_title_reads_as_a_whole_sentence_on_either_path(
    pack: ContentPack, role: str
) -> None:
    values = question_values({"role": role}, pack)
    for step in LEGAL_AID.steps:
        if step.question:
            text = question_text(step, Context(pack), **values)
            assert text and "{" not in text and "？。" not in text, step.id


def test_the_contact_pages_name_the_applicant_as_the_chosen_role_says(pack: ContentPack) -> None:
    roles = {r["id"]: r["applicant_word"] for r in pack.data("legal_aid")["applicant_roles"]}
    for role, word in roles.items():
        values = question_values({"role": role}, pack)
        for step_id in ("name", "id_number", "address"):
            assert word in question_text(LEGAL_AID.step(step_id), Context(pack), **values)
    assert roles["self"] != roles["agent"]
