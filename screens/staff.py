"""Staff menu: fill in for a resident (代为填写), queued and failed submissions, sync now,
font scale, the admin screen, sign out — and, in kiosk mode, the only way out of the app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.uix.gridlayout import GridLayout

from kiosk import display_text
from offline_cache.vocabulary import kind_label, outbox_resident_text
from screens.base import PageScreen, TourStep
from screens.printing import when_printer_answers
from screens.theme import FONT_SCALE_LABELS
from screens.widgets import BigButton, BodyLabel, NoteLabel, TitleLabel, ems, nav_button, row

if TYPE_CHECKING:
    from kiosk.printing.desk import PrintDesk, PrintJob
    from kiosk.session import Session
    from kiosk.sync.agent import SyncAgent
    from offline_cache.outbox import Outbox


class MenuGrid(GridLayout):  # type: ignore[misc]
    """A row of the staff menu: its buttons side by side where each one's words fit on one
    line, else in as many columns as do (800×1280 at 特大: 字号标准 … two rows of buttons
    rather than 字号标 over 准). A grid: the page turns by its rows."""

    def __init__(self, buttons: list[BigButton], touch: float) -> None:
        super().__init__(cols=len(buttons), spacing=20, size_hint_y=None)
        self.bind(minimum_height=self.setter("height"))
        for button in buttons:
            button.size_hint_y = None
            button.set_min_height(touch)  # taller, never cut off, if its words still wrap
            button.bind(font_size=self._fit_cols)
            self.add_widget(button)
        self.bind(width=self._fit_cols)

    def _fit_cols(self, *_: Any) -> None:
        if self.width <= 1:
            return
        gap = self.spacing[0]
        need = max(ems(b.text) * float(b.font_size) + 24 + 8 for b in self.children)
        fit = int((self.width + gap) // (need + gap))
        self.cols = max(1, min(len(self.children), fit))


class StaffScreen(PageScreen):
    def __init__(
        self,
        *,
        session: Session,
        outbox: Outbox | None,
        sync_agent: SyncAgent | None,
        kiosk_mode: bool,
        audit: Callable[[str, str, dict[str, Any]], None] | None = None,
        printer: Callable[[], PrintDesk | None] = lambda: None,
        say: Callable[[str], None] = lambda _text: None,
        print_form: Callable[[Callable[[str], None]], bool] | None = None,
        has_form: Callable[[], bool] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.audit = audit
        self.printer = printer
        self.say = say
        self.printer_label = BodyLabel(text="")
        self.reprint_message = ""
        self.session = session
        self.outbox = outbox
        self.sync_agent = sync_agent
        self.kiosk_mode = kiosk_mode
        # 补打申请表: the A4 form of this session's legal-aid submission (None: no A4 printer).
        self.print_form = print_form
        self.has_form = has_form
        self.title = "工作人员"
        self.sync_message = ""

    def prepare(self, data: dict[str, Any]) -> None:
        self.sync_message = ""
        self.reprint_message = ""
        self.refresh()
        when_printer_answers(self.printer(), self._printer_answered)

    def _printer_answered(self, line: str) -> None:
        self.printer_label.text = line

    def refresh(self) -> None:
        page = self.page
        page.clear()
        who = self.session.staff_id or "（未登录）"
        page.add(TitleLabel(text=f"工作人员：工号 {who}"))
        buttons = [
            self._button("代为填写", self.assist, "accent"),
            self._button("立即同步", self.sync_now),
        ]
        if self.print_form is not None and self.has_form is not None and self.has_form():
            buttons.append(self._button("补打申请表", self.reprint_form))
        if self.session.is_admin:  # packs, rollback and admin data are for admins only
            buttons.append(self._button("管理信息", lambda: self.report("admin")))
        page.add(MenuGrid(buttons, self.style.touch_px))
        scale_buttons = [
            self._button(f"字号{label}", partial(self.set_scale, name))
            for name, label in FONT_SCALE_LABELS.items()
        ]
        page.add(MenuGrid(scale_buttons, self.style.touch_px))
        if self.sync_message:
            page.add(NoteLabel(text=self.sync_message))
        self._add_printer_section()
        page.add(TitleLabel(text="待发送和失败的申请"))
        if self.outbox is None:
            page.add(NoteLabel(text="发件箱没有启用。"))
        else:
            counts = self.outbox.counts()
            now = self.outbox.now()  # the terminal clock: "今天" is the province's today
            last = (
                display_text.moment_words(counts.last_success_at, now)
                if counts.last_success_at
                else "还没有成功过"
            )
            page.add(
                BodyLabel(
                    text=f"待发送 {counts.queued} 份，正在发送 {counts.sending} 份，"
                    f"失败（需处理）{counts.failed} 份，已上报 {counts.accepted} 份。"
                    f"\n最近一次上报成功：{last}"
                )
            )
            waiting = self.outbox.list(status="queued", limit=20) + self.outbox.list(
                status="rejected", limit=20
            )
            for entry in waiting:
                state = outbox_resident_text(entry.status)
                error = f"（{entry.last_error}）" if entry.last_error else ""
                by = f"，代为填写：工号 {entry.staff_id}" if entry.staff_id else ""
                page.add(
                    NoteLabel(
                        text=f"{entry.receipt_code}  {kind_label(entry.kind)}"
                        f"  {state}{error}，{display_text.moment_words(entry.created_at, now)}{by}"
                    )
                )
        right = [nav_button("退出登录", self.sign_out, "danger")]
        if self.kiosk_mode:
            right.insert(0, nav_button("退出程序", lambda: self.report("exit_app"), "danger"))
        page.set_nav(left=[nav_button("回首页", lambda: self.report("home"))], right=right)

    def _add_printer_section(self) -> None:
        """The slip printer's state, and 重印上一张: the last slip of this resident's session
        (a jam, paper run out) — gone when the session is wiped, so never someone else's."""
        desk = self.printer()
        if self.printer_label.parent is not None:
            self.printer_label.parent.remove_widget(self.printer_label)
        if desk is None or not desk.configured:
            self.page.add(self.printer_label)
            return
        if desk.last_slip is not None:
            line = row(self._button("重印上一张", self.reprint), self.printer_label)
            line.page_row = True  # one row of the staff menu: a list
            self.page.add(line)
        else:
            self.page.add(self.printer_label)
        if self.reprint_message:
            self.page.add(NoteLabel(text=self.reprint_message))

    def reprint(self) -> None:
        desk = self.printer()
        if desk is None:
            return

        def done(job: PrintJob) -> None:
            self.reprint_message = job.message
            self.refresh()
            self.say(job.message)

        if desk.reprint(lambda job: Clock.schedule_once(lambda _dt: done(job), 0)):
            self._record("reprint_slip")
            self.reprint_message = "正在打印…"
            self.refresh()

    def _button(self, text: str, action: Callable[[], None], role: str = "normal") -> BigButton:
        button = BigButton(text=text, role=role)
        button.bind(on_release=lambda _w: action())
        return button

    def assist(self) -> None:
        """Back to home with the staff id kept: what is submitted now is 代为填写."""
        self._record("assist_start")
        self.report("assist")

    def sync_now(self) -> None:
        if self.sync_agent is None:
            self.sync_message = "同步没有启用（没有配置省级平台）。"
        else:
            self.sync_agent.request_sync()
            self.sync_message = "已开始同步，稍后点“立即同步”刷新数字。"
            self._record("sync_now")
        self.refresh()

    def reprint_form(self) -> None:
        """Print the A4 application form of the current session again (jam, lost page)."""
        if self.print_form is None:
            return
        if self.print_form(self._form_printed):
            self._record("reprint_form")

    def _form_printed(self, text: str) -> None:
        self.sync_message = text
        self.refresh()

    def set_scale(self, name: str) -> None:
        self.style.apply(scale_name=name)

    def sign_out(self) -> None:
        self._record("staff_sign_out")
        self.session.staff_sign_out()
        self.report("signed_out")

    def _record(self, action: str) -> None:
        if self.audit is not None:
            self.audit(self.session.staff_id or "", action, {})

    def spoken_text(self) -> str:
        return "工作人员页面。可以代为填写、查看待发送的申请、立即同步、调整字号。"

    def tour_steps(self) -> Iterator[TourStep]:
        yield "main", lambda: self.prepare({})
