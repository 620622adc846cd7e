"""Staff sign-in: staff number, then PIN, both on the big keypad (the PIN shown as dots)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from screens.base import PageScreen, TourStep
from screens.widgets import (
    AnswerBox,
    BodyLabel,
    Keypad,
    KeypadRow,
    NoteLabel,
    Question,
    nav_button,
)

if TYPE_CHECKING:
    from kiosk.session import Session
    from kiosk.staff import StaffDirectory


class StaffSignInScreen(PageScreen):
    def __init__(
        self,
        *,
        staff: StaffDirectory | None,
        session: Session,
        audit: Callable[[str, str, dict[str, Any]], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.staff = staff
        self.audit = audit
        self.session = session
        self.title = "工作人员登录"
        self.step = "id"
        self.staff_id = ""
        page = self.page
        self.prompt = BodyLabel(text="")
        self.box = AnswerBox(hint="")
        self.message = NoteLabel(text="", opacity=0)
        self.keypad = Keypad(max_length=12)
        self.keypad.bind(value=self._typed)
        page.add(
            KeypadRow(
                [Question(text=self.title), self.prompt, self.box, self.message],
                self.keypad,
                follow=True,
            )
        )
        self._show_id_step()

    def _typed(self, _w: Any, value: str) -> None:
        self.box.value = value if self.step == "id" else "●" * len(value)

    def _show_id_step(self) -> None:
        self.step = "id"
        self.prompt.text = "请输入工号。"
        self.box.hint = "工号"
        self.keypad.value = ""
        self.page.set_nav(
            left=[nav_button("回首页", lambda: self.report("home"))],
            right=[nav_button("下一步", self._id_entered, role="accent")],
        )

    def _id_entered(self) -> None:
        if not self.keypad.value:
            self._message("请先输入工号。")
            return
        self.staff_id = self.keypad.value
        self.step = "pin"
        self.prompt.text = f"工号 {self.staff_id}，请输入密码。"
        self.box.hint = "密码"
        self.keypad.value = ""
        self._message("")
        self.page.set_nav(
            left=[nav_button("上一步", self._show_id_step)],
            right=[nav_button("登录", self.sign_in, role="accent")],
        )

    def _message(self, text: str) -> None:
        self.message.text = text
        self.message.opacity = 1 if text else 0

    def sign_in(self) -> None:
        if self.staff is None:
            self._message("本机没有工作人员名单，无法登录。")
            return
        result = self.staff.sign_in(self.staff_id, self.keypad.value)
        self.keypad.value = ""  # never keep a PIN around, right or wrong
        # Who tried (only a real staff number, see SignInResult.audit_actor), never the PIN.
        if self.audit is not None:
            locked = result.locked_until is not None
            action = (
                "staff_sign_in"
                if result.ok
                else ("staff_locked" if locked else "staff_sign_in_failed")
            )
            self.audit(result.audit_actor, action, {})
        member = result.member
        if not result.ok or member is None:
            self._message(result.message)
            return
        self.session.staff_sign_in(member.staff_id, member.role)
        self.report("signed_in", staff_id=member.staff_id, role=member.role)

    def go_back(self) -> None:
        if self.step == "pin":
            self._show_id_step()
        else:
            self.report("home")

    def spoken_text(self) -> str:
        return f"{self.title}。{self.prompt.text}{self.message.text}"

    def prepare(self, data: dict[str, Any]) -> None:
        self.wipe()

    def wipe(self) -> None:
        self.staff_id = ""
        self._message("")
        self._show_id_step()

    def tour_steps(self) -> Iterator[TourStep]:
        yield "id", self.wipe

        def pin() -> None:
            self.wipe()
            self.keypad.value = "1001"
            self._id_entered()

        yield "pin", pin
