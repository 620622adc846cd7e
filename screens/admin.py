"""Admin: terminal id, pack version, voice model status, last sync, a usage chart, and the
content packs on a USB stick (install with confirmation, roll back)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk import display_text
from offline_cache.os_errors import plain_reason
from offline_cache.vocabulary import Service
from screens.base import PageScreen, TourStep
from screens.printing import when_printer_answers
from screens.widgets import BigButton, BodyLabel, NoteLabel, TitleLabel, nav_button, row

if TYPE_CHECKING:
    from kiosk.admin_info import AdminInfo
    from kiosk.devices.idcard import CardReader
    from kiosk.packs.staff_actions import PackAdmin
    from kiosk.printing.a4 import QueueHealth
    from kiosk.printing.desk import PrintDesk
    from kiosk.session import Session


READER_CHECKING = "正在查看……"


class Bar(Widget):  # type: ignore[misc]
    """One horizontal bar; its value is also written as text beside it (never colour alone)."""

    def __init__(self, fraction: float, colour: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fraction = fraction
        with self.canvas:
            self._colour = Color(rgba=colour)
            self._rect = Rectangle()
        self.bind(pos=self._draw, size=self._draw)

    def _draw(self, *_: Any) -> None:
        self._rect.pos = (self.x, self.y + 8)
        self._rect.size = (max(4.0, self.width * self.fraction), self.height - 16)


class AdminScreen(PageScreen):
    def __init__(
        self,
        *,
        info: Callable[[], AdminInfo],
        session: Session,
        pack_admin: PackAdmin | None = None,
        confirm: Callable[..., None] | None = None,
        printer: Callable[[], PrintDesk | None] = lambda: None,
        card_reader: Callable[[], CardReader | None] = lambda: None,
        a4_health: Callable[[], QueueHealth] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.info = info
        self.printer = printer
        self.printer_label = BodyLabel(text="")  # updated in place when the printer answers
        self.a4_health = a4_health
        self.a4_label = BodyLabel(text="")  # likewise when CUPS answers about the A4 queue
        self.card_reader = card_reader
        self.reader_text = READER_CHECKING
        self.checking_reader = False
        self.session = session
        self.pack_admin = pack_admin  # kiosk.packs.staff_actions.PackAdmin, or None
        self.confirm = confirm  # opens the one kind of pop-up: a confirmation
        self.title = "管理信息"
        self.facts: AdminInfo | None = None
        self.candidates: list[Any] = []
        self.pack_message = ""
        self.installing = False
        self.scanning = False

    def prepare(self, data: dict[str, Any]) -> None:
        if not self.installing:
            self.pack_message = ""
        self.check_reader()
        self.find_packs()
        # Asking the printer can take its whole status timeout: off the Kivy thread.
        when_printer_answers(self.printer(), self._printer_answered)
        self.check_a4()

    def check_a4(self) -> None:
        """Ask CUPS about the A4 queue off the Kivy thread (lpstat waits for a dead server)."""
        ask = self.a4_health
        if ask is None:
            self.a4_label.text = ""
            return
        self.a4_label.text = "A4 打印机：正在询问…"

        def work() -> None:
            line = ask().line()
            Clock.schedule_once(lambda _dt: setattr(self.a4_label, "text", line), 0)

        threading.Thread(target=work, name="admin-a4", daemon=True).start()

    def _printer_answered(self, line: str) -> None:
        self.printer_label.text = line

    def check_reader(self) -> None:
        """Ask the card reader how it is, off the Kivy thread: a serial reader that doesn't
        answer keeps the asker waiting about a second, and the screen must not freeze."""
        if self.checking_reader:
            return
        self.checking_reader = True
        self.reader_text = READER_CHECKING
        reader = self.card_reader()

        def work() -> None:
            from kiosk.admin_info import card_reader_text

            text = card_reader_text(reader)
            Clock.schedule_once(lambda _dt: self._reader_checked(text), 0)

        threading.Thread(target=work, name="admin-card-reader", daemon=True).start()

    def _reader_checked(self, text: str) -> None:
        self.checking_reader = False
        self.reader_text = text
        if self.manager is not None and self.manager.current == self.name:
            self.refresh()

    def find_packs(self) -> None:
        """Look at the USB folder again, off the Kivy thread (a slow or huge stick must not
        freeze the screen), and redraw when the list is in."""
        self.candidates = []
        if self.pack_admin is not None and not self.scanning:
            self.scanning = True

            def done(found: Any) -> None:  # on the scan thread: hop onto Kivy's
                Clock.schedule_once(lambda _dt: self._found(found), 0)

            self.pack_admin.media_packs_in_background(done)
        self.refresh()

    def _found(self, found: Any) -> None:
        self.scanning = False
        if isinstance(found, OSError):  # a stick pulled out mid-read
            self.pack_message = f"读不了U盘：{plain_reason(found)}"
        else:
            self.candidates = list(found)
        self.refresh()

    def refresh(self) -> None:
        f = self.facts = self.info()
        page = self.page
        page.clear()
        page.add(TitleLabel(text=self.title))
        counts = f.counts
        last_sync = "还没有成功过"
        if counts is not None and counts.last_success_at:
            last_sync = display_text.moment_words(counts.last_success_at, f.now)
        lines = [
            f"终端编号：{f.terminal_id}",
            f"服务站：{f.station_name}",
            f"内容包版本：{f.pack_version} {f.pack_id}",
            f"语音识别：{f.voice}",
            f"身份证读卡器：{self.reader_text}",
            f"手写输入：{f.handwriting}",
            f"最近一次同步成功：{last_sync}",
        ]
        if f.clock:
            lines.append(f"本机时钟：{f.clock}")
        if counts is not None:
            lines.append(f"待发送 {counts.queued}，失败 {counts.failed}，已上报 {counts.accepted}")
        for line in lines:
            page.add(BodyLabel(text=line))
        for label in (self.printer_label, self.a4_label):
            if label.parent is not None:
                label.parent.remove_widget(label)
            page.add(label)
        if f.pack_error:
            page.add(NoteLabel(text=f"内容包问题：{f.pack_error}"))
        page.add(TitleLabel(text="近 30 天使用情况（按服务）"))
        usage = f.usage
        if not usage:
            page.add(BodyLabel(text="还没有使用记录。"))
        top = max(usage.values(), default=0) or 1
        for service, n in sorted(usage.items(), key=lambda kv: -kv[1]):
            line = BoxLayout(size_hint_y=None, height=64, spacing=20)
            label = BodyLabel(
                text=f"{_short_label(service)}：{n} 次",
                size_hint_x=0.4,
            )
            # The line as tall as its label: two lines when a narrow screen wraps it at 特大.
            label.bind(height=lambda _w, h, ln=line: setattr(ln, "height", max(64, h)))
            line.add_widget(label)
            line.add_widget(Bar(n / top, self.style.tile, size_hint_x=0.6))
            page.add(line)
        self._add_pack_section()
        page.set_nav(left=[nav_button("上一步", lambda: self.report("back"))])

    # -- content packs on a USB stick ---------------------------------------------------------
    def _add_pack_section(self) -> None:
        page = self.page
        page.add(TitleLabel(text="U盘里的内容包"))
        admin = self.pack_admin
        if admin is None:
            page.add(NoteLabel(text="内容包管理没有启用。"))
            return
        for line in admin.overview():
            page.add(BodyLabel(text=line))
        if self.pack_message:
            page.add(NoteLabel(text=self.pack_message))
        if self.installing:
            return  # no buttons while a pack is being checked and installed
        if admin.media_dir is None:
            page.add(
                NoteLabel(
                    text="本机没有设置U盘目录（配置里的 paths.removable_media_dir），请联系管理员。"
                )
            )
        elif self.scanning:
            page.add(NoteLabel(text="正在查看U盘，请稍候……"))
        elif not self.candidates:
            page.add(NoteLabel(text="U盘里没有找到内容包（.zip 文件）。插好U盘后点“重新查找”。"))
        for candidate in self.candidates:
            page.add(BodyLabel(text=self._describe(candidate)))
            if candidate.installable:
                button = self._button(
                    f"安装 {candidate.manifest.version}",
                    partial(self.ask_install, candidate),
                    "accent",
                )
                line = row(button, Widget())
                line.page_row = True  # one pack of the list
                page.add(line)
        buttons = [] if admin.media_dir is None else [self._button("重新查找", self.find_packs)]
        if self._rollback_target() is not None:
            buttons.append(self._button("回退到上一个版本", self.ask_rollback, "danger"))
        if buttons:
            line = row(*buttons, *([Widget()] if len(buttons) == 1 else []))
            line.page_row = True  # one pack of the list
            page.add(line)

    def _button(self, text: str, action: Callable[[], None], role: str = "normal") -> BigButton:
        button = BigButton(text=text, role=role)
        button.bind(on_release=lambda _w: action())
        return button

    def _describe(self, candidate: Any) -> str:
        m = candidate.manifest
        if m is None:
            return f"文件 {candidate.path.name}：不能用，{candidate.problem}"
        what = f"{m.pack_id} 版本 {m.version}（{m.region}，{m.valid_from} 起生效）"
        if candidate.problem is not None:
            return f"{what}：不能安装，{candidate.problem}。"
        newer = "比正在用的新" if candidate.is_newer else "不比正在用的新"
        return f"{what}：{newer}，已由受信任的密钥签名，可以安装。"

    def _rollback_target(self) -> str | None:
        """What 回退 would go back to, or None when the bundled pack is already in use."""
        rows = self.pack_admin.store.list() if self.pack_admin is not None else []
        if not any(r.status == "active" and r.name != "bundled" for r in rows):
            return None
        for r in rows:
            if r.status in ("previous", "bundled"):
                label = "内置内容包" if r.name == "bundled" else "版本"
                return f"{label} {r.version}"
        return "内置内容包"

    def _staff_id(self) -> str:
        return self.session.staff_id or ""

    def _ask(self, question: str, detail: str, yes: str, no: str, then: Callable[[], None]) -> None:
        if self.confirm is None:
            return  # no way to confirm: nothing is changed without it
        self.confirm(
            question=question,
            detail=detail,
            yes_text=yes,
            no_text=no,
            on_answer=lambda answer: then() if answer else None,
        )

    def ask_install(self, candidate: Any) -> None:
        m = candidate.manifest
        self._ask(
            f"要安装内容包 {m.version} 吗？",
            "安装前会先检查签名和每一个文件，检查不通过就不会安装，现在的内容照常使用。"
            "新内容会在这位居民办完后生效。",
            "安装",
            "不安装",
            lambda: self.install(candidate),
        )

    def install(self, candidate: Any) -> None:
        if self.pack_admin is None or self.installing:
            return
        self.installing = True
        self.pack_message = f"正在检查并安装 {candidate.path.name}，请稍候……"
        self.refresh()

        def done(outcome: Any) -> None:  # on the install thread: hop onto Kivy's
            Clock.schedule_once(lambda _dt: self._installed(outcome), 0)

        self.pack_admin.install_in_background(candidate.path, self._staff_id(), done)

    def _installed(self, outcome: Any) -> None:
        self.installing = False
        if outcome.ok:
            self.pack_message = f"{outcome.message}\n新内容会在这位居民办完后生效。"
        else:
            details = "".join(f"\n· {p}" for p in outcome.problems[:3])
            self.pack_message = f"{outcome.message}{details}\n现在的内容照常使用。"
        self.find_packs()

    def ask_rollback(self) -> None:
        target = self._rollback_target()
        if target is None:
            return
        self._ask(
            "要回退到上一个版本吗？",
            f"会换回{target}。换回的内容会在这位居民办完后生效。",
            "回退",
            "不回退",
            self.rollback,
        )

    def rollback(self) -> None:
        if self.pack_admin is None or self.installing:
            return
        outcome = self.pack_admin.rollback(self._staff_id())
        self.pack_message = (
            f"{outcome.message}\n换回的内容会在这位居民办完后生效。"
            if outcome.ok
            else outcome.message
        )
        self.find_packs()

    def wipe(self) -> None:
        if not self.installing:
            self.pack_message = ""

    def go_back(self) -> None:
        self.report("back")

    def spoken_text(self) -> str:
        if self.facts is None:
            return str(self.title)
        text = (
            f"管理信息。终端编号 {self.facts.terminal_id}，内容包版本 {self.facts.pack_version}。"
        )
        return text + str(self.pack_message).replace("\n", "")

    def tour_steps(self) -> Iterator[TourStep]:
        yield "main", lambda: self.prepare({})

        def packs() -> None:
            self.prepare({})
            self.page.scroll.scroll_y = 0  # the USB section at the bottom of the page

        yield "packs", packs


def _short_label(service: str) -> str:
    try:
        return Service(service).short_label
    except ValueError:
        return service
