"""Pre-assessment of a legal-aid application: 符合 / 可能符合 / 需人工审核 / 不符合, with reasons.

The kiosk's verdict is advice, not the decision (法律援助法 Art. 43 gives that to the agency), so
every outcome carries its reasons in plain words, the materials to bring listed once, the
statutory times and, when the matter is not ours, where to go instead.

Order of the rules:
1. scope — Art. 32 exempt matters are in scope whatever the matter; otherwise the matter's
   ``scope`` in the pack: ``art31`` in, ``local`` in but to be confirmed by staff, ``review`` staff
   decide, ``outside`` points elsewhere. The city notice's special rural groups (``campaign``) had
   "no scope limit" only under a campaign plan (June 2021 – May 2023), not a law: outside Art. 31
   they go to staff review with that reason, never to 符合;
2. economic test — an exempt group of the law (Art. 42 (1)(2)) or exempt matter (Art. 32,
   Art. 42 (3) migrant workers' pay and work injury, wherever they work) → no income check;
   otherwise the household's per-capita monthly income against the district's threshold in force
   that day. A campaign group that fails or skips the income test goes to staff review;
3. a claim the ID contradicts (a "高龄" group for a 50-year-old) or missing income → staff review.

Reasons are plain sentences a resident can follow; the articles they rest on are kept apart in
``basis`` for the small 依据 line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from kiosk.content import ContentPack
from kiosk.content import yuan_text as yuan
from kiosk.legal_aid.application import Application

ELIGIBLE = "eligible"
LIKELY = "likely"
REVIEW = "review"
INELIGIBLE = "ineligible"
OUTCOME_LABELS = {
    ELIGIBLE: "符合",
    LIKELY: "可能符合",
    REVIEW: "需人工审核",
    INELIGIBLE: "不符合",
}
_SPOKEN_KEYS = {
    ELIGIBLE: "legal_aid.result.eligible",
    LIKELY: "legal_aid.result.likely",
    REVIEW: "legal_aid.result.review",
    INELIGIBLE: "legal_aid.result.ineligible",
}


@dataclass(frozen=True)
class Material:
    id: str
    label: str
    why: str
    where: str


@dataclass(frozen=True)
class IncomeTest:
    household_size: int
    monthly_income_yuan: float
    per_capita_yuan: float
    threshold_yuan: float
    district: str
    district_label: str
    effective_from: str
    source: str
    verified: bool
    passed: bool


@dataclass(frozen=True)
class Assessment:
    outcome: str
    reasons: list[str]
    exempt_from_economic_test: bool
    in_scope: bool
    income_test: IncomeTest | None
    materials: list[Material]
    decision_days: int
    assignment_days: int
    priority: bool
    green_channel_days: int | None
    one_to_one: bool
    referrals: list[dict[str, str]] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)
    # The groups that bring one-to-one help (低保户, 重度残疾人 …), named as the resident chose them.
    one_to_one_groups: list[str] = field(default_factory=list)
    # Someone applies for another person: what the helper brings and how that person signs.
    for_someone_else: bool = False

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome_label"] = self.outcome_label
        return data

    def next_step(self, pack: ContentPack) -> str:
        """One plain sentence of what happens next — the first thing shown and read."""
        return pack.spoken(
            f"legal_aid.result.next.{self.outcome}", decision_days=self.decision_days
        )

    def spoken(self, pack: ContentPack) -> str:
        """The result read aloud: what happens next, verdict with reasons, materials, times."""
        parts = [
            self.next_step(pack),
            pack.spoken(_SPOKEN_KEYS[self.outcome], reasons="".join(self.reasons)),
        ]
        if self.referrals:
            parts.append(
                pack.spoken(
                    "legal_aid.result.referral",
                    referrals="；".join(f"{r['label']}，{r['detail']}" for r in self.referrals),
                )
            )
        if self.outcome != INELIGIBLE:
            parts.append(
                pack.spoken(
                    "legal_aid.result.materials",
                    materials="、".join(m.label for m in self.materials),
                )
            )
            if self.for_someone_else:
                parts.append(pack.spoken("legal_aid.result.agent"))
            parts.append(
                pack.spoken(
                    "legal_aid.result.times",
                    decision_days=self.decision_days,
                    assignment_days=self.assignment_days,
                )
            )
            if self.priority and self.green_channel_days:
                parts.append(
                    pack.spoken(
                        "legal_aid.result.green_channel",
                        green_channel_days=self.green_channel_days,
                    )
                )
        parts.append(pack.spoken("legal_aid.result.disclaimer"))
        return "".join(parts)


def threshold_for(pack: ContentPack, district: str, on: date) -> dict[str, Any] | None:
    entries = [
        t for t in pack.data("legal_aid")["hardship_thresholds"] if t["district"] == district
    ]
    found = pack.effective_entry(entries, on)
    return dict(found) if found else None


def assess(app: Application, pack: ContentPack, today: date | None = None) -> Assessment:
    """Pre-assess a validated application against the pack's rules as in force on ``today``."""
    today = today or date.today()
    la = pack.data("legal_aid")
    matter = next(m for m in la["matters"] if m["id"] == app.category)
    groups_by_id = {g["id"]: g for g in la["exemption_groups"]}
    exempt_by_id = {m["id"]: m for m in la["exempt_matters"]}
    reasons: list[str] = []
    basis: list[str] = []
    review: list[str] = []
    age = app.applicant.age

    # -- who the applicant says they are, checked against the ID where the pack allows ----------
    groups: list[dict[str, Any]] = []
    for gid in app.exemption_groups:
        g = groups_by_id[gid]
        if "min_age" in g and age < g["min_age"]:
            review.append(
                f"您选了“{g['label']}”，但按身份证您今年{age}岁，不到{g['min_age']}岁，要工作人员核实。"
            )
            continue
        if "max_age" in g and age > g["max_age"]:
            review.append(
                f"您选了“{g['label']}”，但按身份证您今年{age}岁，超过了{g['max_age']}岁，要工作人员核实。"
            )
            continue
        groups.append(g)
    campaigns = {c["id"]: c for c in la["campaigns"]}
    campaign_groups = [g for g in groups if g.get("campaign")]

    exempt_matters: list[dict[str, Any]] = [exempt_by_id[m] for m in app.exempt_matters]
    exempt_matters = [m for m in exempt_matters if not m["requires_migrant_worker"]]
    for m in la["exempt_matters"]:
        if m["requires_migrant_worker"] and app.migrant_worker and app.category in m["matters"]:
            exempt_matters.append(m)
    for m in app.exempt_matters:
        em = exempt_by_id[m]
        if em["requires_migrant_worker"] and em not in exempt_matters:
            review.append(f"您选了“{em['label']}”，要工作人员核实您干活的情况和这件事。")

    # -- scope -----------------------------------------------------------------------------------
    in_scope = True
    scope_to_confirm = False
    referrals: list[dict[str, str]] = []
    art32 = [m for m in exempt_matters if not m["requires_migrant_worker"]]
    scope_lifters = [g for g in campaign_groups if g["no_scope_limit"]]
    if art32:
        em = art32[0]
        reasons.append(f"您的事属于“{em['label']}”，可以申请法律援助。")
        basis.append(str(em["basis"]))
    elif matter["scope"] == "art31":
        reasons.append(f"您的事（{matter['label']}）是法律援助能帮的事。")
        basis.append(str(matter["basis"]))
    elif scope_lifters:
        g = scope_lifters[0]
        review.append(
            f"您的事（{matter['label']}）一般不在法律援助能帮的范围里。"
            + _campaign_sentence(g, campaigns[g["campaign"]], "不限哪类事", today)
        )
        basis += [str(matter["basis"]), str(campaigns[g["campaign"]]["basis"])]
    elif matter["scope"] == "local":
        scope_to_confirm = True
        reasons.append(
            f"您的事（{matter['label']}）是本市涉农法律援助重点帮助的一类，能不能帮由工作人员确认。"
        )
        basis.append(str(matter["basis"]))
    elif matter["scope"] == "review":
        review.append(f"您的事（{matter['label']}）要由工作人员看法律援助能不能帮。")
        basis.append(str(matter["basis"]))
    else:
        in_scope = False
        reasons.append(f"您的事（{matter['label']}）一般不在法律援助能帮的范围里，不能派律师。")
        basis.append(str(matter["basis"]))
        referrals = referrals_for(la, matter)

    # -- economic test ---------------------------------------------------------------------------
    exempting_groups = [g for g in groups if g["exempt_economic"]]
    exempt = bool(exempting_groups or exempt_matters)
    income_test: IncomeTest | None = None
    income_failed = False
    income_missing = False
    unverified_review = False  # the income test rests on a figure staff must confirm
    if exempt:
        if exempting_groups:
            g = exempting_groups[0]
            reasons.append(f"您是“{g['label']}”，不用查家里收入。")
            basis.append(str(g["basis"]))
        else:
            em = exempt_matters[0]
            if em["requires_migrant_worker"]:
                reasons.append(
                    "您是农民工，讨工钱或者工伤赔偿，不管家里收入多少，都不用查收入；在本地干活也一样。"
                )
            else:
                reasons.append(f"“{em['label']}”的，不用查家里收入。")
            basis.append(str(em["basis"]))
    elif app.household_size is None or app.monthly_income_yuan is None:
        income_missing = True
    else:
        district = app.address.district
        district_label = str(pack.district(district)["label"])
        t = threshold_for(pack, district, today)
        if t is None:
            review.append(f"本机没有{district_label}现在的收入标准，要工作人员核实。")
        else:
            per_capita = round(app.monthly_income_yuan / app.household_size, 2)
            threshold = float(t["monthly_income_per_capita_yuan"])
            passed = per_capita <= threshold
            income_test = IncomeTest(
                household_size=app.household_size,
                monthly_income_yuan=app.monthly_income_yuan,
                per_capita_yuan=per_capita,
                threshold_yuan=threshold,
                district=district,
                district_label=district_label,
                effective_from=str(t["effective_from"]),
                source=str(t["source"]),
                verified=bool(t["verified"]),
                passed=passed,
            )
            basis += [str(la["hardship_rule"]["basis"]), str(t["source"])]
            yearly = (
                f"一年一共{yuan(app.yearly_income_yuan)}元，"
                if app.yearly_income_yuan is not None
                else ""
            )
            figures = (
                f"您家{app.household_size}口人，{yearly}每月{'' if yearly else '一共'}"
                f"{yuan(app.monthly_income_yuan)}元，每人{yuan(per_capita)}元。"
            )
            standard = f"{district_label}的标准是每人每月{yuan(threshold)}元"
            if t["verified"]:
                if passed:
                    reasons.append(f"{figures}{standard}，您家不超过，算经济困难。")
                else:
                    reasons.append(f"{figures}{standard}，您家超过了，不算经济困难。")
                    income_failed = True
            elif _staff_confirm_the_standard(pack, la, today, per_capita, threshold):
                # One story: the figure may be wrong, so the kiosk neither admits nor refuses
                # on it — it says what it computed and that staff confirm the standard.
                unverified_review = True
                reasons.append(f"{figures}{standard}，还没核实，要工作人员确认您家是不是经济困难。")
            elif passed:
                reasons.append(
                    f"{figures}{standard}，您家不超过，算经济困难。"
                    "这个标准还没核实，以工作人员确认的为准。"
                )
            else:
                # Above every figure the verified rule could be: refusing on it is safe.
                reasons.append(f"{figures}{standard}，您家超过了，不算经济困难。")
                income_failed = True
    if not exempt and (income_missing or income_failed or unverified_review) and campaign_groups:
        g = campaign_groups[0]
        review.append(_campaign_sentence(g, campaigns[g["campaign"]], "不查家里收入", today))
        basis.append(str(campaigns[g["campaign"]]["basis"]))
    elif income_missing:
        review.append("您没有填家里几口人、每月收入多少，要工作人员核实。")

    # -- outcome ---------------------------------------------------------------------------------
    if not in_scope and not review:
        outcome = INELIGIBLE
    elif income_failed and not review:
        outcome = INELIGIBLE
        referrals = referrals_for(la, matter)
    elif review or unverified_review or not in_scope:
        outcome = REVIEW
    elif scope_to_confirm:
        outcome = LIKELY
    else:
        outcome = ELIGIBLE
    reasons.extend(review)
    if outcome == INELIGIBLE:
        # Only the agency decides (Art. 43): a resident told 不符合 may still apply in writing.
        reasons.append(pack.spoken("legal_aid.result.still_apply"))
        basis.append(str(la["statutory_times"]["refusal_basis"]))

    if not referrals and matter.get("referrals"):
        # A wage claim is pointed to free labour arbitration whatever the verdict.
        referrals = referrals_for(la, matter)

    priority_groups = [g for g in groups if g["green_channel"]]
    priority = bool(matter["sannong"] or priority_groups) and in_scope and outcome != INELIGIBLE
    times = la["statutory_times"]
    if priority:
        why = "“三农”的事" if matter["sannong"] else f"“{priority_groups[0]['label']}”"
        reasons.append(f"{why}走绿色通道，优先办。")
    basis.append(str(times["basis"]))
    one_to_one = [str(g["label"]) for g in groups if g["one_to_one"]]

    return Assessment(
        outcome=outcome,
        reasons=reasons,
        exempt_from_economic_test=exempt,
        in_scope=in_scope,
        income_test=income_test,
        materials=materials_for(app, pack, groups, exempt_matters, exempt),
        decision_days=int(times["decision_days"]),
        assignment_days=int(times["assignment_days"]),
        priority=priority,
        green_channel_days=int(times["green_channel_days"]) if priority else None,
        one_to_one=bool(one_to_one),
        referrals=referrals,
        basis=list(dict.fromkeys(basis)),
        one_to_one_groups=one_to_one,
        for_someone_else=app.agent is not None,
    )


