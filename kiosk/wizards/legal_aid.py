"""申请法律援助 as a step table: one question per page, the payload of
``kiosk.legal_aid.application`` derived from it.

Which pages a resident sees depends on earlier answers: anyone in an exempt group (低保, 五保,
孤寡老人 …), with an exempt matter (家暴, 见义勇为 …) or a migrant worker claiming wages or injury
damages never sees the income questions — the same exemptions ``kiosk.legal_aid.assess``
applies, read from the same pack data.
"""

from __future__ import annotations

from typing import Any

from kiosk.content import ContentPack
from kiosk.legal_aid.application import household_size_problem, income_problem
from kiosk.validation import text_problem
from kiosk.wizards.rules import id_number_step, name_step, number_step, phone_step, place_step
from kiosk.wizards.steps import (
    Answers,
    Context,
    Kind,
    Step,
    Wizard,
    labels_of,
    options,
)
from kiosk.wizards.steps import pages as derive_pages
from kiosk.wizards.steps import payload as derive_payload

NONE = "none"  # the "都不是" answer on exemption pages (the pack's ``none_of_these``)
OPPOSING_NAME_MAX_CHARS = 60


def migrant_matters(pack: ContentPack) -> set[str]:
    """Matters for which being a migrant worker exempts from the income test."""
    la = pack.data("legal_aid")
    return {
        mid for m in la["exempt_matters"] if m["requires_migrant_worker"] for mid in m["matters"]
    }


def exempt_without_income(answers: Answers, pack: ContentPack) -> bool:
    """Whether the answers so far already exempt the resident from the income test."""
    la = pack.data("legal_aid")
    group = answers.get("exemption")
    if group and group != NONE:
        for g in la["exemption_groups"]:
            if g["id"] == group and g.get("exempt_economic"):
                return True
    exempt_matter = answers.get("exempt_matter")
    for m in la["exempt_matters"]:
        if m["id"] == exempt_matter and not m["requires_migrant_worker"]:
            return True
        if (
            m["requires_migrant_worker"]
            and answers.get("migrant") is True
            and answers.get("matter") in m["matters"]
        ):
            return True
    return False


# -- when a page is shown --------------------------------------------------------------------------
def _migrant_matter(answers: Answers, ctx: Context) -> bool:
    return answers.get("matter") in migrant_matters(ctx.pack)


def _exempt_matter_asked(answers: Answers, ctx: Context) -> bool:
    # Still shown when answered with a real exempt matter, so going back keeps it on the path.
    return not exempt_without_income(answers, ctx.pack) or answers.get("exempt_matter") not in (
        None,
        NONE,
    )


def _income_test(answers: Answers, ctx: Context) -> bool:
    return not exempt_without_income(answers, ctx.pack)


def _for_someone_else(answers: Answers, _ctx: Context) -> bool:
    return answers.get("role") == "agent"


# -- checks (each rule is a function of kiosk.validation / kiosk.legal_aid) ------------------------
def _household_rule(text: str, ctx: Context) -> str | None:
    return household_size_problem(int(text) if text.isdigit() else None, ctx.pack)


def _income_rule(text: str, ctx: Context) -> str | None:
    return income_problem(int(text) if text.isdigit() else None, ctx.pack)


def _opposing_name_rule(text: str, _ctx: Context) -> str | None:
    return text_problem(text, "对方名称", max_chars=OPPOSING_NAME_MAX_CHARS)


def _facts_rule(text: str, ctx: Context) -> str | None:
    limit = int(ctx.pack.data("legal_aid")["limits"]["facts_max_chars"])
    return text_problem(text, "事情经过", max_chars=limit, multiline=True)


# -- answer → payload ------------------------------------------------------------------------------
def _yes(value: Any, _ctx: Context) -> bool:
    return value is True


def _one_or_none(value: Any, _ctx: Context) -> list[str]:
    return [value] if value and value != NONE else []


def _relation_label(value: Any, ctx: Context) -> str:
    # The payload carries the relation in words (a short text, docs/cli.md), as it always has.
    return (
        "".join(labels_of(options(LEGAL_AID.step("agent_relation"), ctx), [value])) if value else ""
    )


def _evidence_labels(value: Any, ctx: Context) -> list[str]:
    return labels_of(options(LEGAL_AID.step("evidence"), ctx), list(value or []))


def _applicant_word(answers: Answers, pack: ContentPack) -> str:
    """您 or 需要帮助的那位: how the pages name the applicant, from the chosen role."""
    roles = pack.data("legal_aid")["applicant_roles"]
    role = next((r for r in roles if r["id"] == answers.get("role")), roles[0])
    return str(role["applicant_word"])


def question_values(answers: Answers, pack: ContentPack) -> dict[str, str]:
    """The values the legal-aid questions may name (``{who}``)."""
    return {"who": _applicant_word(answers, pack)}


