"""查询办理进度: the receipt code on a big keypad; the last known status, readable offline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from kiosk import display_text, receipts
from offline_cache.vocabulary import outbox_resident_text
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
    from kiosk.status_lookup import StatusAnswer


class StatusScreen(PageScreen):
    def __init__(
        self,
        *,
        lookup: Callable[[str], StatusAnswer],
        session: Session,
        now: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.lookup = lookup
        self.now = now  # the terminal's clock: "今天" is the province's today
        self.title = "查询办理进度"
        self.result_text = ""
        page = self.page
        self.prompt_text = f"请输入回执上的 {receipts.CODE_LEN} 位数字（只有 2 到 9）。"
        self.prompt = prompt = BodyLabel(text=self.prompt_text)
        self.code_box = AnswerBox(hint="回执号")
        # Only the digits a code can have: the keypad shows what the hint says.
        self.keypad = Keypad(max_length=receipts.CODE_LEN, digits=receipts.ALPHABET)
        self.keypad.bind(value=self._typed)
        self.message = NoteLabel(text="", opacity=0)
        page.add(
            KeypadRow(
                [Question(text=self.title), prompt, self.code_box, self.message],
                self.keypad,
                follow=True,
            )
        )
        page.set_nav(
            left=[nav_button("回首页", lambda: self.report("home"))],
            right=[nav_button("查询", self.query, role="accent")],
        )

    def _typed(self, _w: Any, value: str) -> None:
        self.code_box.value = display_text.receipt_code(value)
        self._say("")

    def _say(self, text: str) -> None:
        self.result_text = text
        self.message.text = text
        self.message.opacity = 1 if text else 0
        # The message takes the prompt's place (beside the keys at 1280×800 特大 both would be
        # taller than the page); typing brings the prompt back.
        self.prompt.text = "" if text else self.prompt_text

    def query(self) -> None:
        code = self.keypad.value
        answer = self.lookup(code)
        view = answer.view
        if view is None:
            self._say(answer.message)
            return
        status = view.text or outbox_resident_text(view.local_status)
        learned = view.learned_at or view.remote_status_at or view.created_at
        # No case number here: whoever holds the screen learns only how far it got.
        self._say(
            f"回执号 {display_text.receipt_code(code)}：{status}。"
            f"\n这是{display_text.moment_words(learned, self.now())}知道的消息（没有网络时显示本机最近一次知道的进度）。"
        )

    def spoken_text(self) -> str:
        base = f"查询办理进度。请输入回执上的 {receipts.CODE_LEN} 位数字，再点“查询”。"
        if self.result_text:
            code = self.keypad.value
            spoken = display_text.digits_spoken(code) if receipts.is_valid(code) else ""
            return f"{spoken}。{self.result_text}" if spoken else self.result_text
        return base

    def prepare(self, data: dict[str, Any]) -> None:
        self.wipe()

    def wipe(self) -> None:
        self.keypad.value = ""
        self._say("")

    def tour_steps(self) -> Iterator[TourStep]:
        yield "empty", self.wipe

        def wrong_code() -> None:
            self.keypad.value = "2345678"
            self.query()

        yield "wrong-code", wrong_code
