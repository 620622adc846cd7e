"""刷身份证 on an identity page: the tile with a picture of where the card goes, the read on a
worker thread, and the large read-back the resident confirms with one tap.

The wizard (``screens/wizard.py``) owns the page; this module holds the pieces only the card
path needs. A read's result comes back on the Kivy thread with ``Clock.schedule_once``; leaving
the page cancels it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Line, Rectangle
from kivy.uix.widget import Widget

from kiosk.devices.idcard import CardReader, ReadResult

READ_TIMEOUT_S = 30.0  # a resident may need a while to find the card in a pocket


class CardPicture(Widget):  # type: ignore[misc]
    """A reader seen from above with a card lying flat on it: where the card goes."""

    def __init__(self, ink: Any, card: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.canvas:
            Color(rgba=ink)  # the reader: an outlined box, so it shows on either theme
            self._reader = Line(width=3)
            Color(rgba=card)
            self._card = Rectangle()
            Color(rgba=ink)
            self._outline = Line(width=3)
            self._chip = Rectangle()
        self.bind(pos=self._draw, size=self._draw)

    def _draw(self, *_: Any) -> None:
        w = min(self.width, self.height * 1.6)
        h = w / 1.6
        x, y = self.center_x - w / 2, self.center_y - h / 2
        self._reader.rectangle = (x, y, w, h * 0.55)
        # The card is 85.6 × 54 mm: drawn at that ratio, lying on the reader's top face.
        cw, ch = w * 0.6, w * 0.6 * 54 / 85.6
        cx, cy = self.center_x - cw / 2, y + h * 0.3
        self._card.pos, self._card.size = (cx, cy), (cw, ch)
        self._outline.rectangle = (cx, cy, cw, ch)
        self._chip.pos, self._chip.size = (cx + cw * 0.1, cy + ch * 0.4), (cw * 0.15, ch * 0.25)


class CardRead:
    """One read in flight: ``reader.read`` on a worker thread, the result handed to ``done`` on
    the Kivy thread unless :meth:`cancel` came first."""

    def __init__(self, reader: CardReader, done: Callable[[ReadResult], None]) -> None:
        self._reader = reader
        self._done = done
        self._cancelled = False
        self._thread = threading.Thread(target=self._work, name="card-read", daemon=True)

    def start(self) -> CardRead:
        self._thread.start()
        return self

    def _work(self) -> None:
        result = self._reader.read(timeout_s=READ_TIMEOUT_S)
        Clock.schedule_once(lambda _dt: self._deliver(result))

    def _deliver(self, result: ReadResult) -> None:
        if not self._cancelled:
            self._done(result)

    def cancel(self) -> None:
        """The resident left the page: the read stops and its result, if any, is dropped."""
        self._cancelled = True
        self._reader.cancel()

    def wait(self, timeout_s: float) -> None:
        """Tests: until the worker has its result (then pump the clock to deliver it)."""
        self._thread.join(timeout_s)
