"""Reusable big-touch widgets shared by every screen (styles in widgets.kv).

Widgets post upward: they dispatch their own events (``on_choice``, ``on_value``) or call the
screen's :meth:`~screens.base.KioskScreen.report`; they never switch screens themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from screens import pinyin
from screens.line_breaks import BreaksLines


class BodyLabel(BreaksLines, Label):  # type: ignore[misc]
    """Body text: ≥ 32 px, wraps to its width, 1.4 line spacing."""


class BasisLabel(BodyLabel):
    """The small 依据 line for staff (the articles), after the plain words: the audit's minimum."""


class TitleLabel(BreaksLines, Label):  # type: ignore[misc]
    """Screen title: ≥ 48 px."""


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
    """A tile's words under its icon."""


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
    on every screen: 大声点 / 慢一点 sit beside 朗读, where a resident who can't follow looks."""

    screen = ObjectProperty(None, allownone=True)
    voice_ready = BooleanProperty(False)
    show_staff = BooleanProperty(False)
    show_voice_tuning = BooleanProperty(True)  # 大声点 / 慢一点
    scale_label = StringProperty("标准")
    theme_name = StringProperty("default")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.read_button = self._button("朗读", "read_aloud")
        self.louder_button = self._button("大声点", "louder")
        self.slower_button = self._button("慢一点", "slower")
        self.speak_button = self._button("说话", "speak")
        self.scale_button = self._button("字号：标准", "cycle_font")
        self.theme_button = self._button("高对比", "toggle_theme")
        self.staff_button = self._button("工作人员", "staff")
        self.end_button = self._button("结束并清除", "end_session", role="danger")
        self.read_button.bind(font_size=self._update_texts)
        self._layout()

    def _button(self, text: str, outcome: str, role: str = "normal") -> BarButton:
        button = BarButton(text=text, role=role)
        button.bind(
            on_release=lambda _w: self.screen.report(outcome) if self.screen is not None else None
        )
        return button

    def _layout(self, *_: Any) -> None:
        self.clear_widgets()
        # Hidden buttons leave the tree: an invisible target is still a target for a finger.
        wanted = [self.read_button]
        if self.show_voice_tuning:
            wanted += [self.louder_button, self.slower_button]
        if self.voice_ready:
            wanted.append(self.speak_button)
        wanted += [self.scale_button, self.theme_button]
        if self.show_staff:
            wanted.append(self.staff_button)
        for button in wanted:
            self.add_widget(button)
        self.add_widget(Label(size_hint_x=1))  # pushes 结束并清除 to the far side
        self.add_widget(self.end_button)

    def on_voice_ready(self, *_: Any) -> None:
        if hasattr(self, "end_button"):
            self._layout()
            self._update_texts()

    def on_show_staff(self, *_: Any) -> None:
        if hasattr(self, "end_button"):
            self._layout()
            self._update_texts()

    def on_show_voice_tuning(self, *_: Any) -> None:
        if hasattr(self, "end_button"):
            self._layout()
            self._update_texts()

    def on_scale_label(self, *_: Any) -> None:
        self._update_texts()

    def on_theme_name(self, *_: Any) -> None:
        self._update_texts()

    def on_width(self, *_: Any) -> None:
        self._update_texts()

    def _update_texts(self, *_: Any) -> None:
        """Full words when they fit; short ones on a narrow screen with a large font.

        Decided from the font size and the bar's width only (never from rendered text widths),
        so switching can't feed back into itself.
        """
        if not hasattr(self, "end_button"):  # kv sets properties before __init__ has run
            return
        high = self.theme_name == "high_contrast"
        full = {
            self.scale_button: f"字号：{self.scale_label}",
            self.theme_button: "标准颜色" if high else "高对比",
            self.staff_button: "工作人员",
            self.louder_button: "大声点",
            self.slower_button: "慢一点",
        }
        short = {
            self.scale_button: "字号",
            self.theme_button: "颜色",
            self.staff_button: "员工",
            self.louder_button: "大声",
            self.slower_button: "慢点",
        }
        shown = [w for w in self.children if isinstance(w, BarButton)]
        font = self.read_button.font_size

        def need(texts: dict[Any, str]) -> float:
            total = 0.0
            for w in shown:
                n = len(texts[w] if w in texts else str(w.text))
                total += max(124.0, n * font + 56) + self.spacing
            return total

        texts = full if need(full) <= self.width else short
        for button, text in texts.items():
            button.text = text


