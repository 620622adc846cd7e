"""Admin: terminal id, pack version, voice model status, last sync, and a usage chart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from screens.base import PageScreen, TourStep
from screens.status import when_text
from screens.widgets import BodyLabel, NoteLabel, TitleLabel, nav_button

SERVICE_LABELS = {
    "legal_aid": "法律援助",
    "notary": "公证清单",
    "visit": "上门预约",
    "status": "查询进度",
    "knowledge": "法律常识",
    "hotline": "12348",
}


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
    def __init__(self, *, info: Callable[[], dict[str, Any]], session: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.info = info
        self.title = "管理信息"
        self.facts: dict[str, Any] = {}

    def prepare(self, data: dict[str, Any]) -> None:
        self.refresh()

    def refresh(self) -> None:
        f = self.facts = self.info()
        page = self.page
        page.clear()
        page.add(TitleLabel(text=self.title))
        counts = f.get("counts")
        last_sync = "还没有成功过"
        if counts is not None and counts.last_success_at:
            last_sync = when_text(counts.last_success_at)
        lines = [
            f"终端编号：{f['terminal_id']}",
            f"服务站：{f['station_name']}",
            f"内容包版本：{f['pack_version']} {f.get('pack_id', '')}",
            f"语音识别：{f['voice']}",
            f"最近一次同步成功：{last_sync}",
        ]
        if counts is not None:
            lines.append(f"待发送 {counts.queued}，失败 {counts.failed}，已上报 {counts.accepted}")
        for line in lines:
            page.add(BodyLabel(text=line))
        if f.get("pack_error"):
            page.add(NoteLabel(text=f"内容包问题：{f['pack_error']}"))
        page.add(TitleLabel(text="近 30 天使用情况（按服务）"))
        usage: dict[str, int] = f.get("stats") or {}
        if not usage:
            page.add(BodyLabel(text="还没有使用记录。"))
        top = max(usage.values(), default=0) or 1
        for service, n in sorted(usage.items(), key=lambda kv: -kv[1]):
            line = BoxLayout(size_hint_y=None, height=64, spacing=20)
            label = BodyLabel(
                text=f"{SERVICE_LABELS.get(service, service)}：{n} 次",
                size_hint_x=0.4,
            )
            line.add_widget(label)
            line.add_widget(Bar(n / top, self.style.tile, size_hint_x=0.6))
            page.add(line)
        page.set_nav(left=[nav_button("上一步", lambda: self.report("back"))])

    def go_back(self) -> None:
        self.report("back")

    def spoken_text(self) -> str:
        if not self.facts:
            return self.title
        return f"管理信息。终端编号 {self.facts['terminal_id']}，内容包版本 {self.facts['pack_version']}。"

    def tour_steps(self) -> Iterator[TourStep]:
        yield "main", lambda: self.prepare({})
