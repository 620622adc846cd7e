"""申请法律援助: the step table ``kiosk.wizards.legal_aid.LEGAL_AID`` rendered by
:class:`~screens.wizard.WizardScreen`; what is special here is the end — the pre-assessment
result with reasons and materials, 修改 next to each problem, submit → receipt.

Every check comes from ``kiosk.legal_aid`` / ``kiosk.validation``: this module only shows and
collects.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.legal_aid import application_problems, assess, parse_application
from kiosk.legal_aid.assessment import Assessment
from kiosk.printing.layouts import legal_aid_slip
from kiosk.wizards.legal_aid import (
    EXEMPTION_QUESTIONS,
    LEGAL_AID,
    NONE,
    exemption_step,
    legal_aid_payload,
    question_values,
    which_step,
)
from kiosk.wizards.steps import Kind, Step, Submit, review_rows, step_for_field
from screens.base import TourStep
from screens.printing import HEAR_IT_AGAIN, print_button
from screens.widgets import BasisLabel, BodyLabel, NoteLabel, TitleLabel, nav_button
from screens.wizard import WizardScreen

if TYPE_CHECKING:
    from kiosk.printing.desk import PrintDesk


class LegalAidScreen(WizardScreen):
    wizard = LEGAL_AID
    unavailable_title = "暂时不能申请"
    unavailable_text = "内容包没有装好，暂时不能在本机申请法律援助。请拨打 12348 或找工作人员。"

    def __init__(
        self,
        *,
        submit: Submit,
        printer: Callable[[], PrintDesk | None] = lambda: None,
        say: Callable[[str], None] = lambda _text: None,
        now: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        # ``today`` (WizardScreen) is the terminal clock's: ages and income years by it.
        super().__init__(**kwargs)
        self.submit = submit
        self.now = now  # the terminal clock: the printed slip's date and time
        self.printer = printer
        self.say = say
        self.print_button: Any = None
        self.title = "申请法律援助"
        self.assessment: Assessment | None = None
        self.problems: list[Any] = []  # kiosk.validation.Problem or what submit refused
        self.renderers[Kind.RESULT] = self.render_result

    def question_values(self, step: Step) -> dict[str, object]:
        return dict(question_values(self.answers, self.context().pack))

    def payload(self) -> dict[str, Any]:
        return legal_aid_payload(self.answers, self.context().pack)

    # -- the result ----------------------------------------------------------------------------
    def render_result(self, _step: Step) -> None:
        pack = self.context().pack
        payload = self.payload()
        self.problems = application_problems(payload, pack, self.today())
        if self.problems:
            self.header("还有几处要改一下")
            rows = [
                (p.message, step_for_field(LEGAL_AID, p.field, "review")) for p in self.problems
            ]
            self.edit_rows(rows, self.style.touch_px * 1.2)
            self.assessment = None
            self.nav(next_text=None)
            return
        app = parse_application(payload, pack, self.today())
        assert app is not None  # no problems: the application parses
        self.assessment = a = assess(app, pack, self.today())
        # What happens next first, in one plain sentence; the verdict and its reasons after.
        self.header(a.next_step(pack))
        self.page.add(BodyLabel(text=f"本机初步判断：{a.outcome_label}。"))
        for reason in a.reasons:
            self.page.add(BodyLabel(text=f"●\u00a0{reason}"))
        if a.referrals:
            self.page.add(TitleLabel(text="这件事也可以这样办"))
            for r in a.referrals:
                self.page.add(NoteLabel(text=f"{r['label']}：{r['detail']}"))
        if a.materials:
            self.page.add(TitleLabel(text="请一次带齐这些材料"))
            self.page.add(BodyLabel(text=pack.spoken("legal_aid.result.bring_to")))
            for m in a.materials:
                self.page.add(NoteLabel(text=f"{m.label}——{m.why}。在哪里开：{m.where}"))
            if a.for_someone_else:
                self.page.add(BodyLabel(text=pack.spoken("legal_aid.result.agent")))
        # The same plain sentences that are read aloud (the pack's, not a second wording here).
        times = {"decision_days": a.decision_days, "assignment_days": a.assignment_days}
        self.page.add(BodyLabel(text=pack.spoken("legal_aid.result.times", **times)))
        if a.priority and a.green_channel_days:
            days = {"green_channel_days": a.green_channel_days}
            self.page.add(BodyLabel(text=pack.spoken("legal_aid.result.green_channel", **days)))
        self.page.add(BodyLabel(text=pack.spoken("legal_aid.result.disclaimer")))
        if a.basis:  # the articles the reasons rest on: small, last, for staff
            self.page.add(BasisLabel(text="依据：" + "；".join(a.basis)))
        if self.session.staff_id:
            self.page.add(NoteLabel(text=f"代为填写：工号 {self.session.staff_id}"))
        desk = self.printer()
        self.print_button = print_button(
            desk,
            lambda: legal_aid_slip(
                a,
                pack,
                station=desk.station if desk else "",
                when=datetime.fromtimestamp(self.now()),
            ),
            page=self.page,
            say=self.say,
            fallback=HEAR_IT_AGAIN,
        )
        extra = [nav_button("提交申请", self.send, role="accent")]
        self.nav(next_text=None, extra=[self.print_button, *extra] if self.print_button else extra)

    def send(self) -> None:
        from kiosk.submissions import InvalidSubmission, failure_text

        try:
            receipt = self.submit(self.kind, self.payload())
        except InvalidSubmission as exc:
            self.problems = list(exc.problems)
            self.show("result")
            return
        except Exception as exc:  # storage trouble or a fault: say so plainly, keep the answers
            self.message(f"没有提交成功：{failure_text(exc)}")
            return
        a = self.assessment
        pack = self.context().pack
        lines = [f"本机初步判断：{a.outcome_label}。"] if a is not None else []
        if a is not None and a.materials:
            lines.append("请带齐：" + "、".join(m.label for m in a.materials) + "。")
            lines.append(pack.spoken("legal_aid.result.bring_to"))
        lines.append("网络不通也没关系，申请已保存在本机，网络恢复后自动上报。")
        self.finish_submitted(receipt, "法律援助申请已提交", lines)

    def spoken_text(self) -> str:
        if self.step_id == "result" and self.assessment is not None:
            return str(self.assessment.spoken(self.context().pack))
        if self.step_id == "review":
            rows = review_rows(self.wizard, self.answers, self.context())
            return (
                "请核对您填写的内容："
                + "；".join(f"{r.label}，{r.value}" for r in rows)
                + "。要修改的，点那一项前面的“修改”。"
            )
        return super().spoken_text()

    def tour_steps(self) -> Iterator[TourStep]:
        if not self.available():
            yield "unavailable", lambda: self.show("unavailable")
            return
        demo: dict[str, Any] = {
            "role": "self",
            **{exemption_step(q): False for q in EXEMPTION_QUESTIONS},
            "matter": "unpaid_wages",
            "migrant": False,
            "exempt_matter": NONE,
            "household": 3,
            "income_period": "year",
            "income_year": 54000,
            "name": "张桂英",
            "id_number": "320483195603150025",
            "phone": "13912345678",
            "opposing": "company",
            "opposing_name": "某某建筑公司",
            "facts": "在工地干了三个月，老板一直不给工钱。",
            "evidence": ["payslip"],
            "consent": True,
            **self.demo_address(),
        }
        yield from self.walk(self.demo_fill(demo))
        yield from self.states_tour(demo)

        def which() -> None:  # 是 to the first plain question: 是哪一种, in everyday words
            self.set_answer(exemption_step(EXEMPTION_QUESTIONS[0]), True)
            self.show(which_step(EXEMPTION_QUESTIONS[0]))

        yield which_step(EXEMPTION_QUESTIONS[0]), which
        yield from self.card_tour(self.demo_card(demo["name"], demo["id_number"], "女"))
        yield from self.writing_tour("name")