def _staff_confirm_the_standard(
    pack: ContentPack, la: Mapping[str, Any], on: date, per_capita: float, threshold: float
) -> bool:
    """Whether an income tested against an unverified threshold must go to staff.

    What is unverified is which tier a district is in, so the verified figure may be any tier's
    figure in force that day: an income up to the highest of them (or within the pack's margin
    above the figure used) might be admitted by the verified rule and is never refused here;
    one within the margin below it might not be, and is never admitted here either.
    """
    margin = float(la["hardship_rule"]["unverified_margin_percent"]) / 100
    in_force = [threshold_for(pack, d.id, on) for d in pack.districts()]
    highest = max(
        [float(t["monthly_income_per_capita_yuan"]) for t in in_force if t], default=threshold
    )
    close = abs(per_capita - threshold) <= threshold * margin
    return close or threshold < per_capita <= highest


def _campaign_sentence(
    group: Mapping[str, Any], campaign: Mapping[str, Any], promise: str, today: date
) -> str:
    """One plain sentence: what the campaign promised the group, its dates, staff confirm."""
    start = date.fromisoformat(str(campaign["valid_from"]))
    end = date.fromisoformat(str(campaign["valid_until"]))
    period = f"{start.year}年{start.month}月到{end.year}年{end.month}月"
    state = "已经结束" if today > end else "它不是法律规定"
    return (
        f"“{group['label']}”{promise}，是{campaign['label']}里的做法。"
        f"这个活动从{period}，{state}。现在能不能这样办，要工作人员确认。"
    )