def _q(step_id: str) -> str:
    return f"legal_aid.step.{step_id}.question"


LEGAL_AID = Wizard(
    kind="legal_aid",
    nullable=("agent", "economy"),
    extras=lambda _a, _c: {"oral": False},
    steps=(
        Step(
            "role", Kind.CHOICE, _q("role"), options="legal_aid.applicant_role", review="给谁申请"
        ),
        Step(
            "exemption",
            Kind.CHOICE,
            _q("exemption"),
            fills=("exemption_groups",),
            options="legal_aid.exemption_group",
            encode=_one_or_none,
            review="属于哪种情况",
            columns=6,
            min_col_width=280,
        ),
        Step(
            "matter",
            Kind.CHOICE,
            _q("matter"),
            fills=("matter.category",),
            options="legal_aid.matter",
            review="哪一类事",
            columns=6,
            min_col_width=280,
        ),
        Step(
            "migrant",
            Kind.YES_NO,
            _q("migrant"),
            fills=("applicant.migrant_worker",),
            shown=_migrant_matter,
            default=None,
            encode=_yes,
            review="是不是农民工",
        ),
        Step(
            "exempt_matter",
            Kind.CHOICE,
            _q("exempt_matter"),
            fills=("exempt_matters",),
            options="legal_aid.exempt_matter",
            shown=_exempt_matter_asked,
            encode=_one_or_none,
            review="特别情形",
        ),
        number_step(
            "household",
            _q("household"),
            "economy.household_size",
            validate=_household_rule,
            shown=_income_test,
            max_length=2,
            review="家里几口人",
        ),
        number_step(
            "income",
            _q("income"),
            "economy.monthly_income_yuan",
            validate=_income_rule,
            shown=_income_test,
            max_length=7,
            note="legal_aid.step.income.note",
            review="全家每月收入（元）",
        ),
        name_step(
            "name",
            _q("name"),
            "applicant.name",
            max_length_limit="name_max_chars",
            review="姓名",
        ),
        id_number_step(
            "id_number",
            _q("id_number"),
            "applicant.id_number",
            note="common.id_number.note",
            card_name="name",
            card_address="address",
            review="身份证号",
        ),
        phone_step(
            "phone",
            _q("phone"),
            "applicant.phone",
            review="电话",
        ),
        place_step(
            "address",
            _q("address"),
            "applicant.address",
            review="住址",
        ),
        name_step(
            "agent_name",
            _q("agent_name"),
            "agent.name",
            shown=_for_someone_else,
            review="代为申请人",
        ),
        id_number_step(
            "agent_id_number",
            _q("agent_id_number"),
            "agent.id_number",
            card_name="agent_name",
            shown=_for_someone_else,
            review="代为申请人身份证号",
        ),
        phone_step(
            "agent_phone",
            _q("agent_phone"),
            "agent.phone",
            shown=_for_someone_else,
            review="代为申请人电话",
        ),
        Step(
            "agent_relation",
            Kind.CHOICE,
            _q("agent_relation"),
            fills=("agent.relation",),
            options="legal_aid.agent_relation",
            shown=_for_someone_else,
            encode=_relation_label,
            columns=3,
            review="和申请人的关系",
        ),
        Step(
            "opposing",
            Kind.CHOICE,
            _q("opposing"),
            fills=("opposing_party.kind",),
            options="legal_aid.opposing_kind",
            default="unknown",
            review="对方是",
        ),
        Step(
            "opposing_name",
            Kind.TEXT,
            _q("opposing_name"),
            fills=("opposing_party.name",),
            validate=_opposing_name_rule,
            max_length=OPPOSING_NAME_MAX_CHARS,
            optional=True,
            review="对方名称",
        ),
        Step(
            "facts",
            Kind.TEXT,
            _q("facts"),
            fills=("matter.facts",),
            validate=_facts_rule,
            max_length_limit="facts_max_chars",
            review="事情经过",
        ),
        Step(
            "evidence",
            Kind.MULTI,
            _q("evidence"),
            fills=("evidence",),
            options="legal_aid.evidence",
            default=(),
            encode=_evidence_labels,
            review="手上的材料",
        ),
        Step("review", Kind.REVIEW, _q("review")),
        Step(
            "consent",
            Kind.CONSENT,
            _q("consent"),
            fills=("consent.truthful", "consent.verification"),
            default=None,
            encode=_yes,
        ),
        Step("result", Kind.RESULT),
    ),
)


def legal_aid_steps(answers: Answers, pack: ContentPack) -> list[str]:
    """The page ids the resident goes through, in order, given the answers so far."""
    return derive_pages(LEGAL_AID, answers, Context(pack))


def legal_aid_payload(answers: Answers, pack: ContentPack) -> dict[str, Any]:
    """The application payload (shape documented in kiosk.legal_aid.application)."""
    return derive_payload(LEGAL_AID, answers, Context(pack))
