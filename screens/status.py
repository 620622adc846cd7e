"""查询办理进度: the receipt code on a big keypad; the last known status, readable offline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from kiosk import receipts
from offline_cache.vocabulary import outbox_resident_text
from screens.base import PageScreen, TourStep
from screens.widgets import (
    AnswerBox,
    BodyLabel,
    Keypad,
    NoteLabel,
    TitleLabel,
    beside_keypad,
    nav_button,
)

if TYPE_CHECKING:
    from kiosk.session import Session
    from kiosk.status_lookup import StatusAnswer


def when_text(ts: float | None, now: float | None = None) -> str:
    if ts is None:
        return "时间不详"
    now = time.time() if now is None else now
    lt, today = time.localtime(ts), time.localtime(now)
    clock = f"{lt.tm_hour}点{lt.tm_min:02d}分"
    if lt.tm_year == today.tm_year and lt.tm_yday == today.tm_yday:
        return f"今天{clock}"
    return f"{lt.tm_year}年{lt.tm_mon}月{lt.tm_mday}日{clock}"


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
        page.add(TitleLabel(text=self.title))
        prompt = BodyLabel(text=f"请输入回执上的 {receipts.CODE_LEN} 位数字（只有 2 到 9）。")
        self.code_box = AnswerBox(hint="回执号")
        # Only the digits a code can have: the keypad shows what the hint says.
        self.keypad = Keypad(max_length=receipts.CODE_LEN, digits=receipts.ALPHABET)
        self.keypad.bind(value=self._typed)
        self.message = NoteLabel(text="", opacity=0)
        page.add(beside_keypad([prompt, self.code_box, self.message], self.keypad))
        page.set_nav(
            left=[nav_button("回首页", lambda: self.report("home"))],
            right=[nav_button("查询", self.query, role="accent")],
        )

    def _typed(self, _w: Any, value: str) -> None:
        self.code_box.value = receipts.display(value)
        self._say("")

    def _say(self, text: str) -> None:
        self.result_text = text
        self.message.text = text
        self.message.opacity = 1 if text else 0

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
            f"回执号 {receipts.display(code)}：{status}。"
            f"\n这是{when_text(learned, self.now())}知道的消息（没有网络时显示本机最近一次知道的进度）。"
        )

    def spoken_text(self) -> str:
        base = f"查询办理进度。请输入回执上的 {receipts.CODE_LEN} 位数字，再点“查询”。"
        if self.result_text:
            code = self.keypad.value
            spoken = receipts.spoken(code) if receipts.is_valid(code) else ""
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
