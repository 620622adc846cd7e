"""Live style (theme + font scale) that kv rules bind to, so a change re-styles every screen."""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import ColorProperty, NumericProperty, StringProperty

from screens.theme import (
    BODY_PX,
    FONT_SCALE_FACTORS,
    FONT_SCALE_LABELS,
    GAP_PX,
    THEMES,
    TITLE_PX,
    TOUCH_PX,
)


class Style(EventDispatcher):  # type: ignore[misc]
    theme_name = StringProperty("default")
    scale_name = StringProperty("standard")
    body_px = NumericProperty(BODY_PX)
    title_px = NumericProperty(TITLE_PX)
    small_px = NumericProperty(32)  # the body floor of the scale: the 依据 line, shrunk numbers
    title_least_px = NumericProperty(48)  # the title floor: a title with a long number
    touch_px = NumericProperty(TOUCH_PX)
    gap_px = NumericProperty(GAP_PX)
    background = ColorProperty()
    text = ColorProperty()
    tile = ColorProperty()
    tile_text = ColorProperty()
    accent = ColorProperty()
    accent_text = ColorProperty()
    danger = ColorProperty()
    danger_text = ColorProperty()
    muted_text = ColorProperty()
    scale_label = StringProperty("标准")
    field = ColorProperty()
    field_text = ColorProperty()

    def __init__(self, theme_name: str = "default", scale_name: str = "standard") -> None:
        super().__init__()
        self.apply(theme_name, scale_name)

    def apply(self, theme_name: str | None = None, scale_name: str | None = None) -> None:
        if theme_name:
            self.theme_name = theme_name
        if scale_name:
            self.scale_name = scale_name
        theme = THEMES[self.theme_name]
        for attr in (
            "background", "text", "tile", "tile_text", "accent", "accent_text",
            "danger", "danger_text", "muted_text", "field", "field_text",
        ):  # fmt: skip
            setattr(self, attr, getattr(theme, attr))
        factor = FONT_SCALE_FACTORS[self.scale_name]
        self.scale_label = FONT_SCALE_LABELS[self.scale_name]
        self.body_px = round(BODY_PX * factor)
        self.title_px = round(TITLE_PX * factor)
        self.small_px = round(32 * factor)
        self.title_least_px = round(48 * factor)
        self.touch_px = TOUCH_PX
