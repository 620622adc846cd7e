"""Base class for kiosk screens: report an outcome upward, never call the next screen directly."""

from __future__ import annotations

from typing import Any

from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):  # type: ignore[misc]
    """A screen shows and collects; :meth:`report` hands the outcome to the flow."""

    __events__ = ("on_outcome",)
    style = ObjectProperty(None)
    title = StringProperty("")

    def report(self, outcome: str, **data: Any) -> None:
        self.dispatch("on_outcome", outcome, data)

    def on_outcome(self, outcome: str, data: dict[str, Any]) -> None:
        """Default handler (the flow binds its own)."""

    def spoken_text(self) -> str:
        """What 朗读 reads on this screen: title first, then whatever the screen adds."""
        return self.title

    def wipe(self) -> None:
        """Forget everything the resident entered (idle timeout, 结束并清除)."""
