"""Reusable big-touch widgets shared by every screen (styles in widgets.kv)."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label


class BodyLabel(Label):  # type: ignore[misc]
    """Body text: ≥ 32 px, wraps to its width, 1.4 line spacing."""


class TitleLabel(Label):  # type: ignore[misc]
    """Screen title: ≥ 48 px."""


class BigButton(Button):  # type: ignore[misc]
    """A touch target of at least 120×120 px."""


class Tile(ButtonBehavior, BoxLayout):  # type: ignore[misc]
    """A home-screen tile: icon above a label, the whole tile is the touch target."""

    text = StringProperty("")
    icon = StringProperty("")
