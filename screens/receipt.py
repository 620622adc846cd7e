"""Receipt: the code large and read digit by digit, a QR code, and 打印 for a slip to take home.

Also shows the notary checklist to take home (no code: nothing was submitted) with its QR code
holding the list as text. The slip comes from ``kiosk.printing.layouts``: the screen that
reported passes ``slip`` (station → Slip) for its own layout (notary list, visit booking),
otherwise the plain receipt is printed. A terminal without a slip printer saves the receipt as a
PNG for staff to print, as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kivy.uix.anchorlayout import AnchorLayout

from kiosk import display_text, receipts
from kiosk.printing.layouts import query_hint
from screens.base import PageScreen, TourStep
from screens.printing import KEEP_THE_CODE, KEEP_THE_LIST, print_button
from screens.qr import qr_widget
from screens.receipt_image import render_receipt
from screens.widgets import BodyLabel, DisplayLabel, NoteLabel, TitleLabel, nav_button

if TYPE_CHECKING:
    from kiosk.printing.desk import PrintDesk
    from kiosk.printing.slip import Slip
    from kiosk.session import Session
    from offline_cache.outbox import Receipt


class ReceiptScreen(PageScreen):
    def __init__(
        self,
        *,
        receipts_dir: Path,
        station_name: str,
        session: Session,
        now: Callable[[], float] = time.time,
        printer: Callable[[], PrintDesk | None] = lambda: None,
        say: Callable[[str], None] = lambda _text: None,
        hotline_hours: Callable[[], str] = lambda: "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.receipts_dir = receipts_dir
        self.now = now  # the terminal clock: a take-home list is dated by the province's time
        self.station_name = station_name
        self.printer = printer
        self.say = say
        self.hotline_hours = hotline_hours
        self.make_slip: Callable[[str], Slip] | None = None
        self.print_button: Any = None
        self.code = ""
        self.lines: list[str] = []
        self.qr_text = ""
        self.saved_path: Path | None = None
        self.title = "回执"
        # The A4 form: 正在打印申请表…, then the result, right under the code (no scrolling).
        self.print_text = ""
        self.print_status: BodyLabel | None = None

    def prepare(self, data: dict[str, Any]) -> None:
        """``data``: title, lines, and either ``receipt`` (code) or ``qr_text`` (take-home)."""
        receipt: Receipt | None = data.get("receipt")
        self.code = receipt.code if receipt is not None else ""
        self.title = str(data.get("title", "回执"))
        self.lines = [str(x) for x in data.get("lines", [])]
        self.print_text = ""
        self.qr_text = query_hint(self.code) if self.code else str(data.get("qr_text", ""))
        self.make_slip = data.get("slip") or (self._receipt_slip if receipt is not None else None)
        self.when = receipt.created_at if receipt is not None else self.now()
        self.saved_path = None
        desk = self.printer()
        if desk is not None and desk.configured:
            self._build()  # a slip printer: 打印, and no PNG left in a spool
            return
        try:
            stem = f"receipt-{self.code}" if self.code else f"list-{int(self.now())}"
            self.saved_path = render_receipt(
                self.receipts_dir / f"{stem}.png",
                station=self.station_name,
                title=self.title,
                code_display=display_text.receipt_code(self.code) if self.code else None,
                lines=[*self.lines, *([] if self.code else ["扫码把清单存到手机"])],
                qr_text=self.qr_text,
                when=receipt.created_at if receipt is not None else self.now(),
            )
        except OSError:
            self.saved_path = None
        self._build()

    def show_print_status(self, text: str) -> None:
        """How printing the A4 application form went, under the receipt (which stays)."""
        self.print_text = text
        if self.print_status is None:
            self._build()
        else:
            self.print_status.text = text

    def _build(self) -> None:
        page = self.page
        page.clear()
        self.print_status = None
        page.add(TitleLabel(text=self.title))
        if self.code:
            page.add(BodyLabel(text="您的回执号（请收好，以后凭它查询进度）：", halign="center"))
            page.add(DisplayLabel(text=display_text.receipt_code(self.code)))
        for line in self.lines:
            page.add(BodyLabel(text=line))
        if self.print_text:
            self.print_status = BodyLabel(text=self.print_text)
            page.add(self.print_status)
        if self.qr_text:
            holder = AnchorLayout(size_hint_y=None, height=400)
            self.qr = qr_widget(self.qr_text, 380)
            holder.add_widget(self.qr)
            page.add(holder)
            page.add(
                BodyLabel(
                    text="用手机扫一扫，就能把回执号和查询办法存到手机上。"
                    if self.code
                    else "用手机扫一扫，就能把这张清单存到手机上。",
                    halign="center",
                )
            )
        desk = self.printer()
        make = self.make_slip
        self.print_button = None
        if make is not None and desk is not None and desk.configured:
            self.print_button = print_button(
                desk,
                lambda: make(desk.station),
                page=page,
                say=self.say,
                fallback=KEEP_THE_CODE if self.code else KEEP_THE_LIST,
            )
        elif self.saved_path is not None:
            page.add(NoteLabel(text="回执已经保存好，请工作人员帮您打印。"))
        else:
            page.add(NoteLabel(text="回执没能保存打印，请把上面的号码记下来。"))
        left = [nav_button("再读一遍", lambda: self.report("read_aloud"))]
        if self.print_button is not None:
            left.append(self.print_button)
        page.set_nav(
            left=left,
            right=[nav_button("办完了，回首页", lambda: self.report("end_session"), "accent")],
        )

    def _receipt_slip(self, station: str) -> Slip:
        from kiosk.printing.layouts import receipt_slip

        return receipt_slip(
            code=self.code,
            title=self.title,
            lines=self.lines,
            station=station,
            when=datetime.fromtimestamp(self.when),
            hours=self.hotline_hours(),
        )

    def spoken_text(self) -> str:
        text = f"{self.title}。"
        if self.code:
            text += f"您的回执号是：{display_text.digits_spoken(self.code)}。请收好回执，以后凭它查询进度。"
        return text + "".join(f"{line}。" for line in self.lines)

    def go_back(self) -> None:
        self.report("end_session")

    def wipe(self) -> None:
        self.code = ""
        self.lines = []
        self.qr_text = ""
        self.make_slip = None
        self.print_status = None
        self.print_text = ""
        self.page.clear()

    def tour_steps(self) -> Iterator[TourStep]:
        class _Demo:
            code = receipts.with_check("23456789234")
            created_at = time.time()

        yield (
            "code",
            lambda: self.prepare(
                {"title": "法律援助申请已提交", "receipt": _Demo(), "lines": ["示例回执。"]}
            ),
        )
        # The notary checklist taken home: no receipt code, the list as a QR code.
        yield (
            "take_home",
            lambda: self.prepare(
                {
                    "title": "继承公证材料清单",
                    "lines": ["还缺：去世的人的死亡证明、亲属关系证明", "办理地点：示例公证处。"],
                    "qr_text": "继承公证材料清单\n还缺：去世的人的死亡证明、亲属关系证明",
                }
            ),
        )
