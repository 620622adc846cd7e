"""Home: the six services and 问一问 as big tiles with icons, the station's name, 说话 and 朗读."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kivy.properties import StringProperty

from offline_cache.vocabulary import Service
from screens.base import KioskScreen
from screens.widgets import Tile

if TYPE_CHECKING:
    from kiosk.content import ContentPack
    from kiosk.session import Session

# Used when no content pack could be loaded: (outcome, label). The pack's services.json wins.
FALLBACK_TILES = tuple((s.value, s.label) for s in Service)


class HomeScreen(KioskScreen):
    station_name = StringProperty("")

    def __init__(
        self,
        *,
        station_name: str,
        pack: ContentPack | None,
        icons_dir: Path,
        session: Session,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.station_name = station_name
        self.pack = pack
        self.session = session
        self.title = "您好！请点一下您要办的事"
        self.voice_screen_id = "home"
        self.top_bar = self.ids.top_bar
        self.tiles: dict[str, Tile] = {}
        for service_id, label in self.services():
            icon = self._icon(icons_dir, service_id)
            tile = Tile(text=label, icon=icon)
            tile.bind(on_release=lambda _w, o=service_id: self.report(o))
            self.ids.tiles.add_widget(tile)
            self.tiles[service_id] = tile
        # 问一问 is not a service of the pack: a tile after them, asking about any of them.
        self.ask_tile = Tile(text="问一问", icon=str(icons_dir / "ask.png"))
        self.ask_tile.bind(on_release=lambda _w: self.report("ask"))
        self.ids.tiles.add_widget(self.ask_tile)

    def services(self) -> list[tuple[str, str]]:
        if self.pack is None:
            return list(FALLBACK_TILES)
        return [(o.id, o.label) for o in self.pack.services()]

    def _icon(self, icons_dir: Path, service_id: str) -> str:
        # Our own pictograms first: white shapes the tile tints to the theme's text colour, so
        # they follow 高对比 too. A pack's icon is used for a service we have no pictogram for.
        path = icons_dir / f"{service_id}.png"
        if path.is_file():
            return str(path)
        if self.pack is not None:
            rel = self.pack.service(service_id).get("icon")
            if rel and (self.pack.assets_dir / rel).is_file():
                return str(self.pack.assets_dir / rel)
        return ""

    def voice_choices(self) -> list[Any]:
        return list(self.pack.services()) if self.pack is not None else []

    def choose_by_voice(self, option_id: str) -> None:
        self.report(option_id)

    def spoken_text(self) -> str:
        names = "，".join(label for _, label in self.services())
        voice = "也可以点“说话”，直接说出来。" if self.ids.top_bar.voice_ready else ""
        ask = "有法律问题，也可以点“问一问”，直接问。"
        return f"{self.station_name}。{self.title}：{names}。{ask}{voice}"
