"""12348: the hotline number big, what it is for, local help, and a QR code to call it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kivy.uix.anchorlayout import AnchorLayout

from screens.base import PageScreen
from screens.qr import qr_widget
from screens.widgets import BodyLabel, DisplayLabel, NoteLabel, TitleLabel, nav_button

if TYPE_CHECKING:
    from kiosk.content import ContentPack
    from kiosk.session import Session


class HotlineScreen(PageScreen):
    def __init__(self, *, pack: ContentPack | None, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pack = pack
        self.info: dict[str, Any] = pack.data("hotline") if pack is not None else {}
        hotline = self.info.get("hotline", {"label": "12348 公共法律服务热线", "number": "12348"})
        self.title = hotline["label"]
        page = self.page
        page.add(TitleLabel(text=self.title))
        page.add(DisplayLabel(text=f"拨打 {hotline['number']}"))
        if "hours" in hotline:
            page.add(BodyLabel(text=f"{hotline['hours']}；{hotline.get('cost', '')}"))
        if hotline.get("what_for"):
            page.add(BodyLabel(text="可以问：" + "、".join(hotline["what_for"])))
        holder = AnchorLayout(size_hint_y=None, height=380)
        self.qr = qr_widget(f"tel:{hotline['number']}", 360)
        holder.add_widget(self.qr)
        page.add(holder)
        page.add(BodyLabel(text="用手机扫一扫上面的二维码，就能直接拨打。", halign="center"))
        for item in hotline.get("online", []):
            page.add(BodyLabel(text=f"●\u00a0{item['label']}：{item['detail']}"))
        helpers = self.info.get("local_help", [])
        if helpers:
            page.add(TitleLabel(text="在村里，还可以找"))
            for h in helpers:
                page.add(NoteLabel(text=f"{h['label']}：{h['detail']}"))
        page.set_nav(left=[nav_button("回首页", lambda: self.report("home"))])

    def spoken_text(self) -> str:
        hotline = self.info.get("hotline", {})
        spoken_number = hotline.get("spoken_number", "一 二 三 四 八")
        helpers = "、".join(h["label"] for h in self.info.get("local_help", []))
        text = f"{self.title}。有法律问题，拨打 {spoken_number}，有人免费为您解答。"
        if hotline.get("hours"):
            text += f"{hotline['hours']}。"
        if helpers:
            text += f"在村里，还可以找：{helpers}。"
        return text
