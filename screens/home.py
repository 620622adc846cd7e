"""Home: the six services as big tiles, plus 说话 and 朗读, and the station's name."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from screens.base import KioskScreen

# (outcome reported, label, icon file stem). The order is the order on screen.
TILES = (
    ("legal_aid", "申请法律援助", "legal_aid"),
    ("notary", "公证材料清单", "notary"),
    ("visit", "预约上门服务", "visit"),
    ("status", "查询办理进度", "status"),
    ("knowledge", "法律常识", "knowledge"),
    ("hotline", "12348 热线", "hotline"),
)


class HomeScreen(KioskScreen):
    station_name = StringProperty("")
    voice_available = BooleanProperty(False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.title = "您好！请点一下您要办的事"

    def spoken_text(self) -> str:
        names = "，".join(label for _, label, _ in TILES)
        return f"{self.station_name}。{self.title}：{names}。也可以点“说话”，直接说出来。"
