"""申请法律援助 as a step table: one question per page, the payload of
``kiosk.legal_aid.application`` derived from it.

Which pages a resident sees depends on earlier answers: anyone in an exempt group (低保, 五保,
孤寡老人 …), with an exempt matter (家暴, 见义勇为 …) or a migrant worker claiming wages or injury
damages never sees the income questions — the same exemptions ``kiosk.legal_aid.assess``
applies, read from the same pack data.

The exemption groups (the official names: 特困供养人员, 优抚对象 …) are never a list to read: a
few plain yes/no questions (:data:`EXEMPTION_QUESTIONS`, e.g. 家是低保户、特困户或者五保户吗？)
each confirm some of them, then 是哪一种 in everyday words only where a question covers more
than one. The first 是 ends the questions. The official names stay on the review page and in
the payload for staff; a group is only ever chosen by a tap or a spoken 是 to its question.

Income may be given per month or per year (farm income comes once a year): a yearly figure
goes into the payload beside the monthly one computed from it, so the verdict is the same.
"""

from __future__ import annotations

from typing import Any

from kiosk.content import WHICH_GROUP, ContentPack, yuan_text
from kiosk.legal_aid.application import (
    household_size_problem,
    income_problem,
    yearly_income_problem,
)
from kiosk.validation import text_problem
from kiosk.wizards.rules import id_number_step, name_step, number_step, phone_step, place_step
from kiosk.wizards.steps import (
    Answers,
    Context,
    Kind,
    Predicate,
    Step,
    Wizard,
    labels_of,
    options,
)
from kiosk.wizards.steps import pages as derive_pages
from kiosk.wizards.steps import payload as derive_payload

NONE = "none"  # the "都不是" answer on the exempt-matter page (the pack's ``none_of_these``)
OPPOSING_NAME_MAX_CHARS = 60
# The plain questions that confirm an exemption group, in the order asked: the law's groups
# (Art. 42) first, the city campaign's after. Each group names its question in the pack.
EXEMPTION_QUESTIONS = ("assistance", "no_income", "service", "health", "family")
YEAR = "year"  # the income_period answer for a yearly figure


def exemption_step(question: str) -> str:
    """The yes/no page of one exemption question."""
    return f"exempt_{question}"


def which_step(question: str) -> str:
    """The 是哪一种 page after a 是 to ``question``."""
    return f"exempt_{question}_which"


def chosen_groups(answers: Answers, pack: ContentPack) -> list[str]:
    """The exemption group the resident confirmed (at most one), as ids.

    Only a 是 to a question, and then the tile picked where it covers several groups, chooses
    a group; nothing is inferred from other answers.
    """
    for q in EXEMPTION_QUESTIONS:
        if answers.get(exemption_step(q)) is not True:
            continue
        ids = [o.id for o in pack.exemption_choices(q)]
        if len(ids) == 1:
            return ids
        picked = answers.get(which_step(q))
        return [picked] if picked in ids else []
    return []


def monthly_income(answers: Answers) -> int | float | None:
    """The household's monthly income: as given, or a yearly figure divided by twelve."""
    if answers.get("income_period") == YEAR:
        yearly = answers.get("income_year")
        return round(yearly / 12, 2) if isinstance(yearly, int) else None
    monthly = answers.get("income")
    return monthly if isinstance(monthly, int) else None


def migrant_matters(pack: ContentPack) -> set[str]:
    """Matters for which being a migrant worker exempts from the income test."""
    la = pack.data("legal_aid")
    return {
        mid for m in la["exempt_matters"] if m["requires_migrant_worker"] for mid in m["matters"]
    }


def exempt_without_income(answers: Answers, pack: ContentPack) -> bool:
    """Whether the answers so far already exempt the resident from the income test."""
    la = pack.data("legal_aid")
    chosen = set(chosen_groups(answers, pack))
    for g in la["exemption_groups"]:
        if g["id"] in chosen and g.get("exempt_economic"):
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


def _monthly_asked(answers: Answers, ctx: Context) -> bool:
    return _income_test(answers, ctx) and answers.get("income_period") != YEAR


def _yearly_asked(answers: Answers, ctx: Context) -> bool:
    return _income_test(answers, ctx) and answers.get("income_period") == YEAR


