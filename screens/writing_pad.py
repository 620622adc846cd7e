"""The ways of writing Chinese on a text page besides the pinyin keyboard: 手写, a pad the resident
writes one character on with a finger, with big candidate buttons; and 说出来, a big tile that
starts free dictation.

Strokes are drawn as the finger moves. At each stroke's end the ink so far goes to one worker
thread for recognition (zinnia takes 10–40 ms, too long for a touch handler); the candidates
come back with ``Clock.schedule_once`` and a result for an older ink than the pad's current one
is dropped. Tapping a candidate appends it to ``value`` and clears the pad for the next
character — the same ``value`` the pinyin keyboard has, so a page watches either the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Line
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.devices.handwriting import Candidate, HandwritingRecognizer, Ink
from kiosk.session import WriteWay
from screens.widgets import BigButton, ems

CANDIDATES_SHOWN = 9  # asked of the recogniser; the pad shows as many as fit (``shown``)
# What each way is called on its one-tap switch (kiosk.session.WriteWay).
WAY_LABELS = {WriteWay.HAND: "手写", WriteWay.PINYIN: "拼音", WriteWay.VOICE: "说出来"}
SPEAK_TILE = "点这里，开始说"


class InkPad(Widget):  # type: ignore[misc]
    """Where the finger writes; ``on_stroke`` fires with the whole ink at each stroke's end."""

    __events__ = ("on_stroke",)

    def __init__(self, ink_colour: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._colour = ink_colour
        self.strokes: list[list[tuple[int, int]]] = []
        self._lines: list[Line] = []

    def on_touch_down(self, touch: Any) -> bool:
        if not self.collide_point(*touch.pos):
            return False
        touch.grab(self)
        self.strokes.append([self._point(touch)])
        with self.canvas:
            Color(rgba=self._colour)
            self._lines.append(Line(points=list(touch.pos), width=6))
        return True

    def on_touch_move(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return False
        self.strokes[-1].append(self._point(touch))
        self._lines[-1].points += list(touch.pos)
        return True

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        self.dispatch("on_stroke", self.ink())
        return True

    def on_stroke(self, ink: Ink) -> None:
        pass

    def _point(self, touch: Any) -> tuple[int, int]:
        # The recogniser's y runs downwards from the pad's top-left corner.
        return int(touch.x - self.x), int(self.top - touch.y)

    def ink(self) -> Ink:
        """What is on the pad now."""
        size = (max(1, int(self.width)), max(1, int(self.height)))
        return Ink(size[0], size[1], tuple(tuple(s) for s in self.strokes))

    def replay(self, strokes: list[list[tuple[float, float]]]) -> None:
        """Draw ``strokes`` given as fractions of the pad (x right, y down), as a finger would
        have; ``on_stroke`` fires once at the end (the tour's written character)."""
        for stroke in strokes:
            points = [(self.x + fx * self.width, self.top - fy * self.height) for fx, fy in stroke]
            self.strokes.append([(int(x - self.x), int(self.top - y)) for x, y in points])
            with self.canvas:
                Color(rgba=self._colour)
                self._lines.append(Line(points=[c for p in points for c in p], width=6))
        self.dispatch("on_stroke", self.ink())

    def clear(self) -> None:
        self.strokes = []
        self._lines = []
        self.canvas.clear()


class Recognition:
    """One worker thread for a pad's recognitions, newest ink wins."""

    def __init__(
        self, recognizer: HandwritingRecognizer, done: Callable[[list[Candidate]], None]
    ) -> None:
        self._recognizer = recognizer
        self._done = done
        self._lock = threading.Lock()
        self._wanted = threading.Condition(self._lock)
        self._pending: tuple[int, Ink] | None = None
        self._latest = 0
        self._stopped = False
        self._thread = threading.Thread(target=self._work, name="handwriting", daemon=True)
        self._thread.start()

    def ask(self, ink: Ink) -> None:
        """Recognise ``ink``; an earlier ink still waiting is replaced, not recognised."""
        with self._wanted:
            self._latest += 1
            self._pending = (self._latest, ink)
            self._wanted.notify()

    def forget(self) -> None:
        """The pad was cleared: any result on its way is dropped."""
        with self._lock:
            self._latest += 1
            self._pending = None

    def stop(self) -> None:
        with self._wanted:
            self._stopped = True
            self._pending = None
            self._wanted.notify()

    def _work(self) -> None:
        while True:
            with self._wanted:
                while self._pending is None and not self._stopped:
                    self._wanted.wait()
                if self._stopped:
                    return
                assert self._pending is not None
                number, ink = self._pending
                self._pending = None
            found = self._recognizer.recognize(ink, CANDIDATES_SHOWN)
            Clock.schedule_once(lambda _dt, n=number, f=found: self._deliver(n, f))

    def _deliver(self, number: int, found: list[Candidate]) -> None:
        with self._lock:
            current = number == self._latest
        if current:
            self._done(found)


class WritingPad(BoxLayout):  # type: ignore[misc]
    """The pad with the candidates, 重写 and 删一个字 beside it; ``value`` is what was written
    so far. :meth:`arrange` fits it to the display: one row — pad, candidates, buttons — on a
    landscape screen, where it sits beside the question (short screens must not scroll under a
    writing finger); in portrait the pad beside columns of candidates, 重写 and 删一个字 in a
    row under both, as many candidates as the height the page gives it has room for."""

    value = StringProperty("")
    max_length = NumericProperty(200)

    def __init__(self, recognizer: HandwritingRecognizer, style: Any, **kwargs: Any) -> None:
        super().__init__(orientation="horizontal", spacing=16, **kwargs)
        self.style = style
        self.recognizer = recognizer
        self.candidates: list[Candidate] = []
        self.recognition = Recognition(recognizer, self._show_candidates)
        self.pad = InkPad(style.text)
        with self.pad.canvas.before:
            # The frame in a colour that shows on either theme, following a theme change.
            self._frame_colour = Color(rgba=style.muted_text)
            self._frame = Line(width=2)
        # A bound method, which Kivy holds weakly: a closure on the app-wide style would keep
        # this pad (and the pages around it) alive for good (issue 18).
        style.bind(muted_text=self._recolour_frame)
        self.pad.bind(pos=self._draw_frame, size=self._draw_frame)
        self.pad.bind(on_stroke=lambda _p, ink: self.recognition.ask(ink))
        self.candidate_grid = GridLayout(cols=2, spacing=16)  # targets ≥ 16 px apart
        self.rewrite_button = BigButton(text="重写")
        self.rewrite_button.bind(on_release=lambda _w: self.rewrite())
        self.delete_button = BigButton(text="删一个字")
        self.delete_button.bind(on_release=lambda _w: self.delete_one())
        self.wide: bool | None = None
        self._shown = 6
        self.bind(size=self._fit_portrait)
        self.arrange(wide=True)

    def arrange(self, *, wide: bool) -> None:
        """``wide``: pad | candidates (2 columns × 3) | 重写 over 删一个字, all in one row
        (landscape, beside the question: 3 rows of big candidates fit the 1366×768 page). Else
        the pad beside the candidates with 重写 and 删一个字 in a row under both (portrait,
        where the page is narrow and tall)."""
        if wide == self.wide:
            return
        self.wide = wide
        touch = self.style.touch_px
        for widget in (self.pad, self.candidate_grid, self.rewrite_button, self.delete_button):
            if widget.parent is not None:
                widget.parent.remove_widget(widget)
        self.clear_widgets()
        buttons = BoxLayout(orientation="vertical" if wide else "horizontal", spacing=16)
        buttons.add_widget(self.rewrite_button)
        buttons.add_widget(self.delete_button)
        grid = self.candidate_grid
        if wide:
            self.orientation = "horizontal"
            self.pad.size_hint_x = 1
            grid.cols, grid.size_hint_x, grid.width = 2, None, 2 * touch + grid.spacing[0]
            buttons.size_hint_x, buttons.width = None, touch * 1.4
            self.add_widget(self.pad)
            self.add_widget(grid)
            self.add_widget(buttons)
            grid.row_force_default = False
            self._shown = 6
        else:
            self.orientation = "vertical"
            self.pad.size_hint_x = 1
            grid.size_hint_x = None
            top = BoxLayout(spacing=16)
            top.add_widget(self.pad)
            top.add_widget(grid)
            buttons.size_hint_y, buttons.height = None, touch
            self.add_widget(top)
            self.add_widget(buttons)
            self._fit_portrait()
        self._show_candidates(self.candidates)

    @staticmethod
    def portrait_heights(touch: float) -> tuple[float, float]:
        """(least, full) height of the portrait pad: 2 rows of candidates beside the pad — a
        writing area a finger still writes a character in — or 3, with the button row."""
        rows = [n * touch + (n - 1) * 16 + 16 + touch for n in (2, 3)]
        return rows[0], rows[1]

    def _fit_portrait(self, *_: Any) -> None:
        """The candidate columns and rows the portrait pad's size has room for: 3 columns in
        half the width where they are a finger wide, else 2; 3 rows, or 2 on a short page."""
        if self.wide is not False or self.width < 1:
            return
        touch = self.style.touch_px
        grid = self.candidate_grid
        half = (self.width - 16) / 2
        if half >= 3 * touch + 2 * 16:
            grid.cols, grid.width = 3, half
        else:
            grid.cols, grid.width = 2, max(2 * touch + 16, (self.width - 16) * 0.4)
        top_height = self.height - touch - 16
        rows = max(1, min(3, int((top_height + 16) // (touch + 16))))
        # Rows as high as the rows that fit, from the top, however few candidates came back.
        grid.row_force_default = True
        grid.row_default_height = max(touch, (top_height - 16 * (rows - 1)) / rows)
        shown = grid.cols * rows
        if shown != self._shown:
            self._shown = shown
            self._show_candidates(self.candidates)

    @property
    def shown(self) -> int:
        """How many candidates fit: 2 × 3 in the wide row; in portrait, what fits the pad's
        size (3 × 3 on a wide portrait screen, 2 × 3 on a narrow one)."""
        return self._shown

    def _recolour_frame(self, _style: Any, colour: Any) -> None:
        self._frame_colour.rgba = colour

    def _draw_frame(self, *_: Any) -> None:
        self._frame.rectangle = (self.pad.x, self.pad.y, self.pad.width, self.pad.height)

    def _show_candidates(self, found: list[Candidate]) -> None:
        self.candidates = found
        row = self.candidate_grid
        row.clear_widgets()
        for candidate in found[: self.shown]:
            button = BigButton(text=candidate.char)
            button.font_size = self.style.title_px  # after the kv rule, which sets body size
            button.bind(on_release=lambda _w, c=candidate.char: self.pick(c))
            row.add_widget(button)

    def pick(self, char: str) -> None:
        """A candidate tapped: it is written, and the pad is ready for the next character."""
        if len(self.value) < int(self.max_length):
            self.value += char
        self.rewrite()

    def rewrite(self) -> None:
        """重写: the character being written is wiped off the pad."""
        self.pad.clear()
        self.recognition.forget()
        self._show_candidates([])

    def delete_one(self) -> None:
        """删一个字: the last character written goes."""
        self.value = self.value[:-1]

    def stop(self) -> None:
        self.recognition.stop()


class SpeakPad(BoxLayout):  # type: ignore[misc]
    """说出来: a big tile that starts free dictation (``on_speak``; the app listens, as for the
    top bar's 说话, and what is heard is added to ``value``), with 删一个字 and 全部重说."""

    __events__ = ("on_speak",)
    value = StringProperty("")
    max_length = NumericProperty(200)
    min_height = NumericProperty(124)

    def __init__(self, style: Any, **kwargs: Any) -> None:
        super().__init__(orientation="horizontal", spacing=16, **kwargs)
        self.style = style
        tile = BigButton(text=SPEAK_TILE, size_hint_x=0.5)
        tile.bind(on_release=lambda _w: self.dispatch("on_speak"))
        delete = BigButton(text="删一个字", size_hint_x=0.25)
        delete.bind(on_release=lambda _w: self.delete_one())
        again = BigButton(text="全部重说", size_hint_x=0.25)
        again.bind(on_release=lambda _w: setattr(self, "value", ""))
        self.tile, self.delete_button, self.again_button = tile, delete, again
        self._buttons = BoxLayout(spacing=16, size_hint_y=None, height=style.touch_px)
        self.column: bool | None = None
        self.arrange(column=False)
        # As tall as the page asks (min_height), taller when the tile's words take two lines
        # (特大 in portrait): never cut off.
        tile.bind(texture_size=self._grow)
        self.bind(min_height=self._grow, height=self._fit_column)
        # Its words at title size on one line where they fit, else at body size (the kv rule
        # sets body size at each scale change: put right again here). Bound methods: Kivy
        # holds them weakly, so the app-wide style doesn't keep this tile alive (issue 18).
        tile.bind(width=self._fit_words, font_size=self._fit_words)
        style.bind(title_px=self._fit_words, body_px=self._fit_words)
        self._fit_words()

    def arrange(self, *, column: bool) -> None:
        """In a row — the tile, 删一个字, 全部重说 — under the answer; or ``column``: the tile
        over the two buttons, beside the question on a short landscape page."""
        if column == self.column:
            return
        self.column = column
        for widget in (self.tile, self.delete_button, self.again_button):
            if widget.parent is not None:
                widget.parent.remove_widget(widget)
        self.clear_widgets()
        if column:
            self.orientation = "vertical"
            self.tile.size_hint_x = 1
            self.delete_button.size_hint_x = self.again_button.size_hint_x = 0.5
            self.add_widget(self.tile)
            self._buttons.add_widget(self.delete_button)
            self._buttons.add_widget(self.again_button)
            self.add_widget(self._buttons)
            self._fit_column()
        else:
            self._fit_column()
            self.orientation = "horizontal"
            self.tile.size_hint_x = 0.5
            self.delete_button.size_hint_x = self.again_button.size_hint_x = 0.25
            for widget in (self.tile, self.delete_button, self.again_button):
                self.add_widget(widget)

    def _fit_column(self, *_: Any) -> None:
        """In a column lower than two finger-high rows (1024×768 at 特大 with 说话 in the top
        bar), the tile and the button row share its height, each at least 4/5 of a finger
        (99 px: that display's smallest target is 96)."""
        touch = float(self.style.touch_px)
        row = touch
        if self.column:
            row = max(0.8 * touch, min(touch, (self.height - 16) / 2))
        self._buttons.height = row
        for button in (self.tile, self.delete_button, self.again_button):
            button.size_hint_min_y = row

    def _fit_words(self, *_: Any) -> None:
        title = float(self.style.title_px)
        one_line = ems(SPEAK_TILE) * title + 24 + 16 <= self.tile.width
        self.tile.font_size = title if one_line else float(self.style.body_px)

    def _grow(self, *_: Any) -> None:
        if self.size_hint_y is None:
            self.height = max(self.min_height, self.tile.texture_size[1] + 24)

    def on_speak(self) -> None:
        pass

    def delete_one(self) -> None:
        """删一个字: the last character heard goes."""
        self.value = self.value[:-1]