class Keypad(GridLayout):  # type: ignore[misc]
    """Big digit keypad: 1–9, 0 (or only ``digits``), 删除, 清空 and (for ID numbers) X."""

    value = StringProperty("")
    max_length = NumericProperty(18)
    allow_x = BooleanProperty(False)
    # The digit keys shown: receipt codes use only 2–9, so their keypad shows only those and
    # never contradicts its own hint (只有 2 到 9).
    digits = StringProperty("1234567890")
    key_height = NumericProperty(124)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cols = 3
        self._build()

    def on_allow_x(self, *_: Any) -> None:
        self._build()

    def on_digits(self, *_: Any) -> None:
        self._build()

    def _build(self) -> None:
        if self.canvas is None:  # a property set from the constructor's kwargs: built below
            return
        self.clear_widgets()
        # Four rows always: with X (ID numbers) 删除 repeatedly clears, so 清空 gives way.
        if self.digits == "1234567890":
            keys = [*"123456789", "X" if self.allow_x else "清空", "0", "删除"]
        else:  # e.g. 2–9: the digits in order, then 清空 and 删除 side by side
            keys = [*self.digits, "X" if self.allow_x else "清空", "删除"]
        for key in keys:
            role = "danger" if key in ("删除", "清空") else "normal"
            button = BigButton(text=key, role=role, size_hint_y=None, height=self.key_height)
            button.key = key
            button.bind(on_release=lambda w: self.press(w.key))
            self.add_widget(button)

    def press(self, key: str) -> None:
        if key == "删除":
            self.value = self.value[:-1]
        elif key == "清空":
            self.value = ""
        elif len(self.value) < self.max_length:
            self.value += key


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

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.orientation = "vertical"
        self._candidates: list[pinyin.Candidate] = []
        self.candidate_row = BoxLayout(size_hint_y=None, height=124, spacing=16)
        self.letter_grid = GridLayout(cols=self.cols, size_hint_y=None, spacing=16)
        self.letter_grid.bind(minimum_height=self.letter_grid.setter("height"))
        self.add_widget(self.candidate_row)
        self.add_widget(self.letter_grid)
        self.bind(width=self._fit, letters=self._refresh, page=self._refresh, mode=self._keys)
        self._keys()

    def _keys(self, *_: Any) -> None:
        grid = self.letter_grid
        grid.clear_widgets()
        if self.mode == "digits":
            keys = [*"1234567890", *self.ADDRESS_KEYS]
            keys += [""] * (26 - len(keys))
        else:
            keys = list("abcdefghijklmnopqrstuvwxyz")
        for key in keys:
            if not key:
                grid.add_widget(Label(size_hint_y=None, height=124))
                continue
            button = BigButton(text=key, size_hint_y=None, height=124)
            button.key = key
            button.bind(on_release=lambda w: self._press(w.key))
            grid.add_widget(button)
        back = BigButton(text="删除", role="danger", size_hint_y=None, height=124)
        back.bind(on_release=lambda _w: self.backspace())
        grid.add_widget(back)
        self.letters = ""
        self._refresh()

    def _press(self, key: str) -> None:
        if self.mode == "digits":
            if len(self.value) + len(key) <= self.max_length:
                self.value += key
        else:
            self.type_letter(key)

    def toggle_mode(self) -> None:
        self.mode = "pinyin" if self.mode == "digits" else "digits"

    def _fit(self, *_: Any) -> None:
        # As many candidates as fit at 124 px each beside the paging and mode keys.
        slots = int((self.width + 16) // 140)
        self.per_page = max(2, slots - 3)
        self._refresh()

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

    def pick(self, candidate: pinyin.Candidate) -> None:
        if len(self.value) + len(candidate.text) <= self.max_length:
            self.value += candidate.text
        self.letters = self.letters[candidate.consumes :]
        self.page = 0

    def _build_row(self) -> None:
        """The candidate row's buttons, made once per width: typing only relabels them."""
        row = self.candidate_row
        row.clear_widgets()
        self._prev = BigButton(text="往前", size_hint_x=None, width=124)
        self._prev.bind(on_release=lambda _w: setattr(self, "page", max(0, self.page - 1)))
        row.add_widget(self._prev)
        self._slots: list[BigButton] = []
        for _ in range(self.per_page):
            button = BigButton(text="", role="accent", size_hint_x=None, width=124)
            button.candidate = None
            button.bind(on_release=lambda w: self.pick(w.candidate) if w.candidate else None)
            row.add_widget(button)
            self._slots.append(button)
        row.add_widget(Label(size_hint_x=1))
        self._more = BigButton(text="更多", size_hint_x=None, width=124)
        self._more.bind(on_release=lambda _w: setattr(self, "page", self.page + 1))
        row.add_widget(self._more)
        self._switch = BigButton(text="数字", role="accent", size_hint_x=None, width=124)
        self._switch.bind(on_release=lambda _w: self.toggle_mode())
        row.add_widget(self._switch)
        self._row_size = self.per_page

    def _refresh(self, *_: Any) -> None:
        if getattr(self, "_row_size", None) != self.per_page:
            self._build_row()
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
    """The frame of every screen except home: top bar, a scrolling body, a fixed nav bar.

    The body scrolls only when a large font on a small screen needs it; 上一步/下一步 stay put
    at the bottom so they are always where the hand expects them. A page that scrolls gets big
    往上翻 / 往下翻 buttons beside it: a thin scroll bar and a swipe mean nothing to someone who
    has never used a smartphone, and a button that is there says "there is more".
    """

    def __init__(self, screen: Any, **kwargs: Any) -> None:
        super().__init__(orientation="vertical", padding=20, spacing=16, **kwargs)
        self.top_bar = TopBar(screen=screen)
        self.scroll = page_scroll(
            do_scroll_x=False,
            bar_width=16,
            # A bar that stays as it is: Kivy fades it after every layout change, and that fade
            # redrew the whole screen for half a second after each page change — on a software
            # renderer, CPU taken from the next touch (benchmarks/ui.py).
            bar_color=SCROLL_BAR_COLOR,
            bar_inactive_color=SCROLL_BAR_COLOR,
            scroll_type=["bars", "content"],
            # A finger held this long without moving is a press: the button reacts on release,
            # instead of Kivy's default wait (200 ms) plus its fixed 200 ms release delay.
            scroll_timeout=100,
        )
        # Right padding keeps content clear of the scroll bar.
        self.body = BoxLayout(
            orientation="vertical", size_hint_y=None, spacing=16, padding=(0, 0, 28, 0)
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
        self.drag_scrolls = True
        # Scrolling only when the page doesn't fit: otherwise a ScrollView holds every tap back
        # until it knows the finger isn't dragging, and taps must answer at once.
        self.body.bind(height=self._fit_scroll)
        self.scroll.bind(height=self._fit_scroll, scroll_y=self._show_pager_buttons)
        self.nav = BoxLayout(size_hint_y=None, height=124, spacing=40)
        self.add_widget(self.top_bar)
        self.add_widget(self.middle)
        self.add_widget(self.nav)

    def _fit_scroll(self, *_: Any) -> None:
        # No layout loop: the strip only ever narrows the body while it overflows (which makes
        # it taller, so it still overflows), and leaves when the content fits even so.
        overflows = self.body.height > self.scroll.height + 1
        self.scroll.do_scroll_y = overflows and self.drag_scrolls
        if overflows and self.pager.parent is None:
            self.middle.add_widget(self.pager)
        elif not overflows and self.pager.parent is not None:
            self.middle.remove_widget(self.pager)
        for button in (self.up_button, self.down_button):  # each half the strip's height
            button.set_min_height(max(124.0, self.scroll.height / 2 - 8))
        self._show_pager_buttons()

    def _show_pager_buttons(self, *_: Any) -> None:
        """Only the buttons that can move the page are there (a dead button is still a target)."""
        overflows = self.pager.parent is not None
        wanted: list[Widget] = []
        if overflows and self.scroll.scroll_y < 0.999:
            wanted.append(self.up_button)
        wanted.append(self._spacer)  # keeps 往上翻 at the top and 往下翻 at the bottom
        if overflows and self.scroll.scroll_y > 0.001:
            wanted.append(self.down_button)
        if list(reversed(self.pager.children)) != wanted:  # scroll_y moves on every drag step
            self.pager.clear_widgets()
            for w in wanted:
                self.pager.add_widget(w)

    def turn(self, direction: int) -> None:
        """One screenful down (1) or up (-1), keeping a line of the last view for context."""
        hidden = self.body.height - self.scroll.height
        if hidden <= 0:
            return
        step = self.scroll.height * 0.85 / hidden
        self.scroll.scroll_y = min(1.0, max(0.0, self.scroll.scroll_y - direction * step))

    def clear(self) -> None:
        self.body.clear_widgets()
        self.scroll.scroll_y = 1
        # The next page scrolls by dragging again; its content's height change refits the
        # scroll (no refit here: an extra layout pass is an extra redraw of every page).
        self.drag_scrolls = True

    def hold_drag(self, held: bool) -> None:
        """A finger dragging on the page writes (the writing pad) instead of scrolling it;
        往上翻 / 往下翻 still turn the page."""
        self.drag_scrolls = not held
        self._fit_scroll()

    def add(self, *widgets: Any) -> None:
        for widget in widgets:
            self.body.add_widget(widget)

    def set_nav(self, left: Sequence[Any] = (), right: Sequence[Any] = ()) -> None:
        """Buttons at the bottom: going back on the left, going on on the right."""
        self.nav.clear_widgets()
        for w in left:
            self.nav.add_widget(w)
        self.nav.add_widget(Label())
        for w in right:
            self.nav.add_widget(w)


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


class KeypadRow(BoxLayout):  # type: ignore[misc]
    """The row :func:`beside_keypad` builds: as tall as the taller of its column and keypad.

    The keypad usually outlives the row (a wizard moves one shared keypad from page to page),
    so the row watches the keypad's height only while the keypad is in it. A closure left bound
    on the keypad kept every keypad page it was ever on alive (issue 18: memory grew with each
    page): on anything that outlives a page, bind bound methods (Kivy holds those weakly) and
    unbind them when the page lets go.
    """

    def __init__(self, column: BoxLayout, keypad: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.column = column
        self.keypad: Any = keypad
        column.bind(height=self.fit)  # the column is ours: no need to let go of it
        keypad.bind(height=self.fit)

    def fit(self, *_: Any) -> None:
        keypad = self.keypad
        self.height = max(self.column.height, keypad.height if keypad is not None else 0)

    def remove_widget(self, widget: Any, *args: Any, **kwargs: Any) -> None:
        if widget is self.keypad:
            widget.unbind(height=self.fit)
            self.keypad = None
        super().remove_widget(widget, *args, **kwargs)


def beside_keypad(left: Sequence[Any], keypad: Any, spacing: float = 40) -> BoxLayout:
    """Prompt, answer box and messages on the left, the keypad on the right: one glance, no
    scrolling, even at 1280×800."""
    column = BoxLayout(orientation="vertical", size_hint_y=None, spacing=24)
    column.bind(minimum_height=column.setter("height"))
    for w in left:
        column.add_widget(w)
    holder = BoxLayout(orientation="vertical")
    holder.add_widget(column)
    holder.add_widget(Label())  # keeps the column at the top
    keypad.size_hint_x = None
    keypad.width = 3 * 150 + 2 * 20
    box = KeypadRow(column, keypad, size_hint_y=None, spacing=spacing)
    box.add_widget(holder)
    box.add_widget(keypad)
    box.fit()
    return box