def referrals_for(la: Mapping[str, Any], matter: Mapping[str, Any]) -> list[dict[str, str]]:
    """Where to point a resident legal aid can't help: the matter's own list, else the general one.

    A wage claim goes to free labour arbitration, not neighbourhood mediation, so referrals marked
    ``on_request`` are given only to the matters that name them.
    """
    by_id = {r["id"]: r for r in la["referrals"]}
    ids = matter.get("referrals") or [r["id"] for r in la["referrals"] if not r.get("on_request")]
    return [{"id": i, "label": by_id[i]["label"], "detail": by_id[i]["detail"]} for i in ids]


def materials_for(
    app: Application,
    pack: ContentPack,
    groups: list[dict[str, Any]],
    exempt_matters: list[dict[str, Any]],
    exempt: bool,
) -> list[Material]:
    """Everything to bring, each item once (一次性告知, Art. 43)."""
    la = pack.data("legal_aid")
    std = la["standard_materials"]
    matter = next(m for m in la["matters"] if m["id"] == app.category)
    ids: list[str] = list(std["always"])
    if app.agent is not None:
        ids += std["agent"]
    for g in groups:
        if g["exempt_economic"] or g["no_scope_limit"] or g.get("campaign"):
            ids += g["materials"]
    for m in exempt_matters:
        ids += m["materials"]
    if not exempt:
        ids += std["income_test"]
    ids += matter["materials"]
    by_id = {m["id"]: m for m in la["materials"]}
    return [
        Material(id=i, label=by_id[i]["label"], why=by_id[i]["why"], where=by_id[i]["where"])
        for i in dict.fromkeys(ids)
    ]


def assessment_lines(result: Assessment) -> list[str]:
    """The pre-assessment as staff read it at the console (``kiosk-admin legal-aid assess``)."""
    lines = [f"初步评估：{result.outcome_label}", "理由："]
    lines += [f"  - {r}" for r in result.reasons]
    if result.referrals:
        lines.append("可以这样办：" if result.outcome == INELIGIBLE else "也可以这样办：")
        lines += [f"  - {r['label']}：{r['detail']}" for r in result.referrals]
    if result.outcome != INELIGIBLE:
        lines.append("一次性告知，请带齐：")
        lines += [f"  - {m.label}（{m.why}；{m.where}）" for m in result.materials]
        lines.append(
            f"时限：收到申请后{result.decision_days}日内决定，"
            f"决定给予的{result.assignment_days}日内指派。"
        )
        if result.priority:
            lines.append(f"绿色通道：{result.green_channel_days}日内受理、审查、指派。")
        if result.one_to_one_groups:
            groups = "、".join(f"“{g}”" for g in result.one_to_one_groups)
            lines.append(f"{groups}：“一对一”帮扶。")
    return lines
