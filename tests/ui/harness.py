"""A real kiosk in a real Kivy window (SDL offscreen), driven by simulated touches.

Kivy allows one Window and one running App per process, so the UI tests share one kiosk
(:func:`kiosk`), reset between tests with 结束并清除's own code path. Touches go through Kivy's
own input dispatch (``kivy.tests.common.UnitTestTouch``), exactly like a finger.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 1920, 1080


@dataclass
class Kiosk:
    app: Any
    data_dir: Path
    private_key: Any

    # -- time and frames ---------------------------------------------------------------------
    def pump(self, frames: int = 3, seconds: float = 0.0) -> None:
        """Run Kivy's clock (layout, text, timers) without drawing: under software GL a
        1920×1080 frame costs far more than the logic the tests check. ``draw()`` renders."""
        from kivy.clock import Clock
        from kivy.lang import Builder

        end = time.monotonic() + seconds
        for _ in range(frames):
            Clock.tick()
            Clock.tick_draw()  # layout and text: the "before next frame" events
            Builder.sync()  # kv canvas rules, as each frame runs them (else they pile up)
        while time.monotonic() < end:
            Clock.tick()
            Clock.tick_draw()
            Builder.sync()

    def idle_for(self, seconds: float) -> None:
        """Nobody touches the screen for ``seconds`` — as the idle timer sees it when it fires.

        Moves the session's last touch back instead of sleeping, so the idle tests don't depend
        on how fast this machine runs the taps before it.
        """
        self.app.session.last_activity -= seconds
        self.app.idle._check(0)
        self.pump(2)

    def draw(self) -> None:
        from kivy.base import EventLoop

        EventLoop.idle()

    # -- finding things on screen ------------------------------------------------------------
    @property
    def screen(self) -> Any:
        return self.app.manager.current_screen

    def roots(self) -> list[Any]:
        from kivy.core.window import Window

        return list(reversed(Window.children))  # the app root first, then open modal views

    def walk(self) -> Iterator[Any]:
        """Every visible widget (opacity > 0), top-most layer last."""
        for root in self.roots():
            yield from _walk(root)

    def texts(self) -> list[str]:
        return [w.text for w in self.walk() if isinstance(getattr(w, "text", None), str)]

    def find(self, text: str, *, exact: bool = False) -> Any:
        """The top-most tappable widget showing ``text`` (a Button, or a Tile by its label)."""
        from kivy.uix.behaviors import ButtonBehavior

        found = None
        for w in self.walk():
            label = getattr(w, "text", None)
            if not isinstance(label, str) or not isinstance(w, ButtonBehavior) or w.disabled:
                continue
            if (label == text) if exact else (text in label):
                found = w
        if found is None:
            raise LookupError(f"nothing tappable shows {text!r}; on screen: {self.texts()}")
        return found

    def beside(self, text: str, button: str) -> Any:
        """The ``button`` on the same row as the text containing ``text`` (e.g. its 修改)."""
        for w in self.walk():
            if text in str(getattr(w, "text", "")) and w.parent is not None:
                for sibling in w.parent.children:
                    if getattr(sibling, "text", None) == button:
                        return sibling
        raise LookupError(f"no {button!r} beside {text!r}")

    # -- fingers -------------------------------------------------------------------------------
    def start_wage_claim(self) -> None:
        """A legal-aid application for oneself, no exemption group, 务工欠薪 as a migrant
        worker (是): the wizard then asks the name, with no income pages."""
        self.tap("申请法律援助")
        self.tap("给自己申请")
        self.no_exemption_group()
        self.tap("务工欠薪")
        self.tap("是", exact=True)

    def enter_zhang_guiying(self) -> None:
        """The name, ID and phone pages as a resident fills them: 张桂英 by pinyin, her ID
        number and mobile on the keypads, 下一步 after each (the wizard then asks the address)."""
        for spelling, hanzi in (("zhang", "张"), ("gui", "桂"), ("ying", "英")):
            self.type_pinyin(spelling, hanzi)
        self.tap("下一步")
        self.type_digits("320483195603150025")
        self.tap("下一步")
        self.type_digits("13912345678")
        self.tap("下一步")

    def no_exemption_group(self) -> None:
        """不是 to each plain exemption question (家是低保户…吗？ and the rest), as most say."""
        from kiosk.wizards.legal_aid import EXEMPTION_QUESTIONS, exemption_step

        asked = {exemption_step(q) for q in EXEMPTION_QUESTIONS}
        for _ in EXEMPTION_QUESTIONS:  # bounded: one tap per question
            if self.screen.step_id not in asked:
                break
            self.tap("不是", exact=True)
        assert self.screen.step_id not in asked, self.screen.step_id

    def tap(self, target: Any, *, exact: bool = False) -> None:
        from kivy.tests.common import UnitTestTouch

        widget = self.find(target, exact=exact) if isinstance(target, str) else target
        page = _page_of(widget)
        if page is not None:  # turned into view with 往下翻 / 往上翻, as a resident would
            page.reveal(widget)
        scroll = _in_scrollview(widget)
        if scroll is not None:
            scroll.scroll_to(widget, padding=20, animate=False)  # as a finger would scroll
            # A finger can't scroll past either end. Kivy's scroll_to can, when the page is only
            # a pixel taller than its window (it divides by that pixel): the tap then misses.
            scroll.scroll_y = min(1.0, max(0.0, scroll.scroll_y))
        self.pump(1)
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        # A tap inside a scrolling page is released by the ScrollView a moment (0.2 s) later;
        # one more tick after the wait fires that release even when a tick inside the wait ran
        # long (a full garbage collection in a big test process), instead of a lost tap.
        self.pump(1, seconds=0.25 if scroll is not None else 0.0)
        if scroll is not None:
            self.pump(1)

    def type_digits(self, digits: str) -> None:
        for d in digits:
            self.tap(d, exact=True)

    def type_pinyin(self, pinyin: str, pick: str) -> None:
        """Type letters on the pinyin keyboard, then tap the candidate ``pick``. A text page
        that opened on another way of writing (手写 is the default where handwriting works) is
        switched to 拼音 first, as a resident would."""
        if getattr(self.screen, "keyboard", True) is None:
            self.tap("拼音", exact=True)
        for letter in pinyin:
            self.tap_key(letter)
        while True:
            try:
                self.tap(pick, exact=True)
                return
            except LookupError:
                self.tap("更多", exact=True)

    def tap_key(self, key: str) -> None:
        """Tap a key of the pinyin keyboard; where it shows its keys in halves (a short
        landscape screen), first the key to the half that has it, as a resident would."""
        try:
            self.find(key, exact=True)
        except LookupError:
            keyboard = getattr(self.screen, "keyboard", None)
            assert keyboard is not None and keyboard.halves, key
            self.tap(keyboard.half_label(), exact=True)
        self.tap(key, exact=True)

    def reset(self) -> None:
        self.app.end_session()
        self.pump(3)


def _walk(widget: Any) -> Iterator[Any]:
    # A piece a page turn away (screens.widgets.Page hides a piece its window cuts) is still on
    # the page: a resident reaches it with 往下翻, and tap() turns to it the same way.
    if getattr(widget, "opacity", 1) <= 0 and not getattr(widget, "turned_away", False):
        return
    yield widget
    for child in reversed(widget.children):
        yield from _walk(child)


def _page_of(widget: Any) -> Any:
    """The Page (screens.widgets.Page) whose body holds ``widget``, if any."""
    from kivy.uix.scrollview import ScrollView

    from screens.widgets import Page

    w = widget.parent
    inside_body = False
    while w is not None and w is not w.parent:
        if isinstance(w, Page):
            return w if inside_body else None
        inside_body = inside_body or isinstance(w, ScrollView)
        w = w.parent
    return None


def _in_scrollview(widget: Any) -> Any:
    """The scrolling ScrollView holding ``widget``, if any."""
    from kivy.uix.scrollview import ScrollView

    w = widget.parent
    while w is not None and w is not w.parent:
        if isinstance(w, ScrollView) and w.do_scroll_y:
            return w
        w = w.parent
    return None


def start_kiosk(data_dir: Path) -> Kiosk:
    """Build the real app from main.py's composition root with a provincial key configured."""
    import os

    from kivy.config import Config

    Config.set("graphics", "width", str(WIDTH))
    Config.set("graphics", "height", str(HEIGHT))
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("kivy", "exit_on_escape", "0")

    from kiosk.config import load_config
    from kiosk.sealing import generate_private_key, public_key_pem
    from offline_cache.store import Store

    data_dir.mkdir(parents=True, exist_ok=True)
    private = generate_private_key()
    key_file = data_dir / "provincial-public.pem"
    key_file.write_bytes(public_key_pem(private.public_key()))
    os.environ.pop("KIOSK_DATA_DIR", None)
    config = load_config(
        None,
        env={},
        overrides={
            "paths.data_dir": str(data_dir),
            "provincial.public_key_file": str(key_file),
            "session.idle_timeout_s": 90,
            "session.idle_warning_s": 30,
        },
    )
    store = Store(config.db_path)

    from screens.fonts import register_default_font

    register_default_font()
    import main as kiosk_main
    from screens.app import KioskApp

    # The way main.py does it: the pack first, the other services after the first frame (or
    # when a screen other than home is first needed: the tests tap before drawing anything).
    startup = kiosk_main.open_pack(config)
    app = KioskApp(
        config=config,
        store=store,
        startup=startup,
        late_services=lambda: kiosk_main.build_services(
            config, store, voice=False, startup=startup
        ),
    )
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    app._run_prepare()
    from kivy.clock import Clock

    # Tests advance the clock themselves: no sleeping to hold 60 frames per second.
    Clock._max_fps = 0
    kiosk = Kiosk(app=app, data_dir=data_dir, private_key=private)
    kiosk.draw()  # the first frame: the late services are built on the next tick
    kiosk.pump(5)
    assert app.services is not None, "late services not attached"
    return kiosk


def whole_on_screen(widget: Any) -> bool:
    """Seen whole inside the window: not faded or turned away, no edge cut off."""
    from kivy.core.window import Window

    w: Any = widget
    while w is not None and w is not Window:
        if w.opacity <= 0 or getattr(w, "turned_away", False):
            return False
        w = w.parent
    x, y = widget.to_window(widget.x, widget.y)
    return (
        x >= -1
        and y >= -1
        and x + widget.width <= Window.width + 1
        and y + widget.height <= Window.height + 1
    )