def _asked(question: str) -> Predicate:
    """A question is asked until an earlier one was answered 是 (and has groups in the pack)."""
    earlier = EXEMPTION_QUESTIONS[: EXEMPTION_QUESTIONS.index(question)]

    def shown(answers: Answers, ctx: Context) -> bool:
        return bool(ctx.pack.exemption_choices(question)) and not any(
            answers.get(exemption_step(q)) is True for q in earlier
        )

    return shown


def _which_asked(question: str) -> Predicate:
    ask = _asked(question)

    def shown(answers: Answers, ctx: Context) -> bool:
        return (
            ask(answers, ctx)
            and answers.get(exemption_step(question)) is True
            and len(ctx.pack.exemption_choices(question)) > 1
        )

    return shown


def _for_someone_else(answers: Answers, _ctx: Context) -> bool:
    return answers.get("role") == "agent"


# -- checks (each rule is a function of kiosk.validation / kiosk.legal_aid) ------------------------
def _household_rule(text: str, ctx: Context) -> str | None:
    return household_size_problem(int(text) if text.isdigit() else None, ctx.pack)


def _income_rule(text: str, ctx: Context) -> str | None:
    return income_problem(int(text) if text.isdigit() else None, ctx.pack)


def _yearly_income_rule(text: str, ctx: Context) -> str | None:
    return yearly_income_problem(int(text) if text.isdigit() else None, ctx.pack)


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


def _groups_in_words(answers: Answers, ctx: Context) -> str:
    """The review row: the official names (what staff read), or 都不是."""
    labels = {g["id"]: g["label"] for g in ctx.pack.data("legal_aid")["exemption_groups"]}
    chosen = [str(labels[g]) for g in chosen_groups(answers, ctx.pack)]
    return "、".join(chosen) or str(ctx.pack.data("screens")["none_of_these"]["label"])


def _yearly_in_words(answers: Answers, _ctx: Context) -> str:
    yearly, monthly = answers.get("income_year"), monthly_income(answers)
    if yearly is None or monthly is None:
        return ""
    return f"一年{yearly}元（每月{yuan_text(monthly)}元）"


def _extras(answers: Answers, ctx: Context) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "oral": False,
        "exemption_groups": chosen_groups(answers, ctx.pack),
    }
    if _yearly_asked(answers, ctx):
        extra["economy.monthly_income_yuan"] = monthly_income(answers)
    return extra


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
    extras=_extras,
    steps=(
        Step(
            "role", Kind.CHOICE, _q("role"), options="legal_aid.applicant_role", review="给谁申请"
        ),
        *(
            step
            for q in EXEMPTION_QUESTIONS
            for step in (
                Step(
                    exemption_step(q),
                    Kind.YES_NO,
                    _q(exemption_step(q)),
                    shown=_asked(q),
                    default=None,
                    # One row for all of them, on the first question, in the official names.
                    review="属于哪种情况" if q == EXEMPTION_QUESTIONS[0] else "",
                    review_value=_groups_in_words if q == EXEMPTION_QUESTIONS[0] else None,
                ),
                Step(
                    which_step(q),
                    Kind.CHOICE,
                    "legal_aid.step.exempt_which.question",
                    options=f"{WHICH_GROUP}{q}",
                    shown=_which_asked(q),
                    columns=1 if q == "family" else 3,
                ),
            )
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
        Step(
            "income_period",
            Kind.CHOICE,
            _q("income_period"),
            options="legal_aid.income_period",
            shown=_income_test,
            note="legal_aid.step.income_period.note",
            default="month",
        ),
        number_step(
            "income",
            _q("income"),
            "economy.monthly_income_yuan",
            validate=_income_rule,
            shown=_monthly_asked,
            max_length=7,
            note="legal_aid.step.income.note",
            review="全家每月收入（元）",
        ),
        number_step(
            "income_year",
            _q("income_year"),
            "economy.yearly_income_yuan",
            validate=_yearly_income_rule,
            shown=_yearly_asked,
            omit_when_hidden=True,
            max_length=8,
            note="legal_aid.step.income.note",
            review="全家一年收入",
            review_value=_yearly_in_words,
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
