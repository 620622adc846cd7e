"""Reusable big-touch widgets shared by every screen (styles in widgets.kv).

Widgets post upward: they dispatch their own events (``on_choice``, ``on_value``) or call the
screen's :meth:`~screens.base.KioskScreen.report`; they never switch screens themselves.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk import display_text
from screens.line_breaks import BreaksLines

if TYPE_CHECKING:  # the pinyin keyboard's table loads with its first page, not before home
    from screens import pinyin


class BodyLabel(BreaksLines, Label):  # type: ignore[misc]
    """Body text: ≥ 32 px, wraps to its width, 1.4 line spacing."""


class BasisLabel(BodyLabel):
    """The small 依据 line for staff (the articles), after the plain words: the audit's minimum."""


class TitleLabel(BreaksLines, Label):  # type: ignore[misc]
    """Screen title: ≥ 48 px."""


GIVE_WAY = ("title", "body", "first", "gone")  # see Question


class Question(TitleLabel):
    """A page's question (``question``; ``text`` is what its ``step`` shows), which gives way
    one step at a time where the page is too short for it and what must stay whole on screen
    (the keys, the writing pad, the speak tile, an error): "title" at title size; "body" at
    body size; "first" its first sentence only (朗读 still says it all); "gone" — only while an
    error is shown, which names what is asked. :meth:`give_way` decides from heights measured
    off screen, never from the live layout, so it can't feed back into itself; a step changes
    the label's own properties only, never the widget tree, so it is safe in the middle of a
    layout pass (a child removed while a BoxLayout walked its children crashed)."""

    question = StringProperty("")
    step = OptionProperty("title", options=GIVE_WAY)

    def __init__(self, *, text: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._heights: dict[tuple[str, float, float], float] = {}  # measured once: a refit
        self.bind(question=self._show, step=self._show)  # per touch measures nothing again
        self.question = text
        self._show()

    def _show(self, *_: Any) -> None:
        self.text = self.shown(self.step)

    def shown(self, step: str) -> str:
        """The words ``step`` shows."""
        first = display_text.split_first_sentence(self.question)[0]
        return str({"title": self.question, "body": self.question, "first": first}.get(step, ""))

    def height_of(self, step: str, width: float) -> float:
        """The height the question takes at ``step`` in a column ``width`` wide."""
        if step == "gone" or not self.question:
            return 0.0
        px = style_px("title_px" if step == "title" else "body_px")
        key = (self.shown(step), px, round(width))
        if key not in self._heights:
            padding = 4 if step == "title" else 8  # as widgets.kv
            self._heights[key] = text_height(self, key[0], width, font_size=px) + padding
        return self._heights[key]

    def give_way(
        self,
        width: float,
        room: float,
        *,
        title_room: float | None = None,
        top: str = "title",
        last: str = "gone",
        error: bool = False,
    ) -> bool:
        """Take the first step from ``top`` to ``last`` whose height at ``width`` is within
        ``room`` (the title's within ``title_room`` where given: the big title only where
        nothing else has to shrink for it); "gone" only with an ``error`` shown. Nothing fits:
        the last step. Whether it fits."""
        steps = GIVE_WAY[GIVE_WAY.index(top) : GIVE_WAY.index(last) + 1]
        if not error and "gone" in steps:
            steps = steps[:-1]
        for step in steps:
            limit = title_room if step == "title" and title_room is not None else room
            if self.height_of(step, width) <= limit:
                self.step = step
                return True
        self.step = steps[-1]
        return False


def style_px(name: str) -> float:
    """A size of the running app's style (``body_px``…), or its default without an app."""
    from kivy.app import App

    from screens.style import Style

    style = getattr(App.get_running_app(), "style", None)
    return float(getattr(style, name) if style is not None else getattr(Style, name).defaultvalue)


class DisplayLabel(BreaksLines, Label):  # type: ignore[misc]
    """Very large centred text: the hotline number, a receipt code."""


class ProgressLabel(BreaksLines, Label):  # type: ignore[misc]
    """第N步/共M步 in the nav bar, between 上一步 and 下一步; on two lines (第N步 over 共M步)
    when the bar leaves it too little room for one (a long path, 特大, two extra buttons)."""

    def __init__(self, *, step: int, total: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.one_line = f"第{step}步/共{total}步"
        self.text = self.one_line
        self.bind(width=self._fit, font_size=self._fit)

    def _fit(self, *_: Any) -> None:
        room = ems(self.one_line) * self.font_size <= self.width
        self.text = self.one_line if room else self.one_line.replace("/", "\n")


def ems(text: str) -> float:
    """About how many font sizes wide ``text`` is: a Chinese character 1, a digit or letter 0.6."""
    return sum(0.6 if ch.isascii() else 1.0 for ch in text)


class NoteLabel(BreaksLines, Label):  # type: ignore[misc]
    """A boxed message (error, result, reason) on the field colour, never colour alone."""

    surface_color = ColorProperty((1, 1, 1, 1))


class AnswerBox(BreaksLines, Label):  # type: ignore[misc]
    """Shows what the resident has entered so far (or a hint in brackets when empty)."""

    surface_color = ColorProperty((1, 1, 1, 1))
    # × the body size: 1.25, or 1.0 beside a keypad on a short screen (an ID number on one line).
    font_factor = NumericProperty(1.25)
    hint = StringProperty("")
    value = StringProperty("")


class BigButton(BreaksLines, Button):  # type: ignore[misc]
    """A touch target of at least 120×120 px. ``role``: normal, accent (go on) or danger.

    With a fixed height (``size_hint_y=None``) it grows to fit wrapped text at large font
    scales instead of cutting it off; the text's width comes from the button's width, never
    the other way round, so there is no layout loop.
    """

    role = StringProperty("normal")
    surface_color = ColorProperty((0, 0, 0, 1))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.min_height = max(124.0, float(kwargs.get("height", 124)))
        self.bind(texture_size=self._grow)

    def set_min_height(self, value: float) -> None:
        self.min_height = value
        self._grow()

    def _grow(self, *_: Any) -> None:
        if self.size_hint_y is None:
            self.height = max(self.min_height, self.texture_size[1] + 24)


class BarButton(BreaksLines, Button):  # type: ignore[misc]
    """A one-line button as wide as its text (top bar, nav bar): never wraps, never loops."""

    role = StringProperty("normal")
    surface_color = ColorProperty((0, 0, 0, 1))


class TileLabel(BreaksLines, Label):  # type: ignore[misc]
    """A tile's words under its icon. ``words`` is the tile's name; where a tile is too narrow
    for "12348 热线" on one line (1024×768 at 特大), the number stands on its own line above
    its word rather than being parted from it by wrapping."""

    words = StringProperty("")

    def on_words(self, *_: Any) -> None:
        self._fit_words()

    def on_width(self, *_: Any) -> None:
        self._fit_words()

    def on_font_size(self, *_: Any) -> None:
        self._fit_words()

    def _fit_words(self) -> None:
        import re

        from kivy.core.text import Label as CoreLabel

        words = self.words
        text = words
        if self.width > 0 and re.search(r"\d \S", words):
            core = CoreLabel(font_size=self.font_size, font_name=self.font_name, bold=self.bold)
            if core.get_extents(words)[0] > self.width - 8:
                text = re.sub(r"(\d) (?=\S)", "\\1\n", words)
        if getattr(self, "text", "") != text:
            self.text = text


class Tile(ButtonBehavior, BoxLayout):  # type: ignore[misc]
    """A big tile: icon above a label; the whole tile is the touch target."""

    text = StringProperty("")
    icon = StringProperty("")
    surface_color = ColorProperty((0, 0, 0, 1))


def option_buttons(
    options: Sequence[tuple[str, str]], on_pick: Any, selected: str | None = None
) -> list[BigButton]:
    """One BigButton per (id, label); the chosen one is marked with ✓ as well as colour."""
    out: list[BigButton] = []
    for option_id, label in options:
        button = BigButton()
        button.option_id = option_id
        button.option_label = label
        mark_choice(button, option_id == selected)
        button.bind(on_release=lambda w: on_pick(w.option_id))
        out.append(button)
    return out


def mark_choice(button: BigButton, chosen: bool) -> None:
    """Show a button as chosen or not: ✓ in the text as well as the colour (never colour alone).

    Changing the mark relabels the button; rebuilding the buttons instead cost a page's worth
    of widgets on every tap (issue 5: touch → frame).
    """
    label = button.option_label
    button.text = f"✓ {label}" if chosen else label
    button.role = "accent" if chosen else "normal"


class ChoiceGrid(GridLayout):  # type: ignore[misc]
    """Big option buttons in a grid; dispatches ``on_choice(option_id)``."""

    __events__ = ("on_choice",)
    options = ListProperty([])  # [(id, label), ...]
    selected = StringProperty("")
    row_height = NumericProperty(124)
    # Columns follow the width (each at least ``min_col_width``), up to ``max_cols``: long
    # lists fit on a wide screen without scrolling, and still wrap sensibly on a narrow one.
    max_cols = NumericProperty(2)
    min_col_width = NumericProperty(340)

    def __init__(self, **kwargs: Any) -> None:
        if "cols" in kwargs:
            kwargs["max_cols"] = kwargs.pop("cols")
        options = kwargs.pop("options", [])
        selected = kwargs.pop("selected", "")
        super().__init__(**kwargs)
        self.bind(width=self._fit_cols, max_cols=self._fit_cols)
        self._fit_cols()
        self.selected = selected  # nothing to mark yet
        self.options = options  # builds the buttons, once

    def _fit_cols(self, *_: Any) -> None:
        fit = int((self.width + self.spacing[0]) // (self.min_col_width + self.spacing[0]))
        self.cols = max(1, min(int(self.max_cols), fit)) if self.width > 1 else int(self.max_cols)

    def on_options(self, *_: Any) -> None:
        self.rebuild()

    def on_selected(self, *_: Any) -> None:
        for button in self.children:
            mark_choice(button, button.option_id == self.selected)

    def rebuild(self) -> None:
        if self.canvas is None:
            return
        self.clear_widgets()
        for button in option_buttons(self.options, self._pick, self.selected or None):
            button.size_hint_y = None
            button.set_min_height(self.row_height)
            self.add_widget(button)

    def _pick(self, option_id: str) -> None:
        self.selected = option_id
        self.dispatch("on_choice", option_id)

    def on_choice(self, option_id: str) -> None:
        pass


class TopBar(BoxLayout):  # type: ignore[misc]
    """朗读 · 大声点 · 慢一点 · 说话 (only when the voice model is ready) · 字号 · 颜色 · 结束并清除,
    on every screen: 大声点 / 慢一点 sit beside 朗读, where a resident who can't follow looks.

    Where the window is narrow for the font, the words shorten (字号, 颜色, 员工), then 大声点 and
    慢一点 become one 听不清 (both at once, then the page again); where even that doesn't fit
    (portrait), the bar takes two rows. Decided from the font size and the width only, never from rendered text widths,
    so a change can't feed back into itself.
    """

    screen = ObjectProperty(None, allownone=True)
    voice_ready = BooleanProperty(False)
    show_staff = BooleanProperty(False)
    show_voice_tuning = BooleanProperty(True)  # 大声点 / 慢一点
    scale_label = StringProperty("标准")
    theme_name = StringProperty("default")
    rows = NumericProperty(1)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.orientation = "vertical"
        self.read_button = self._button("朗读", "read_aloud")
        # 大声点, 慢一点, 听不清 and 说话 are made when first shown: home shows none of them, and
        # four buttons fewer are 2 ms fewer before its first frame (docs/performance.md).
        self.scale_button = self._button("字号：标准", "cycle_font")
        self.theme_button = self._button("高对比", "toggle_theme")
        self.staff_button = self._button("工作人员", "staff")
        self.end_button = self._button("结束并清除", "end_session", role="danger")
        self.row_one = BoxLayout(spacing=self.spacing)
        self.row_two = BoxLayout(spacing=self.spacing)
        self.read_button.bind(font_size=self._update_texts)
        self.bind(spacing=self._spaced)
        self.bind(  # what the words and rows depend on
            voice_ready=self._update_texts,
            show_staff=self._update_texts,
            show_voice_tuning=self._update_texts,
            scale_label=self._update_texts,
            theme_name=self._update_texts,
            width=self._update_texts,
        )
        # Placed now if a property set by the rule that makes the bar changes (show_staff …),
        # else before the next frame: not first with defaults that rule is about to change.
        Clock.schedule_once(self._update_texts, -1)

    @cached_property
    def louder_button(self) -> BarButton:
        return self._button("大声点", "louder")

    @cached_property
    def slower_button(self) -> BarButton:
        return self._button("慢一点", "slower")

    @cached_property
    def hear_button(self) -> BarButton:
        return self._button("听不清", "clearer")

    @cached_property
    def speak_button(self) -> BarButton:
        return self._button("说话", "speak")

    def _spaced(self, *_: Any) -> None:
        self.row_one.spacing = self.row_two.spacing = self.spacing

    def _button(self, text: str, outcome: str, role: str = "normal") -> BarButton:
        button = BarButton(text=text, role=role)
        button.bind(
            on_release=lambda _w: self.screen.report(outcome) if self.screen is not None else None
        )
        return button

    def _update_texts(self, *_: Any) -> None:
        if not hasattr(self, "end_button"):  # kv sets properties before __init__ has run
            return
        high = self.theme_name == "high_contrast"
        full: dict[Any, str] = {
            self.scale_button: f"字号：{self.scale_label}",
            self.theme_button: "标准颜色" if high else "高对比",
            self.staff_button: "工作人员",
        }
        short: dict[Any, str] = {
            self.scale_button: "字号",
            self.theme_button: "颜色",
            self.staff_button: "员工",
        }
        if self.show_voice_tuning or "louder_button" in self.__dict__:  # made, or shown now
            full.update({self.louder_button: "大声点", self.slower_button: "慢一点"})
            short.update({self.louder_button: "大声", self.slower_button: "慢点"})
        voice = [self.read_button]
        tuning = [self.louder_button, self.slower_button] if self.show_voice_tuning else []
        hear = [self.hear_button] if self.show_voice_tuning else []
        speak = [self.speak_button] if self.voice_ready else []
        settings = [self.scale_button, self.theme_button]
        settings += [self.staff_button] if self.show_staff else []
        font = float(self.read_button.font_size)
        width = self.width if self.width > 1 else 1e9

        def need(buttons: list[BarButton], texts: dict[Any, str]) -> float:
            total = 0.0
            for w in buttons:
                n = len(texts[w] if w in texts else str(w.text))
                total += max(124.0, n * font + 36) + self.spacing
            return total

        end = [self.end_button]
        layouts: list[tuple[dict[Any, str], list[BarButton], list[BarButton]]] = [
            (full, voice + tuning + speak + settings + end, []),
            (short, voice + tuning + speak + settings + end, []),
            (short, voice + hear + speak + settings + end, []),
            (full, voice + tuning + speak, settings + end),
            (short, voice + tuning + speak, settings + end),
            (short, voice + hear + speak, settings + end),
            (short, voice + hear + speak + end, settings),
        ]
        texts, one, two = layouts[-1]
        for t, a, b in layouts:
            if need(a, t) <= width and need(b, t) <= width:
                texts, one, two = t, a, b
                break
        for button, text in texts.items():
            button.text = text
        self._place(one, two)

    def _place(self, one: list[BarButton], two: list[BarButton]) -> None:
        rows = [self.row_one] + ([self.row_two] if two else [])
        for box, buttons in ((self.row_one, one), (self.row_two, two)):
            current = [w for w in reversed(box.children) if isinstance(w, BarButton)]
            if current == buttons:
                continue
            box.clear_widgets()
            for button in buttons:
                if button is self.end_button:
                    box.add_widget(Widget(size_hint_x=1))  # pushes 结束并清除 to the far side
                if button.parent is not None:
                    button.parent.remove_widget(button)
                box.add_widget(button)
            if self.end_button not in buttons:
                box.add_widget(Widget(size_hint_x=1))
        if list(reversed(self.children)) != rows:
            self.clear_widgets()
            for box in rows:
                self.add_widget(box)
        self.rows = len(rows)


class Keypad(GridLayout):  # type: ignore[misc]
    """Big digit keypad: 1–9, 0 (or only ``digits``), 删除, 清空 and (for ID numbers) X."""

    value = StringProperty("")
    max_length = NumericProperty(18)
    allow_x = BooleanProperty(False)
    # The digit keys shown: receipt codes use only 2–9, so their keypad shows only those and
    # never contradicts its own hint (只有 2 到 9).
    digits = StringProperty("1234567890")
    key_height = NumericProperty(124)
    # The narrowest a digit key may be (0: as wide as it is high). A word key (删除, 清空) is
    # never narrower than its word on one line: in two rows of six (1024×768 at 特大) the digit
    # keys give it the width.
    key_width = NumericProperty(0)

    # 3 columns × 4 rows (the telephone's), or 4 × 3 / 6 × 2 where the screen is short: the
    # same twelve keys, all on screen beside the question (KeypadRow picks).
    layout_cols = NumericProperty(3)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cols = int(self.layout_cols)
        self._build()

    def on_allow_x(self, *_: Any) -> None:
        self._build()

    def on_layout_cols(self, *_: Any) -> None:
        if self.canvas is not None:
            self.cols = int(self.layout_cols)
            self._build()

    def on_digits(self, *_: Any) -> None:
        self._build()

    def on_key_height(self, *_: Any) -> None:
        self.size_keys()

    def on_key_width(self, *_: Any) -> None:
        self.size_keys()

    def size_keys(self) -> None:
        for button in self.children:
            self._size_key(button)

    def _size_key(self, button: Any) -> None:
        key = self.key_height
        wide = self.key_width or key
        if not button.text.isascii():  # a word: its characters, the button's text padding
            wide = max(wide, ems(button.text) * float(button.font_size) + 28)
        button.size_hint_min_x, button.size_hint_min_y = wide, key
        button.set_min_height(key)

    def _build(self) -> None:
        if self.canvas is None:  # a property set from the constructor's kwargs: built below
            return
        self.clear_widgets()
        # With X (ID numbers) 删除 repeatedly clears, so 清空 gives way.
        other = "X" if self.allow_x else "清空"
        if self.digits == "1234567890" and self.layout_cols == 3:  # the telephone's 3×4
            keys = [*"123456789", other, "0", "删除"]
        else:  # 4×3 / 6×2, or e.g. 2–9: the digits in order, then 清空 and 删除 side by side
            keys = [*self.digits, other, "删除"]
        for key in keys:
            role = "danger" if key in ("删除", "清空") else "normal"
            button = BigButton(text=key, role=role, size_hint_y=None, height=self.key_height)
            button.key = key
            self._size_key(button)
            button.bind(on_release=lambda w: self.press(w.key))
            self.add_widget(button)

    def press(self, key: str) -> None:
        if key == "删除":
            self.value = self.value[:-1]
        elif key == "清空":
            self.value = ""
        elif len(self.value) < self.max_length:
            self.value += key


class KeyButton(BigButton):
    """A key of the pinyin keyboard: always its key's height, never taller with its word.

    The keyboard sizes each word to its key (control keys as wide as their word, the switch key
    in small print where narrow), so a key grows only in the moment a page tries itself with
    and without its page strip; a key that grew then made the page taller under the trial, so
    it could not settle."""

    def _grow(self, *_: Any) -> None:
        if self.size_hint_y is None:
            self.height = self.min_height


class PinyinKeyboard(BoxLayout):  # type: ignore[misc]
    """On-screen pinyin keyboard: letters a–z in alphabetical order (no QWERTY to learn),
    a row of candidate characters ranked by how common they are, 删除 and 清空."""

    value = StringProperty("")
    letters = StringProperty("")
    max_length = NumericProperty(200)
    cols = NumericProperty(9)
    page = NumericProperty(0)
    per_page = NumericProperty(6)
    # "pinyin": letters a–z; "digits": 0–9 and the words of a rural address (组, 号 …).
    mode = StringProperty("pinyin")

    ADDRESS_KEYS = ("组", "号", "幢", "单元", "室", "路", "巷", "-", "·")
    # The answer box: at the head of the candidate row on a tall landscape screen (a row of
    # height saved, so the question, the answer and every key fit on one screen), heading the
    # keys with room for a message beside it where the keys come in halves, or None (above,
    # by the page).
    answer = ObjectProperty(None, allownone=True)
    # Where the screen is short (landscape 1280×800, 1366×768, 1024×768) or narrow (portrait
    # 800×1280) the keys come in two halves — a–m, then n–z — with one big key to change half
    # at the same place in both (bottom right), and 删除 at the end of the candidate row (in
    # portrait in the grid's free place): so the question, the answer, the candidates and every
    # key are on screen at once, nothing turns away under the finger (issue 12). Two rows of
    # seven in landscape, three of five in portrait.
    halves = BooleanProperty(False)
    half = NumericProperty(0)
    HALF = 13  # keys in a half: a–m / n–z, beside the one key that changes half
    # A key's height, and the narrowest a key may be: 124 px and 120 px, or on a display whose
    # minimum target is smaller (1024×768: 96) that minimum + 8 and the minimum (see fit_window).
    key = NumericProperty(124)
    key_min = NumericProperty(120)
    half_cols = NumericProperty(7)
    GAP = 16

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.orientation = "vertical"
        self._candidates: list[pinyin.Candidate] = []
        # Halves only: the answer box, and a message beside it when there is one.
        self.answer_row = BoxLayout(size_hint_y=None, height=124, spacing=self.GAP)
        self.notes: list[Any] = []
        self.candidate_row = BoxLayout(size_hint_y=None, height=124, spacing=self.GAP)
        self.letter_grid = GridLayout(cols=self.cols, size_hint_y=None, spacing=self.GAP)
        self.letter_grid.bind(minimum_height=self.letter_grid.setter("height"))
        self.add_widget(self.candidate_row)
        self.add_widget(self.letter_grid)
        self.bind(width=self._fit, letters=self._refresh, page=self._refresh, mode=self._new_mode)
        self.bind(answer=self._fit, halves=self._new_halves, half=self._keys)
        self._keys()

    @staticmethod
    def short_screen() -> bool:
        """Whether the window is landscape and too short for the question, the candidate row and
        three rows of letters under the top bar and above a nav bar (1920×1080 is not)."""
        from kivy.core.window import Window

        portrait, room = keypad_room(*Window.size)
        return not portrait and room < 680

    @staticmethod
    def narrow_screen() -> bool:
        """Whether the window is portrait and too narrow for six columns of keys (800×1280:
        the top bar takes two rows there, see keypad_room)."""
        from kivy.core.window import Window

        return bool(Window.height > Window.width and Window.width < 1000)

    @staticmethod
    def in_halves() -> bool:
        """Whether the keys come in halves in this window (see ``halves``)."""
        return PinyinKeyboard.short_screen() or PinyinKeyboard.narrow_screen()

    def keys_height(self) -> float:
        """How tall the keyboard stands once laid out at the window as it is (after
        :meth:`fit_window`): the answer row in halves, the candidates, the rows of keys."""
        cols = max(1, int(self.letter_grid.cols or 1))
        rows = -(-len(self.letter_grid.children) // cols)
        height = self.key + rows * (self.key + self.GAP)
        if self.halves:
            height += 84 + self.GAP  # the answer box at its least
        return float(height)

    def fit_window(self) -> None:
        """The layout for the window as it is now: halves or not, the keys' size. Called by
        the page each time it shows the keyboard (a page is drawn again on a font change)."""
        from kivy.core.window import Window

        from screens.displays import display_for
        from screens.theme import TOUCH_PX

        self.forget_notes()  # the last page's message
        minimum = display_for(*Window.size).target_min
        wanted = (min(TOUCH_PX, minimum + 8), minimum, 5 if self.narrow_screen() else 7)
        halves = self.in_halves()
        if wanted == (self.key, self.key_min, self.half_cols) and halves == self.halves:
            self._fit()  # the same keys: the rows only where the font changed
            return
        self.key, self.key_min, self.half_cols = wanted
        if halves != self.halves:
            self.halves = halves  # the keys made again (_new_halves)
        else:
            self._keys()
            self._fit()

    def _new_mode(self, *_: Any) -> None:
        self.letters = ""
        if self.half:
            self.half = 0  # redraws the keys
        else:
            self._keys()

    def _new_halves(self, *_: Any) -> None:
        self.half = 0
        if self.halves and self.answer_row.parent is None:
            self.add_widget(self.answer_row, index=len(self.children))  # on top
        elif not self.halves and self.answer_row.parent is not None:
            self.remove_widget(self.answer_row)
        self._keys()
        self._fit()

    def all_keys(self) -> list[str]:
        if self.mode == "digits":
            return [*"1234567890", *self.ADDRESS_KEYS]
        return list("abcdefghijklmnopqrstuvwxyz")

    def _key_button(self, text: str, role: str = "normal") -> BigButton:
        """A key of the letter grid: the grid gives it its width (never under ``key_min``)."""
        button = KeyButton(text=text, role=role, size_hint_y=None, height=self.key)
        button.size_hint_min_x = self.key_min
        button.size_hint_min_y = self.key
        button.set_min_height(self.key)
        return button

    def _keys(self, *_: Any) -> None:
        grid = self.letter_grid
        grid.clear_widgets()
        keys = self.all_keys()
        if self.halves:
            part = keys[self.half * self.HALF : (self.half + 1) * self.HALF]
            # Filled to whole rows, so the key that changes half is always bottom right (删除
            # just before it where there is a free place).
            whole = self._places() - 1 - (1 if self.back_in_grid else 0)
            keys = part + [""] * (whole - len(part))
        elif self.mode == "digits":
            keys += [""] * (26 - len(keys))
        for key in keys:
            if not key:
                grid.add_widget(Label(size_hint_y=None, height=self.key))
                continue
            button = self._key_button(key)
            button.key = key
            button.bind(on_release=lambda w: self._press(w.key))
            grid.add_widget(button)
        if self.halves and self.back_in_grid:
            back = self._key_button("删除", role="danger")
            back.bind(on_release=lambda _w: self.backspace())
            grid.add_widget(back)
        if self.halves:
            button = self._key_button(self.half_label(), role="accent")
            button.bind(on_release=lambda _w: self.other_half())
            grid.add_widget(button)
            self._half_key = button
            self._fit_half_key()
        else:
            back = BigButton(text="删除", role="danger", size_hint_y=None, height=124)
            back.bind(on_release=lambda _w: self.backspace())
            grid.add_widget(back)
        self._refresh()

    def _places(self) -> int:
        """The places in the grid of a half: whole rows for its keys and the switch key."""
        cols = max(1, int(self.letter_grid.cols))
        return -(-(self.HALF + 1) // cols) * cols

    @property
    def back_in_grid(self) -> bool:
        """删除 takes the grid's free place where a half leaves one (five columns: portrait)."""
        return bool(self.halves and self._places() > self.HALF + 1)

    def _fit_half_key(self) -> None:
        """n–z on a key of the display's minimum (1024×768 特大) in the small print, not
        broken over two lines."""
        key = getattr(self, "_half_key", None)
        if key is None:
            return
        body = style_px("body_px")
        width = getattr(self, "_key_w", float(self.key))
        key.font_size = style_px("small_px") if ems(key.text) * body + 24 > width else body

    def half_label(self) -> str:
        """The key to the other half says what it brings: n–z / a–m, or 单元 (the address
        words that did not fit: 单元 室 路 巷 - ·) / 0–9."""
        other = self.all_keys()[(1 - int(self.half)) * self.HALF :][: self.HALF]
        if self.mode == "digits":
            return "0–9" if self.half else "单元"
        return f"{other[0]}–{other[-1]}"

    def other_half(self) -> None:
        self.half = 1 - int(self.half)

    def _press(self, key: str) -> None:
        if self.mode == "digits":
            if len(self.value) + len(key) <= self.max_length:
                self.value += key
        else:
            self.type_letter(key)

    def toggle_mode(self) -> None:
        self.mode = "pinyin" if self.mode == "digits" else "digits"

    def control_width(self, text: str) -> float:
        """A control key (往前, 更多, 数字, 删除) as wide as its word needs at this font size
        (a key of the display's size where that is enough): its word never wraps."""
        return float(math.ceil(max(float(self.key), ems(text) * style_px("body_px") + 24)))

    def _fit(self, *_: Any) -> None:
        gap = self.GAP
        if self.halves:
            # Seven columns (two rows a half) in landscape, five (three rows) in portrait: from
            # the window, never from the page's width of the moment (the page strip coming and
            # going must not change the keys, or the page could not settle). The keys share
            # the width out.
            cols = self.half_cols
            # Candidates (each of the display's minimum width) beside 往前, 更多, 数字 and 删除.
            controls = ["往前", "更多", "数字"] + ([] if (self.HALF + 1) % cols else ["删除"])
            room = self.width - sum(self.control_width(c) for c in controls)
            room -= gap * (len(controls) - 1)
            self.per_page = max(1, int(room // (self.key_min + gap)))
            self._key_w = (self.width - gap * (cols - 1)) / cols
        else:
            # As many candidates as fit at 124 px each beside the paging and mode keys, and as
            # many letter columns as fit (9 on a wide screen, fewer in portrait: more rows,
            # never off the edge).
            slots = int((self.width + gap) // 140)
            beside = max(3, slots * 2 // 5) if self.answer is not None else 0
            self.per_page = max(2, slots - 3 - beside)
            cols = max(4, min(int(self.cols), slots))
        if int(self.letter_grid.cols) != cols:
            self.letter_grid.cols = cols
            if self.halves:
                self._keys()  # the blanks that keep the switch key bottom right, 删除
        self._fit_half_key()
        # The rows are rebuilt only when what is in them changes (not on every width: new
        # buttons are laid out again, which could keep a page from settling).
        self._refresh()

    def _row_height(self, *_: Any) -> None:
        """The candidate row (or in halves the answer row) grows with a two-line answer or a
        message beside the answer (never cut off)."""
        answer = self.answer
        if self.halves:
            shown = [float(w.height) for w in self.answer_row.children]
            self.answer_row.height = max([0.0, *shown])
            self.candidate_row.height = self.key
        else:
            self.candidate_row.height = max(124.0, answer.height if answer is not None else 0.0)

    @staticmethod
    def answer_beside() -> bool:
        """Whether the answer box goes in the candidate row: on a landscape window tall enough
        for whole rows of letters (on a short one the row is the keys' own: see ``halves``)."""
        from kivy.core.window import Window

        return bool(Window.width > Window.height) and not PinyinKeyboard.short_screen()

    def show_note(self, note: Any) -> None:
        """Where the keys come in halves: a message (an error, 请稍等) beside the answer box,
        not on a row of its own that would push keys off the screen."""
        if note in self.notes:
            return
        self.notes.append(note)
        # Twice the answer's width: an error of a line or two (the answer is short when wrong),
        # its line no taller than the answer's (1366×768 特大: a row of keys' worth of room).
        note.size_hint_x = 2
        note.padding = (24, 8)
        note.bind(height=self._row_height)
        if self.halves:
            self._build_answer_row()

    def hide_note(self, note: Any) -> None:
        if note not in self.notes:
            return
        self.notes.remove(note)
        note.unbind(height=self._row_height)
        note.size_hint_x = 1
        note.padding = (24, 16)  # as every NoteLabel (pages.kv)
        if note.parent is self.answer_row:
            self.answer_row.remove_widget(note)
        self._row_height()

    def forget_notes(self) -> None:
        for note in list(self.notes):
            self.hide_note(note)

    def type_letter(self, letter: str) -> None:
        if len(self.letters) < 24:
            self.letters += letter
            self.page = 0

    def backspace(self) -> None:
        if self.letters:
            self.letters = self.letters[:-1]
        else:
            self.value = self.value[:-1]
        self.page = 0

    def clear(self) -> None:
        self.letters = ""
        self.value = ""
        self.page = 0
        self.half = 0

    def pick(self, candidate: pinyin.Candidate) -> None:
        if len(self.value) + len(candidate.text) <= self.max_length:
            self.value += candidate.text
        self.letters = self.letters[candidate.consumes :]
        self.page = 0

    def _take_answer(self, row: BoxLayout) -> None:
        answer = self.answer
        if answer is None:
            return
        if answer.parent is not None:
            answer.parent.remove_widget(answer)
        answer.size_hint_x = 1
        answer.font_factor = 1.0
        answer.bind(height=self._row_height)
        row.add_widget(answer)

    def _control(self, text: str, role: str = "normal") -> BigButton:
        button = KeyButton(text=text, role=role, size_hint=(None, None), height=self.key)
        button.width = self.control_width(text)
        button.size_hint_min_x = None
        button.size_hint_min_y = self.key
        button.set_min_height(self.key)
        return button

    def _build_answer_row(self) -> None:
        row = self.answer_row
        row.clear_widgets()
        self._take_answer(row)
        for note in self.notes:
            if note.parent is not None:
                note.parent.remove_widget(note)
            row.add_widget(note)
        self._row_height()

    def _build_row(self) -> None:
        """The candidate row's buttons, made once per width: typing only relabels them."""
        row = self.candidate_row
        row.clear_widgets()
        self._switch = self._control("数字", role="accent")
        self._switch.bind(on_release=lambda _w: self.toggle_mode())
        if not self.halves:
            self._take_answer(row)
        self._prev = self._control("往前")
        self._prev.bind(on_release=lambda _w: setattr(self, "page", max(0, self.page - 1)))
        row.add_widget(self._prev)
        self._slots: list[BigButton] = []
        for _ in range(self.per_page):
            button = KeyButton(text="", role="accent", size_hint=(None, None), height=self.key)
            button.width = self.key_min if self.halves else self.key
            button.size_hint_min_x = None
            button.size_hint_min_y = self.key
            button.set_min_height(self.key)
            button.candidate = None
            button.bind(on_release=lambda w: self.pick(w.candidate) if w.candidate else None)
            row.add_widget(button)
            self._slots.append(button)
        if self.answer is None and not self.halves:  # (in halves every pixel is a candidate's)
            row.add_widget(Label(size_hint_x=1))
        self._more = self._control("更多")
        self._more.bind(on_release=lambda _w: setattr(self, "page", self.page + 1))
        row.add_widget(self._more)
        row.add_widget(self._switch)
        if self.halves and not self.back_in_grid:  # 删除 leaves the letters to the switch key
            back = self._control("删除", role="danger")
            back.bind(on_release=lambda _w: self.backspace())
            row.add_widget(back)
        if self.halves:
            self._build_answer_row()
        self._row_height()
        self._row_size: tuple[Any, ...] = self._row_key()

    def _row_key(self) -> tuple[Any, ...]:
        grid = int(self.letter_grid.cols)
        font = self.control_width("往前")  # a font scale changed
        return (int(self.per_page), bool(self.halves), float(self.key), grid, id(self.answer), font)

    def _refresh(self, *_: Any) -> None:
        if getattr(self, "_row_size", None) != self._row_key():
            self._build_row()
        from screens import pinyin

        self._candidates = pinyin.candidates(self.letters)
        start = self.page * self.per_page
        shown = self._candidates[start : start + self.per_page]
        for i, button in enumerate(self._slots):
            cand = shown[i] if i < len(shown) else None
            button.candidate = cand
            button.text = cand.text if cand else ""
            # An empty slot is neither seen nor touchable.
            button.opacity = 1 if cand else 0
            button.disabled = cand is None
        self._prev.disabled = self.page == 0
        self._more.disabled = len(self._candidates) <= start + self.per_page
        self._switch.text = "拼音" if self.mode == "digits" else "数字"

    @property
    def shown_candidates(self) -> list[str]:
        start = self.page * self.per_page
        return [c.text for c in self._candidates[start : start + self.per_page]]


SCROLL_BAR_COLOR = (0.55, 0.55, 0.55, 0.9)
# A window this tall has a row to spare for 第N步/共M步 above the nav buttons (1080×1920).
TALL_WINDOW_PX = 1400


def _page_units(body: Any) -> list[tuple[float, float, list[Any]]]:
    """The whole pieces a page turns by, as (top, bottom, widgets) measured down from the body's
    top: each child of the body, except that a list of choices (a GridLayout other than a
    keypad) counts row by row, so a long list pages by whole rows of buttons."""
    top = body.top
    units: list[tuple[float, float, list[Any]]] = []
    for child in reversed(body.children):
        if isinstance(child, GridLayout) and not isinstance(child, Keypad) and child.children:
            rows: dict[float, list[Any]] = {}
            for w in child.children:
                rows.setdefault(round(w.top, 1), []).append(w)
            for row_top in sorted(rows, reverse=True):
                ws = rows[row_top]
                units.append((top - row_top, top - min(w.y for w in ws), ws))
        else:
            units.append((top - child.top, top - child.y, [child]))
    return units


_page_scroll: type | None = None


def page_scroll(**kwargs: Any) -> Any:
    """Kivy's ScrollView, minus a slow leak: every ``update_from_scroll`` (several per page
    change) binds ``bar_color`` to ``_change_bar_color`` once more, and the fade half a second
    later unbinds only one. A page's scroll view lives as long as its screen, so a callback
    piled up on it with each page change, for months (issue 18). Here there is at most one.
    The class is made on first use: importing ScrollView at start-up costs time (issue 5)."""
    global _page_scroll
    if _page_scroll is None:
        from kivy.uix.scrollview import ScrollView

        class PageScroll(ScrollView):  # type: ignore[misc]
            def update_from_scroll(self, *args: Any) -> None:
                self.funbind("bar_color", self._change_bar_color)
                super().update_from_scroll(*args)

        _page_scroll = PageScroll
    return _page_scroll(**kwargs)


class Page(BoxLayout):  # type: ignore[misc]
    """The frame of every screen except home: top bar, the page body, a fixed nav bar.

    A body taller than its window is never dragged with a finger: it turns by whole pieces
    (a label, a keypad, a row of choices) with big 往上翻 / 往下翻 buttons beside it. A piece
    cut by the window's edge is hidden and can't be touched, so every button a resident sees is
    whole, where it stays until a page turn (issue 12: controls never scroll). A thin scroll bar
    and a swipe mean nothing to someone who has never used a smartphone; a button that is there
    says "there is more".
    """

    def __init__(self, screen: Any, **kwargs: Any) -> None:
        super().__init__(orientation="vertical", padding=12, spacing=16, **kwargs)
        self.top_bar = TopBar(screen=screen)
        self.scroll = page_scroll(
            do_scroll_x=False,
            do_scroll_y=False,  # turned by the buttons, never dragged (see the class doc)
            bar_width=16,
            # A bar that stays as it is: Kivy fades it after every layout change, and that fade
            # redrew the whole screen for half a second after each page change — on a software
            # renderer, CPU taken from the next touch (benchmarks/ui.py).
            bar_color=SCROLL_BAR_COLOR,
            bar_inactive_color=SCROLL_BAR_COLOR,
            scroll_type=["bars"],
        )
        self.scroll.bind(on_touch_down=self._hidden_touch, on_touch_up=self._hidden_touch)
        # Right padding keeps content clear of the scroll bar.
        self.body = BoxLayout(
            orientation="vertical", size_hint_y=None, spacing=16, padding=(0, 0, 24, 0)
        )
        self.body.bind(minimum_height=self.body.setter("height"))
        self.scroll.add_widget(self.body)
        self.up_button = BigButton(text="往上翻", size_hint=(1, None))
        self.down_button = BigButton(text="往下翻", size_hint=(1, None))
        self.up_button.bind(on_release=lambda _w: self.turn(-1))
        self.down_button.bind(on_release=lambda _w: self.turn(1))
        self.pager = BoxLayout(orientation="vertical", size_hint_x=None, width=150, spacing=16)
        self._spacer = Widget()
        self.middle = BoxLayout(spacing=16)
        self.middle.add_widget(self.scroll)
        self.drag_scrolls = False
        self._hidden: list[Any] = []
        self._placed: tuple[int, int, int, bool] | None = None
        self._blocked: list[tuple[float, float]] = []  # window-y bands a touch can't reach
        # After this frame's layouts, before it is drawn: one pass, no extra frame.
        self._mask_trigger = Clock.create_trigger(self._mask_now, -1)
        self._again_trigger = Clock.create_trigger(self._mask_now, 0)
        self.body.bind(height=self._fit_scroll)
        self.scroll.bind(height=self._fit_scroll, scroll_y=self._show_pager_buttons)
        self.nav = BoxLayout(size_hint_y=None, height=124, spacing=40)
        # Where the nav bar is too narrow for 第N步/共M步 beside its buttons (portrait, 特大),
        # the progress gets a row of its own above them (fit_nav).
        self.progress_row = BoxLayout(size_hint_y=None, height=72)
        self.add_widget(self.top_bar)
        self.add_widget(self.middle)
        self.add_widget(self.nav)

    @property
    def overflows(self) -> bool:
        return bool(self.body.height > self.scroll.height + 1)

    def _fit_scroll(self, *_: Any) -> None:
        for button in (self.up_button, self.down_button):  # each half the strip's height
            button.set_min_height(max(124.0, self.scroll.height / 2 - 8))
        self._mask_trigger()  # decided once this frame's layouts are done (_mask_now)

    def _settle(self) -> None:
        """Lay the body out and render its labels now (what Kivy would do before the frame),
        so what overflows is measured on the real layout, not a half-built one."""

        def walk(w: Any) -> Iterator[Any]:
            yield w
            for c in w.children:
                yield from walk(c)

        from kivy.uix.layout import Layout

        for _ in range(3):
            self.scroll.update_from_scroll()  # the body takes the scroll's (new) width
            for w in list(walk(self.body)):
                if isinstance(w, Label):
                    w.texture_update()
                elif isinstance(w, Layout):
                    w.do_layout()

    def _layout_key(self) -> tuple[int, int, int, bool]:
        return (
            round(self.body.height),
            round(self.middle.width),
            round(self.scroll.height),
            self.pager.parent is not None,
        )

    def _place_pager(self) -> None:
        """The strip of 往上翻 / 往下翻 is there only while the body overflows. It narrows the
        body (which makes it taller), so whether it can go is tried, not guessed; the result
        is remembered, so the layouts it sets off don't start the trial again (no loop)."""
        if self._layout_key() == self._placed:
            return
        # Again while the layout settled into something else than the trial saw (the nav bar
        # moved, a label took its real width): the strip must be right for the page as it is.
        for _ in range(3):
            seen = self._layout_key()
            self._settle()
            self._try_pager()
            if self._layout_key() == seen:
                break
        self._placed = self._layout_key()

    def _try_pager(self) -> None:
        if self.overflows and self.pager.parent is None:
            self.middle.add_widget(self.pager)
            self.middle.do_layout()
            self._settle()
        elif self.pager.parent is not None:
            self.middle.remove_widget(self.pager)
            self.middle.do_layout()
            self._settle()
            if self.overflows:
                self.middle.add_widget(self.pager)
                self.middle.do_layout()
                self._settle()

    def _window(self) -> tuple[float, float]:
        """The part of the body in view, as (top, bottom) measured down from the body's top."""
        hidden = max(0.0, self.body.height - self.scroll.height)
        top = (1.0 - self.scroll.scroll_y) * hidden
        return top, top + self.scroll.height

    def _show_pager_buttons(self, *_: Any) -> None:
        self._show_buttons()
        self._mask()

    def _show_buttons(self) -> None:
        """Only the buttons that can move the page are there (a dead button is still a target)."""
        overflows = self.pager.parent is not None
        wanted: list[Widget] = []
        if overflows and self.scroll.scroll_y < 0.999:
            wanted.append(self.up_button)
        wanted.append(self._spacer)  # keeps 往上翻 at the top and 往下翻 at the bottom
        if overflows and self.scroll.scroll_y > 0.001:
            wanted.append(self.down_button)
        if list(reversed(self.pager.children)) != wanted:
            self.pager.clear_widgets()
            for w in wanted:
                self.pager.add_widget(w)

    def _mask(self, *_: Any) -> None:
        self._mask_trigger()

    def _mask_now(self, *_: Any, turned: bool = False) -> None:
        """Place the page strip, then hide the pieces the window's edges cut through (a piece
        taller than the window stays: a long text is read in parts); touches there reach
        nothing."""
        for w in self._hidden:
            w.opacity, w.turned_away = 1, False
        self._hidden, self._blocked = [], []
        if not turned:
            self._place_pager()
            self._show_buttons()
            if self._layout_key() != self._placed:
                # The body changed again while this pass laid it out (a message wrapped at its
                # real width, a question given way): a trigger called from its own callback is
                # dropped, so look once more on the next frame.
                self._again_trigger()
        if not self.overflows:
            return
        top, bottom = self._window()
        cut_top, cut_bottom = top, bottom
        for u_top, u_bottom, ws in _page_units(self.body):
            if u_bottom - u_top > self.scroll.height - 1:
                continue
            if u_top < top - 1 < u_bottom or u_top < bottom - 1 < u_bottom - 2:
                for w in ws:
                    if w.opacity > 0:
                        w.opacity, w.turned_away = 0, True  # one 往上翻 / 往下翻 away
                        self._hidden.append(w)
                if u_top < top - 1:
                    cut_top = max(cut_top, u_bottom)
                else:
                    cut_bottom = min(cut_bottom, u_top)
        y0 = self.scroll.to_window(0, self.scroll.y)[1]
        y1 = y0 + self.scroll.height
        if cut_bottom < bottom:
            self._blocked.append((y0, y0 + bottom - cut_bottom))
        if cut_top > top:
            self._blocked.append((y1 - (cut_top - top), y1))

    def _hidden_touch(self, _scroll: Any, touch: Any) -> bool:
        return any(lo <= touch.y <= hi for lo, hi in self._blocked)

    def turn(self, direction: int) -> None:
        """To the next (1) or previous (-1) whole pieces: the first piece not yet seen goes to
        the top (or the one above the first seen to the bottom)."""
        hidden = self.body.height - self.scroll.height
        if hidden <= 0:
            return
        top, bottom = self._window()
        units = [(t, b) for t, b, _ws in _page_units(self.body)]
        if direction > 0:
            starts = [t for t, b in units if b > bottom + 1 and t > top + 1]
            new_top = min(starts) if starts else top + self.scroll.height * 0.85
            if not starts or new_top - top < self.scroll.height * 0.25:  # a very tall piece
                new_top = top + self.scroll.height * 0.85
        else:
            above = [b for t, b in units if t < top - 1]
            end = max(above) if above else top - self.scroll.height * 0.85
            if top - end > self.scroll.height * 0.75 or not above:
                end = top
            starts = [t for t, b in units if t >= end - self.scroll.height - 1]
            new_top = min(starts) if starts else end - self.scroll.height
            if new_top >= top - 1:
                new_top = top - self.scroll.height * 0.85
        self.scroll.scroll_y = min(1.0, max(0.0, 1.0 - new_top / hidden))
        self._mask_now(turned=True)

    def reveal(self, widget: Any) -> None:
        """Turn the page until ``widget`` is wholly in view (as a resident would with 往下翻)."""
        for _ in range(40):
            y = widget.to_window(widget.x, widget.y)[1]
            y0 = self.scroll.to_window(0, self.scroll.y)[1]
            if (
                widget.opacity > 0
                and y >= y0 - 1
                and y + widget.height <= y0 + self.scroll.height + 1
            ):
                return
            below = y < y0
            before = self.scroll.scroll_y
            self.turn(1 if below else -1)
            self.scroll.update_from_scroll()
            if self.scroll.scroll_y == before:
                return

    def clear(self) -> None:
        self.body.clear_widgets()
        for w in self._hidden:
            w.opacity, w.turned_away = 1, False
        self._hidden, self._blocked = [], []
        self._placed = None
        self.scroll.scroll_y = 1
        # The next page's content height change refits the scroll (no refit here: an extra
        # layout pass is an extra redraw of every page).

    def hold_drag(self, held: bool) -> None:
        """Kept for the writing pad: a drag on the page never scrolls it anyway."""
        self.drag_scrolls = False

    def add(self, *widgets: Any) -> None:
        for widget in widgets:
            self.body.add_widget(widget)

    def set_nav(
        self, left: Sequence[Any] = (), right: Sequence[Any] = (), *, beside: bool = False
    ) -> None:
        """Buttons at the bottom: going back on the left, going on on the right. ``beside``: in
        a column at the right of the page instead, going back at the top and going on at the
        bottom (a keyboard page on a short landscape screen: the row of height it frees is a
        row of keys, so the question, the answer and every key are on screen at once)."""
        self.nav.clear_widgets()
        self.nav_beside(beside)
        for w in left:
            self.nav.add_widget(w)
        self.nav.add_widget(Label())
        for w in right:
            self.nav.add_widget(w)
        if beside:
            self.fit_column()
        else:
            self.fit_nav()

    def body_room(self, *, nav_beside: bool) -> float:
        """The height the page body has at the window's size: under the top bar and, unless the
        nav buttons stand in a column beside it, over them (from sizes alone, one pass)."""
        from kivy.core.window import Window

        from screens.theme import TOUCH_PX

        rows = int(self.top_bar.rows)
        bars = rows * TOUCH_PX + (rows - 1) * 16 + (0 if nav_beside else TOUCH_PX + 16)
        return float(Window.height - 24 - bars - 16)

    def nav_column_width(self) -> float:
        """The nav column's width (its buttons measured by :meth:`fit_column`) and its gap
        beside the body; 0 where the nav is a bar at the bottom."""
        beside = self.nav.parent is self.middle
        return float(self.nav.width + self.middle.spacing) if beside else 0.0

    def nav_beside(self, beside: bool) -> None:
        nav = self.nav
        if beside == (nav.parent is self.middle):
            return
        nav.parent.remove_widget(nav)
        if beside:
            if self.progress_row.parent is not None:
                self.remove_widget(self.progress_row)
            nav.orientation = "vertical"
            nav.size_hint = (None, 1)
            nav.spacing = 16
            self.middle.add_widget(nav)
        else:
            nav.orientation = "horizontal"
            nav.size_hint = (1, None)
            nav.height = 124
            nav.spacing = 40
            self.add_widget(nav, index=0)

    def fit_column(self) -> None:
        """The nav column: as wide as its widest button, each button a whole row, 第N步/共M步
        on two lines between them."""
        from screens.theme import TOUCH_PX

        width = float(TOUCH_PX)
        for w in self.nav.children:
            if isinstance(w, BarButton):
                width = max(width, ems(w.text) * float(w.font_size) + 36)
        for w in self.nav.children:
            if isinstance(w, BarButton):
                w.size_hint = (1, None)
                w.height = TOUCH_PX
            elif isinstance(w, ProgressLabel):
                w.size_hint_y = None
                w.height = 2.6 * float(w.font_size)
        self.nav.width = width
        # Four buttons and the progress are more than a short page's height (a text page with
        # 手写 and 说出来): then the buttons stay whole and 第N步/共M步 gives way.
        from kivy.core.window import Window

        buttons = [w for w in self.nav.children if isinstance(w, BarButton)]
        bars = self.top_bar.rows * TOUCH_PX + (self.top_bar.rows - 1) * 16
        room = Window.height - 24 - 16 - bars
        for w in list(self.nav.children):
            if isinstance(w, ProgressLabel):
                need = len(buttons) * (TOUCH_PX + 16) + w.height + 16
                if need > room:
                    self.nav.remove_widget(w)

    def fit_nav(self) -> None:
        """第N步/共M步 between the buttons on one line; else on two lines (第N步 over 共M步) with
        the buttons closer; else, on a tall window, on a row of its own above the buttons; else
        (800×1280 with three buttons at 大/特大) it gives way: the rows it would take are the
        question's and the keys' (issue 12). From the font size and the window only (one pass)."""
        from kivy.core.window import Window

        self.progress_row.clear_widgets()
        if self.nav.parent is self.middle:
            return
        if self.progress_row.parent is not None:
            self.remove_widget(self.progress_row)
        progress = next((w for w in self.nav.children if isinstance(w, ProgressLabel)), None)
        if progress is None:
            return
        font = float(progress.font_size)
        buttons = sum(
            max(124.0, len(w.text) * font + 36)
            for w in self.nav.children
            if isinstance(w, BarButton)
        )
        gaps = len(self.nav.children) - 1
        one_line = ems(progress.one_line) * font
        two_lines = max(ems(part) for part in progress.one_line.split("/")) * font
        room = Window.width - 24
        self.nav.spacing = 40
        need = buttons + one_line + 40 * gaps
        if need <= room:
            return
        if buttons + two_lines + 16 * gaps <= room:
            self.nav.spacing = 16
            return
        self.nav.remove_widget(progress)
        if Window.height < TALL_WINDOW_PX:
            return
        spare = [w for w in self.nav.children if type(w) is Label]
        count = len(self.nav.children) - len(spare)
        if buttons + 40 * gaps > room - 40 * count:
            for w in spare:  # tight: the buttons spread evenly instead
                self.nav.remove_widget(w)
            self.nav.spacing = 16
        else:
            self.nav.add_widget(Label(), index=len(self.nav.children) - 1)
        self.progress_row.add_widget(progress)
        self.add_widget(self.progress_row, index=1)  # just above the buttons


def nav_button(text: str, on_press: Any, role: str = "normal") -> BarButton:
    button = BarButton(text=text, role=role)
    button.bind(on_release=lambda _w: on_press())
    return button


def row(*widgets: Any, height: float = 124, spacing: float = 20) -> BoxLayout:
    """A fixed-height horizontal row (e.g. an answer and its 修改 button)."""
    box = BoxLayout(size_hint_y=None, height=height, spacing=spacing)
    for w in widgets:
        box.add_widget(w)
    return box


KEY_GAP = 20


TITLE_MARGIN_PX = 48


def keypad_room(window_w: float, window_h: float) -> tuple[bool, float]:
    """(portrait, height a page body has) for the window: what KeypadRow fits into."""
    from screens.theme import TOUCH_PX

    portrait = window_h > window_w
    bars = 2 * TOUCH_PX + (TOUCH_PX + 16 if portrait and window_w < 1000 else 0)
    return portrait, window_h - 24 - bars - 2 * 16


# A question beside the keys needs room for this many characters of body text a line (an ID
# number in the answer box is about as wide); where the window leaves it less (1024×768, and
# 1280×800 at 特大), the keys go under the question in two rows of six and the nav buttons in a
# column at the right (a wizard's number pages: KeypadRow ``nav_width``).
BESIDE_EMS = 13
STACKED_COLS = 6
STACKED_SPACING = 24  # between the question column and the keys under it
SPACING = 40  # between the question column and the keys beside or (portrait) under it
# Page padding (12 each side) and the page body's right padding (clear of the page strip).
_PAGE_SIDES = 24 + 24


@dataclass(frozen=True)
class KeypadPlan:
    """How a number page is laid out in a window at a body font size (KeypadRow.plan)."""

    mode: str  # "beside" (keys at the right), "stacked" (keys under, nav beside), "below"
    key: float  # key height
    cols: int
    column_width: float  # the width the question column gets
    column_room: float  # the height it may take with the keys still on screen
    key_width: float = 0.0  # the narrowest a digit key may be (0: as wide as high)
    keypad_width: float = 0.0  # beside: the keypad's width (its word keys whole)

    @property
    def keypad_height(self) -> float:
        rows = -(-12 // self.cols)
        return rows * self.key + (rows - 1) * KEY_GAP

    @property
    def short(self) -> bool:
        """Too little room for a title-size paragraph: only the question's first sentence is
        the title, the hint goes in the empty answer box. Beside the keys the column is as
        tall as they are (a 3×4 keypad's height, or it is short); over them it has what they
        leave (a title, a line of hint and the answer box take about 300 px at 特大)."""
        need = 4 * 124 + 3 * KEY_GAP if self.mode == "beside" else 300
        return self.column_room < need


def plan_keypad(
    window_w: float,
    window_h: float,
    body_px: float,
    *,
    nav_width: float | None = None,
) -> KeypadPlan:
    """The keypad layout for the window (from its size, the font and the nav column only, so it
    can't feed back into itself): in portrait the keys under the question (3×4, or 4×3 where
    the page is short); in landscape beside it (3×4, 4×3 or 6×2, whichever fits the page's
    height), or — the column beside too narrow, and a ``nav_width`` for the nav buttons in a
    column beside (Page.nav_column_width) — under it in two rows of six."""
    from screens.displays import display_for
    from screens.theme import TOUCH_PX

    portrait, room = keypad_room(window_w, window_h)
    if portrait:
        cols = 3 if room - (4 * TOUCH_PX + 3 * KEY_GAP) >= 420 else 4
        plan = KeypadPlan("below", TOUCH_PX, cols, window_w - _PAGE_SIDES, 0.0)
        return replace(plan, column_room=room - plan.keypad_height - SPACING)
    # Keys of the display's own minimum (+ 8) where it allows less than 120 px (1024×768: 96).
    key = min(TOUCH_PX, display_for(int(window_w), int(window_h)).target_min + 8)
    cols = 3
    for c in (3, 4, 6):
        rows = 12 // c
        cols = c
        if rows * key + (rows - 1) * KEY_GAP <= room:
            break
    key_w = 150 if cols == 3 else key
    # Two columns hold a word key (删除, and 清空 or X's neighbour): never narrower than the word.
    word_w = max(key_w, ems("删除") * body_px + 28)
    keypad_w = (cols - 2) * key_w + 2 * word_w + (cols - 1) * KEY_GAP
    column_w = window_w - _PAGE_SIDES - keypad_w - SPACING
    if nav_width is None or column_w >= BESIDE_EMS * body_px:
        return KeypadPlan("beside", key, cols, column_w, room, keypad_width=keypad_w)
    middle = room + TOUCH_PX + 16  # the nav bar's row is the page's
    plan = KeypadPlan(
        "stacked",
        key,
        STACKED_COLS,
        window_w - _PAGE_SIDES - nav_width,
        0.0,
        key_width=display_for(int(window_w), int(window_h)).target_min,
    )
    return replace(plan, column_room=middle - plan.keypad_height - STACKED_SPACING)


def text_height(label: Any, text: str, width: float, **options: Any) -> float:
    """The height of ``text`` laid out off screen as ``label`` lays out its own (``options``:
    other ones, a font size) at ``width``."""
    from kivy.core.text import Label as CoreLabel

    options = {k: v for k, v in label._label.options.items() if k != "text"} | options
    probe = CoreLabel(text=text, **(options | {"text_size": (width, None)}))
    probe.refresh()
    return float(probe.texture.size[1] if probe.texture is not None else 0)


def height_at(label: Any, width: float) -> float:
    """The height ``label`` would have at ``width`` (its text laid out again off screen)."""
    if getattr(label, "_label", None) is None or not label.text:
        return float(label.height)
    extra = float(label.height) - float(label.texture_size[1]) if label.texture_size[1] else 8.0
    return text_height(label, label.text, width) + max(0.0, extra)


def column_height(widgets: Sequence[Any], width: float, spacing: float = 16) -> float:
    """How tall a column of these widgets would be at ``width`` (labels laid out again off
    screen, empty ones left out): to decide a layout before it is made."""
    shown = [w for w in widgets if not isinstance(w, Label) or w.text]
    total = spacing * max(0, len(shown) - 1)
    for w in shown:
        total += height_at(w, width) if isinstance(w, Label) else w.height
    return total


class KeypadRow(BoxLayout):  # type: ignore[misc]
    """The question, answer box and messages with the keypad — one glance, no turning: beside
    them in landscape, the keypad 3×4, or 4×3 / 6×2 where the screen is short; under them in two
    rows of six where the column beside would be too narrow (``nav_width``: the page's nav
    buttons then stand in a column that wide at the right); under them in portrait. ``follow``:
    the row lives as long as its screen and refits in one pass when the window changes size (a
    wizard's rows are built per page and bind nothing that outlives them: issue 18)."""

    def __init__(
        self,
        left: Sequence[Any],
        keypad: Any,
        *,
        follow: bool = False,
        nav_width: float | None = None,
    ) -> None:
        super().__init__(size_hint_y=None, spacing=SPACING)
        self.keypad: Any = keypad
        self.nav_width = nav_width
        self.plan: KeypadPlan | None = None
        self.column = BoxLayout(orientation="vertical", size_hint_y=None, spacing=16)
        self.column.bind(minimum_height=self.column.setter("height"))
        for w in left:
            self.column.add_widget(w)
        self.holder = BoxLayout(orientation="vertical")
        self.holder.add_widget(self.column)
        self.holder.add_widget(Label())  # keeps the column at the top
        if keypad.parent is not None:
            keypad.parent.remove_widget(keypad)
        self.add_widget(self.holder)
        self.add_widget(keypad)
        self.column.bind(height=self._height)
        keypad.bind(height=self._height)
        if follow:  # a row that lives as long as its screen: refit when the window changes
            from kivy.core.window import Window

            Window.bind(size=self.fit)
        self.fit()

    def fit(self, *_: Any) -> None:
        from kivy.core.window import Window

        keypad = self.keypad
        if keypad is None:
            return
        (window_w, window_h), body_px = Window.size, style_px("body_px")
        plan = self.plan = plan_keypad(window_w, window_h, body_px, nav_width=self.nav_width)
        self.spacing = STACKED_SPACING if plan.mode == "stacked" else SPACING
        keypad.key_height = plan.key
        keypad.layout_cols = plan.cols
        keypad.key_width = plan.key_width
        keypad.size_keys()  # the font may have changed (字号) with the same key size
        if plan.mode == "below":
            self.orientation = "vertical"
            keypad.size_hint_x = 1
            self.holder.size_hint_y = None
        elif plan.mode == "stacked":
            self.orientation = "vertical"
            self.holder.size_hint_y = None
            keypad.size_hint_x = 1  # the digit keys share what the word keys leave
            for w in self.column.children:
                if isinstance(w, AnswerBox):
                    w.font_factor = 1.0
        else:
            self.orientation = "horizontal"
            self.holder.size_hint_y = 1
            for w in self.column.children:
                if isinstance(w, AnswerBox):
                    w.font_factor = 1.25 if plan.cols == 3 else 1.0
            keypad.size_hint_x = None
            keypad.width = plan.keypad_width
        self._height()

    def _height(self, *_: Any) -> None:
        keypad_h = self.keypad.height if self.keypad is not None else 0
        self._give_way()
        if self.orientation == "vertical":
            self.holder.height = self.column.height
            self.height = self.column.height + self.spacing + keypad_h
        else:
            self.height = max(self.column.height, keypad_h)

    def _give_way(self) -> None:
        """A question, answer box and error message taller than the room the keys leave would
        push the keys a page turn away (1280×800 and 1366×768 at 特大 beside them, 800×1280
        under them): the question gives way (:class:`Question`), each label measured at the
        width the column will have, from the window size and the texts alone."""
        plan = self.plan
        question = next((w for w in self.column.children if isinstance(w, Question)), None)
        if plan is None or plan.column_width <= 0 or question is None:
            return
        width = plan.column_width
        others = [w for w in self.column.children if w is not question]
        base = sum(height_at(w, width) if isinstance(w, Label) else w.height for w in others)
        base += self.column.spacing * len(others)
        error = any(isinstance(w, NoteLabel) and w.text and w.opacity > 0 for w in others)
        # A margin for what the estimate can't see (a message label not laid out yet, the
        # bars at 大 a little taller than at 标准): a question a shade smaller than needed costs
        # nothing, keys pushed a page turn away cost a resident the page.
        question.give_way(width, plan.column_room - TITLE_MARGIN_PX - base, error=error)

    def remove_widget(self, widget: Any, *args: Any, **kwargs: Any) -> None:
        """The shared keypad moves on to the next page: let go of it (issue 18: a binding left
        on it kept every keypad page alive)."""
        if widget is self.keypad:
            widget.unbind(height=self._height)
            self.keypad = None
        super().remove_widget(widget, *args, **kwargs)
