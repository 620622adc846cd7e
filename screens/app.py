"""The Kivy App: one ScreenManager, collaborators passed in, no service locator."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.config import KioskConfig
from offline_cache.store import Store
from screens.base import KioskScreen
from screens.flow import Flow
from screens.style import Style
from screens.widgets import Tile

SCREENS_DIR = Path(__file__).resolve().parent

# name -> "module:Class". A screen's kv file has the module's stem. Order = tour order.
SCREEN_CLASSES: dict[str, str] = {
    "home": "screens.home:HomeScreen",
}


def load_kv(stem: str) -> None:
    path = SCREENS_DIR / f"{stem}.kv"
    if path.is_file() and str(path) not in Builder.files:
        Builder.load_file(str(path))


class KioskApp(App):  # type: ignore[misc]
    title = "乡村法律服务终端"

    def __init__(
        self, *, config: KioskConfig, store: Store, kiosk_mode: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.kiosk_config = config
        self.kiosk_mode = kiosk_mode
        self.store = store
        self.style = Style(config.theme, config.font_scale)
        self.manager: ScreenManager | None = None
        self.flow: Flow | None = None

    # -- building ---------------------------------------------------------------------------
    def build(self) -> ScreenManager:
        Window.clearcolor = self.style.background
        if self.kiosk_mode:
            # Residents must not be able to close or leave the app.
            Window.bind(on_request_close=lambda *_a, **_k: True)
        load_kv("widgets")
        self.manager = ScreenManager(transition=NoTransition())
        self.flow = Flow(self.manager, self.on_unhandled_outcome)
        for name, target in SCREEN_CLASSES.items():
            screen = self.make_screen(name, target)
            self.flow.attach(screen)
            self.manager.add_widget(screen)
        self.manager.current = "home"
        return self.manager

    def make_screen(self, name: str, target: str) -> KioskScreen:
        module_name, class_name = target.split(":")
        load_kv(module_name.rsplit(".", 1)[1])
        cls = getattr(importlib.import_module(module_name), class_name)
        screen: KioskScreen = cls(name=name, style=self.style)
        if name == "home":
            self._fill_home(screen)
        return screen

    def _fill_home(self, screen: Any) -> None:
        from screens.home import TILES

        screen.station_name = self.kiosk_config.station_name
        icons = SCREENS_DIR / "icons"
        for outcome, label, icon in TILES:
            icon_path = icons / f"{icon}.png"
            tile = Tile(text=label, icon=str(icon_path) if icon_path.is_file() else "")
            tile.bind(on_release=lambda _w, o=outcome: screen.report(o))
            screen.ids.tiles.add_widget(tile)

    # -- outcomes the flow doesn't route -----------------------------------------------------
    def on_unhandled_outcome(self, screen: str, outcome: str, data: dict[str, Any]) -> None:
        """Read-aloud, speak and similar app-wide actions land here."""

    def screen_names(self) -> list[str]:
        return list(SCREEN_CLASSES)
