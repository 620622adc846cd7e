"""申请法律援助: one question per page, exemption groups first, review with 修改, consent,
the pre-assessment result with reasons and materials, submit → receipt.

The page order comes from ``kiosk.session.legal_aid_steps`` and every check from
``kiosk.legal_aid`` / ``kiosk.validation``: this module only shows and collects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from kiosk.legal_aid import application_problems, assess, parse_application
from kiosk.legal_aid.application import OPPOSING_KINDS
from kiosk.session import NONE, legal_aid_payload, legal_aid_steps
from kiosk.validation import check_phone, check_resident_id, name_problem, text_problem
from screens.base import TourStep
from screens.widgets import BigButton, BodyLabel, NoteLabel, TitleLabel, nav_button, row
from screens.wizard import WizardScreen

RELATIONS = ("子女", "配偶", "父母", "兄弟姐妹", "孙子女", "其他亲属")
EVIDENCE = (
    "合同或协议",
    "欠条、借条",
    "工资条、考勤记录",
    "病历、医药费发票",
    "照片、视频",
    "聊天记录、短信",
    "证人",
    "判决书、调解书",
)
# Review rows: (label, step to go back to for 修改).
FIELD_STEPS = {
    "applicant.name": "name",
    "applicant.id_number": "id_number",
    "applicant.phone": "phone",
    "applicant.address": "address",
    "agent.name": "agent_name",
    "agent.id_number": "agent_id_number",
    "agent.phone": "agent_phone",
    "agent.relation": "agent_relation",
    "matter.category": "matter",
    "matter.facts": "facts",
    "economy.household_size": "household",
    "economy.monthly_income_yuan": "income",
    "opposing_party": "opposing",
    "consent": "consent",
}


def _id_problem(text: str) -> str | None:
    return check_resident_id(text).problem


def _phone_problem(text: str) -> str | None:
    return check_phone(text).problem


class LegalAidScreen(WizardScreen):
    kind = "legal_aid"

    def __init__(
        self,
        *,
        submit: Callable[[str, dict[str, Any]], Any],
        home_district: str,
        on_step: Callable[[str, str], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.submit = submit
        self.home_district = home_district
        self.on_step = on_step
        self.title = "申请法律援助"
        self.assessment: Any = None
        self.problems: list[Any] = []

    def steps(self) -> list[str]:
        if self.pack is None:
            return ["unavailable"]
        return legal_aid_steps(self.answers, self.pack)

    def _q(self, key: str, **values: Any) -> str:
        try:
            return str(self.pack.spoken(f"legal_aid.step.{key}.question", **values))
        except KeyError:
            return ""

    def _who(self) -> str:
        return "需要帮助的那位" if self.answer("role") == "agent" else "您"

    def render(self, step: str) -> None:
        self.voice_options_id = ""
        pack = self.pack
        if step == "unavailable":
            self.header("暂时不能申请")
            self.message("内容包没有装好，暂时不能在本机申请法律援助。请拨打 12348 或找工作人员。")
            self.nav(next_text=None)
            return
        la = pack.data("legal_aid")
        if step == "role":
            self.voice_options_id = "legal_aid.applicant_role"
            options = [(r["id"], r["label"]) for r in la["applicant_roles"]]
            self.choice_page(self._q("role"), "role", options)
        elif step == "exemption":
            self.voice_options_id = "legal_aid.exemption_group"
            options = [(g["id"], g["label"]) for g in la["exemption_groups"]]
            options.append((NONE, "都不是"))
            question = self._q("exemption", groups="").replace("？。", "？")
            self.choice_page(
                question or "您属于下面哪一种情况吗？",
                "exemption",
                options,
                cols=6,
                min_col_width=280,
            )
        elif step == "matter":
            self.voice_options_id = "legal_aid.matter"
            options = [(m["id"], m["label"]) for m in la["matters"]]
            self.choice_page(
                self._q("matter", matters="").replace("？。", "？"),
                "matter",
                options,
                cols=6,
                min_col_width=280,
            )
        elif step == "migrant":
            self.yes_no_page(self._q("migrant"), "migrant")
        elif step == "exempt_matter":
            self.voice_options_id = "legal_aid.exempt_matter"
            options = [(m["id"], m["label"]) for m in la["exempt_matters"]]
            options.append((NONE, "都不是"))
            self.choice_page(
                self._q("exempt_matter", matters="").replace("？。", "？"), "exempt_matter", options
            )
        elif step == "household":
            self.digits_page(
                self._q("household"),
                "household",
                max_length=2,
                validate=lambda v: (
                    None
                    if v.isdigit() and 1 <= int(v) <= la["limits"]["household_size_max"]
                    else f"请填 1 到 {la['limits']['household_size_max']} 之间的数。"
                ),
                normalise=int,
            )
        elif step == "income":
            self.digits_page(
                self._q("income"),
                "income",
                max_length=7,
                note="单位：元。不清楚就填个大概。",
                validate=lambda v: None if v.isdigit() else "请输入钱数（元），没有收入就输入 0。",
                normalise=int,
            )
        elif step == "name":
            self.text_page(
                f"请输入{self._who()}的姓名。",
                "name",
                validate=lambda v: name_problem(v),
                max_length=la["limits"]["name_max_chars"],
            )
        elif step == "id_number":
            self.digits_page(
                f"请输入{self._who()}的身份证号码。",
                "id_number",
                allow_x=True,
                note="最后一位是 X 的，点“X”键。",
                validate=_id_problem,
            )
        elif step == "phone":
            self.digits_page(self._q("phone"), "phone", max_length=12, validate=_phone_problem)
        elif step == "address":
            self.address_page(
                f"{self._who()}住在哪里？", "address", district_hint=self.home_district
            )
        elif step == "agent_name":
            self.text_page(
                "请输入您自己（代为申请的人）的姓名。", "agent_name", validate=name_problem
            )
        elif step == "agent_id_number":
            self.digits_page(
                "请输入您自己（代为申请的人）的身份证号码。",
                "agent_id_number",
                allow_x=True,
                validate=_id_problem,
            )
        elif step == "agent_phone":
            self.digits_page(
                "请输入您自己（代为申请的人）的电话。",
                "agent_phone",
                max_length=12,
                validate=_phone_problem,
            )
        elif step == "agent_relation":
            options = [(r, r) for r in RELATIONS]
            self.choice_page("您和需要帮助的那位是什么关系？", "agent_relation", options, cols=3)
        elif step == "opposing":
            options = [(k, v) for k, v in OPPOSING_KINDS.items()]
            self.choice_page("对方是谁？是个人、公司，还是政府部门？", "opposing", options)
        elif step == "opposing_name":
            self.text_page(
                "对方叫什么名字（个人的姓名或单位名称）？不知道可以跳过。",
                "opposing_name",
                max_length=60,
                optional=True,
                validate=lambda v: text_problem(v, "对方名称", max_chars=60),
            )
        elif step == "facts":
            self.text_page(
                "请简单说说发生了什么事（几句话就行，工作人员会再问您）。",
                "facts",
                max_length=la["limits"]["facts_max_chars"],
                validate=lambda v: text_problem(
                    v, "事情经过", max_chars=la["limits"]["facts_max_chars"], multiline=True
                ),
            )
        elif step == "evidence":
            self.multi_page(
                "您手上有哪些材料？可以选几样；没有也可以申请，直接点“下一步”。",
                "evidence",
                [(e, e) for e in EVIDENCE],
            )
        elif step == "review":
            self.review_page()
        elif step == "consent":
            self.choice_page(
                self._q("consent").replace("同意请点“同意”。", "").strip()
                or "请确认：您说的情况都是真实的，并同意核查您的经济状况。",
                "consent",
                [("yes", "同意"), ("no", "不同意")],
                then=self._after_consent,
            )
        elif step == "result":
            self.result_page()

    # -- review, consent, result --------------------------------------------------------------
    def summary(self) -> list[tuple[str, str, str]]:
        """(label, value, step) for every answer, in page order."""
        la = self.pack.data("legal_aid")
        a = self.answers
        label_of = {
            x["id"]: x["label"]
            for k in ("matters", "exemption_groups", "exempt_matters", "applicant_roles")
            for x in la[k]
        }
        label_of[NONE] = "都不是"
        steps = self.steps()
        out: list[tuple[str, str, str]] = []

        def add(label: str, value: Any, step: str) -> None:
            if step in steps:
                out.append((label, str(value) if value not in (None, "") else "（没填）", step))

        add("给谁申请", label_of.get(a.get("role", ""), ""), "role")
        add("属于哪种情况", label_of.get(a.get("exemption", ""), ""), "exemption")
        add("哪一类事", label_of.get(a.get("matter", ""), ""), "matter")
        add("是不是农民工", {True: "是", False: "不是"}.get(a.get("migrant"), ""), "migrant")
        add("特别情形", label_of.get(a.get("exempt_matter", ""), ""), "exempt_matter")
        add("家里几口人", a.get("household"), "household")
        add("全家每月收入（元）", a.get("income"), "income")
        add("姓名", a.get("name"), "name")
        add("身份证号", a.get("id_number"), "id_number")
        add("电话", a.get("phone"), "phone")
        add("住址", self.address_label("address"), "address")
        add("代为申请人", a.get("agent_name"), "agent_name")
        add("代为申请人身份证号", a.get("agent_id_number"), "agent_id_number")
        add("代为申请人电话", a.get("agent_phone"), "agent_phone")
        add("和申请人的关系", a.get("agent_relation"), "agent_relation")
        add("对方是", OPPOSING_KINDS.get(a.get("opposing", ""), ""), "opposing")
        add("对方名称", a.get("opposing_name"), "opposing_name")
        add("事情经过", a.get("facts"), "facts")
        add("手上的材料", "、".join(a.get("evidence", [])) or "没有", "evidence")
        return out

    def review_page(self) -> None:
        self.header("请核对您填写的内容，要改哪一项就点旁边的“修改”。")
        for label, value, step in self.summary():
            text = BodyLabel(text=f"{label}：{value}", size_hint_x=1)
            edit = BigButton(text="修改", size_hint_x=None, width=self.style.touch_px * 1.4)
            edit.bind(on_release=lambda _w, s=step: self.show(s))
            line = row(text, edit, height=self.style.touch_px)
            text.bind(
                height=lambda w, h, ln=line: setattr(ln, "height", max(self.style.touch_px, h))
            )
            self.page.add(line)
        self.nav(next_text="没问题，下一步")

    def _after_consent(self) -> None:
        if self.answer("consent") is True:
            self.go_next()
        else:
            self.show("consent")
            self.message("不同意就不能提交申请。您可以拨打 12348 咨询，或者点“结束并清除”。")

    def payload(self) -> dict[str, Any]:
        return legal_aid_payload(self.answers, self.pack)

    def result_page(self) -> None:
        payload = self.payload()
        self.problems = application_problems(payload, self.pack, date.today())
        if self.problems:
            self.header("还有几处要改一下")
            for p in self.problems:
                step = next((s for f, s in FIELD_STEPS.items() if p.field.startswith(f)), "review")
                text = BodyLabel(text=p.message, size_hint_x=1)
                edit = BigButton(text="修改", size_hint_x=None, width=self.style.touch_px * 1.4)
                edit.bind(on_release=lambda _w, s=step: self.show(s))
                self.page.add(row(text, edit, height=self.style.touch_px * 1.2))
            self.assessment = None
            self.nav(next_text=None)
            return
        app = parse_application(payload, self.pack, date.today())
        self.assessment = a = assess(app, self.pack, date.today())
        self.header(f"初步判断：{a.outcome_label}")
        for reason in a.reasons:
            self.page.add(BodyLabel(text=f"●\u00a0{reason}"))
        if a.basis:  # the articles the reasons rest on, small, after them
            self.page.add(NoteLabel(text="依据：" + "；".join(a.basis)))
        if a.referrals:
            self.page.add(TitleLabel(text="这件事可以这样办"))
            for r in a.referrals:
                self.page.add(NoteLabel(text=f"{r['label']}：{r['detail']}"))
        if a.materials:
            self.page.add(TitleLabel(text="请一次带齐这些材料"))
            for m in a.materials:
                self.page.add(NoteLabel(text=f"{m.label}——{m.why}（{m.where}）"))
        # The same plain sentences that are read aloud (the pack's, not a second wording here).
        times = {"decision_days": a.decision_days, "assignment_days": a.assignment_days}
        self.page.add(BodyLabel(text=self.pack.spoken("legal_aid.result.times", **times)))
        if a.priority and a.green_channel_days:
            days = {"green_channel_days": a.green_channel_days}
            self.page.add(
                BodyLabel(text=self.pack.spoken("legal_aid.result.green_channel", **days))
            )
        self.page.add(BodyLabel(text="这是本机的初步判断，最后以法律援助机构的决定为准。"))
        if self.session.staff_id:
            self.page.add(NoteLabel(text=f"代为填写：工号 {self.session.staff_id}"))
        self.nav(next_text=None, extra=[nav_button("提交申请", self.send, role="accent")])

    def send(self) -> None:
        from kiosk.submissions import InvalidSubmission

        try:
            receipt = self.submit("legal_aid", self.payload())
        except InvalidSubmission as exc:
            self.problems = list(exc.problems)
            self.show("result")
            return
        except Exception as exc:  # storage trouble: say so plainly, keep the answers
            self.message(f"没有提交成功：{exc}")
            return
        a = self.assessment
        lines = [f"初步判断：{a.outcome_label}。"] if a is not None else []
        if a is not None and a.materials:
            lines.append("请带齐：" + "、".join(m.label for m in a.materials) + "。")
        lines.append("网络不通也没关系，申请已保存在本机，网络恢复后自动上报。")
        self.finish_submitted(receipt, "法律援助申请已提交", lines)

    def spoken_text(self) -> str:
        if self.step_id == "result" and self.assessment is not None:
            return str(self.assessment.spoken(self.pack))
        if self.step_id == "review":
            return (
                "请核对您填写的内容："
                + "；".join(f"{label}，{value}" for label, value, _ in self.summary())
                + "。要修改的，点那一项旁边的“修改”。"
            )
        return super().spoken_text()

    def tour_steps(self) -> Iterator[TourStep]:
        if self.pack is None:
            yield "unavailable", lambda: self.show("unavailable")
            return
        demo: dict[str, Any] = {
            "role": "self",
            "exemption": NONE,
            "matter": "unpaid_wages",
            "migrant": False,
            "exempt_matter": NONE,
            "household": 3,
            "income": 4500,
            "name": "张桂英",
            "id_number": "320483195603150025",
            "phone": "13912345678",
            "opposing": "company",
            "opposing_name": "某某建筑公司",
            "facts": "在工地干了三个月，老板一直不给工钱。",
            "evidence": ["工资条、考勤记录"],
            "consent": True,
        }
        districts = self.pack.districts()
        d = next((o.id for o in districts if o.id == self.home_district), districts[0].id)
        t = self.pack.towns(d)[0].id
        v = self.pack.villages(d, t)[0].id
        demo.update(address_district=d, address_town=t, address_village=v, _address_level="detail")

        def fill(step: str) -> None:
            for key, value in demo.items():
                if (
                    key == step
                    or key.startswith(step + "_")
                    or (step == "address" and key.startswith("_address"))
                ):
                    self.set_answer(key, value)

        yield from self.walk(fill)
