"""Test-only: the real kiosk (``main.main``, SDL offscreen) tapped through residents' sessions.

Usage: ``resident_driver.py DATA_DIR EVENTS RUN MODE`` with MODE ``sessions`` (one resident after
another, legal-aid applications and home-visit bookings in turn — odd runs start with a booking —
until killed or ``MAX_SESSIONS``) or ``look`` (report the first screen, then exit).

What the parent needs to know is appended to EVENTS, one JSON line each, with ``os.write`` on an
``O_APPEND`` file: a SIGKILL can come at any instant and loses nothing already written.

- ``{"event": "home", "screen": …}`` at the first frame;
- ``{"event": "tap", "n": …, "target": …}`` as each finger comes down (n counts the run's taps);
- ``{"event": "submit", "phone": …}`` just before 提交申请 / 确认预约 is tapped;
- ``{"event": "receipt", "phone": …, "code": …}`` once a frame showing the receipt is on screen;
- ``{"event": "error", "message": …}`` when the script can't go on (then exit code 3).

Every event carries ``at``, ``time.monotonic()`` in the child.

Each session's phone number is unique (``139`` + run + session), so the parent can open the
sealed outbox rows and tell which session each came from.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MAX_SESSIONS = 30
MAX_WAIT_S = 30.0  # waiting for a screen: at most this long (a count of ticks ran out sooner
# on a busy machine, where a background thread's answer takes more frames to come back)
GIVE_UP_S = 150.0  # a run that is neither killed nor finished by then is stuck
TAP_PAUSE_S = 0.03  # between taps (at least one frame is drawn in between)
SCROLL_RELEASE_S = 0.3  # a tap inside a ScrollView is released by it a moment later
KEY_GAP_S = 0.05  # between keys typed in a row
WINDOW = "1920x1080"  # the terminal's screen; smaller ones scroll the keypad pages
LAYOUT_S = 0.05  # time for a frame after scrolling, before the finger comes down
LEGAL_AID_ID = "320483195603150025"


@dataclass(frozen=True)
class Tap:
    target: str | Any  # a label, or the widget itself
    exact: bool = False


@dataclass(frozen=True)
class Type:
    """Keys tapped one after another, a finger's quick succession apart (a keypad or keyboard)."""

    keys: str


@dataclass(frozen=True)
class Shown:
    """Wait until ``screen`` is current and a frame of it is on screen, then call ``then``."""

    screen: str
    then: Callable[[], None]


class Events:
    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def emit(self, **event: Any) -> None:
        event["at"] = time.monotonic()
        os.write(self.fd, (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8"))


def visit_id_number(run: int, session: int) -> str:
    """A resident born in 1940 (over 80), different for every session: a person may hold only
    one active booking per service."""
    from tests.rules.ids import make_id

    return make_id(date(1940, 1 + run % 12, 1 + session % 28), seq=run * 3 + session)


class Driver:
    """Runs a script of taps on Kivy's clock, one step per callback, frames drawn in between."""

    def __init__(self, app: Any, events: Events, run: int) -> None:
        from tests.ui.harness import Kiosk

        self.app = app
        self.k = Kiosk(app=app, data_dir=Path(), private_key=None)
        self.events = events
        self.run = run
        self.steps = self.sessions()
        self.taps = 0
        self._waiting_since = 0.0

    # -- the script ------------------------------------------------------------------------------
    def sessions(self) -> Iterator[Tap | Type | Shown]:
        for n in range(MAX_SESSIONS):
            phone = f"139{self.run:04d}{n:04d}"
            if (n + self.run) % 2 == 0:
                yield from self.legal_aid(phone)
            else:
                yield from self.visit(phone, visit_id_number(self.run, n))
            yield Tap("办完了")

    def pinyin(self, letters: str, pick: str) -> Iterator[Tap | Type]:
        yield Type(letters)
        for _ in range(10):  # the candidate may be on a later page of the list
            if self._tappable(pick):
                yield Tap(pick, exact=True)
                return
            yield Tap("更多", exact=True)
        raise LookupError(f"pinyin candidate {pick!r} not found; on screen: {self.k.texts()}")

    def no_exemption_group(self) -> Iterator[Tap]:
        """不是 to each plain exemption question (tests/ui/harness.py does the same by hand)."""
        from kiosk.wizards.legal_aid import EXEMPTION_QUESTIONS, exemption_step

        asked = {exemption_step(q) for q in EXEMPTION_QUESTIONS}
        for _ in EXEMPTION_QUESTIONS:  # bounded: one tap per question
            if self.k.screen.step_id not in asked:
                return
            yield Tap("不是", exact=True)

    def keyboard(self) -> Iterator[Tap]:
        """A text page opens on 手写 where handwriting works: the keyboard first."""
        if getattr(self.k.screen, "keyboard", True) is None:
            yield Tap("拼音", exact=True)

    def first_choice(self) -> Tap:
        return Tap(self.k.screen.choices[0][1], exact=True)

    def legal_aid(self, phone: str) -> Iterator[Tap | Type | Shown]:
        yield from (Tap("申请法律援助"), Tap("给自己申请"))
        yield from self.no_exemption_group()
        yield from (Tap("务工欠薪"), Tap("是", exact=True))
        yield from self.pinyin("li", "李")
        yield from self.pinyin("mei", "梅")
        yield Tap("下一步")
        yield Type(LEGAL_AID_ID)
        yield Tap("下一步")
        yield Type(phone)
        yield Tap("下一步")
        yield Tap("武进区")
        yield self.first_choice()  # town
        yield self.first_choice()  # village
        yield from (Tap("跳过"), Tap("公司或单位"), Tap("跳过"))
        yield from self.pinyin("qian", "钱")
        yield from (Tap("下一步"), Tap("工资条"), Tap("下一步"))
        yield from (Tap("没问题"), Tap("同意", exact=True))
        yield from self.submit("提交申请", phone)

    def visit(self, phone: str, id_number: str) -> Iterator[Tap | Type | Shown]:
        yield from (Tap("预约上门服务"), Tap("80岁以上老人"), Tap("法律咨询"))
        days = [
            w
            for w in self.k.walk()
            if str(getattr(w, "option_id", "")).count("-") == 2 and not w.disabled
        ]
        if not days:
            raise LookupError("no bookable day left")
        yield Tap(days[0])
        yield Tap("上午" if self._tappable("上午", exact=False) else "下午")  # 已约满 is disabled
        yield Type(id_number)
        yield Tap("下一步")
        yield from self.pinyin("li", "李")
        yield from self.pinyin("mei", "梅")
        yield Tap("下一步")
        yield Tap("武进区")
        yield self.first_choice()
        yield self.first_choice()
        yield from self.keyboard()
        yield from (Tap("数字", exact=True), Type("3组12号"))
        yield Tap("下一步")
        yield Type(phone)
        yield Tap("下一步")
        yield from self.submit("确认预约", phone)

    def submit(self, button: str, phone: str) -> Iterator[Tap | Type | Shown]:
        self.events.emit(event="submit", phone=phone)
        yield Tap(button)

        def shown() -> None:
            self.events.emit(event="receipt", phone=phone, code=self.k.screen.code)

        yield Shown("receipt", shown)

    def _tappable(self, text: str, *, exact: bool = True) -> bool:
        try:
            self.k.find(text, exact=exact)
        except LookupError:
            return False
        return True

    # -- running it ------------------------------------------------------------------------------
    def start(self) -> None:
        from kivy.clock import Clock

        Clock.schedule_once(self.step, 0.5)  # let the other screens start being built

    def step(self, _dt: float = 0) -> None:
        from kivy.clock import Clock

        try:
            action = next(self.steps)
        except StopIteration:
            self.app.stop()
            return
        except Exception:
            self.fail(traceback.format_exc())
            return
        if isinstance(action, Shown):
            self._waiting_since = time.monotonic()
            Clock.schedule_once(lambda _dt: self.wait_for(action), 0)
        elif isinstance(action, Type):
            self.type_keys(action.keys)
        else:
            self.tap(action)

    def type_keys(self, keys: str) -> None:
        """Like a finger on a keypad: a ScrollView holding the keys passes each tap on 0.2 s
        later, in order, so the next key need not wait for that (``SCROLL_RELEASE_S`` once, at
        the end, before anything looks at the result)."""
        from kivy.clock import Clock

        from tests.ui.harness import _in_scrollview

        remaining = list(keys)
        if any("a" <= c <= "z" for c in keys) and getattr(self.k.screen, "keyboard", True) is None:
            # A text page opens on 手写 where handwriting works: switch to the keyboard first,
            # as a resident who spells pinyin would, and let the page lay the keys out.
            self._touch(self.k.find("拼音", exact=True))
            Clock.schedule_once(lambda _dt: self.type_keys(keys), LAYOUT_S)
            return

        def next_key(_dt: float) -> None:
            if not remaining:
                Clock.schedule_once(self.step, SCROLL_RELEASE_S)
                return
            try:
                widget = self.k.find(remaining[0], exact=True)
            except LookupError:
                self.fail(traceback.format_exc())
                return
            scroll = _in_scrollview(widget)
            if scroll is not None and not _inside(widget, scroll):
                scroll.scroll_to(widget, padding=20, animate=False)
                Clock.schedule_once(next_key, LAYOUT_S)  # once the keypad has moved
                return
            remaining.pop(0)
            self._touch(widget)
            Clock.schedule_once(next_key, KEY_GAP_S)

        next_key(0)

    def tap(self, tap: Tap) -> None:
        from kivy.clock import Clock

        from tests.ui.harness import _in_scrollview

        try:
            widget = (
                self.k.find(tap.target, exact=tap.exact)
                if isinstance(tap.target, str)
                else tap.target
            )
        except LookupError:
            self.fail(traceback.format_exc())
            return
        scroll = _in_scrollview(widget)
        if scroll is not None:
            scroll.scroll_to(widget, padding=20, animate=False)  # as a finger would scroll

        def touch(_dt: float) -> None:
            self._touch(widget)
            Clock.schedule_once(self.step, SCROLL_RELEASE_S if scroll is not None else TAP_PAUSE_S)

        # After a frame: the ScrollView moves its contents on its next layout pass.
        Clock.schedule_once(touch, LAYOUT_S if scroll is not None else 0)

    def _touch(self, widget: Any) -> None:
        from kivy.tests.common import UnitTestTouch

        self.taps += 1
        self.events.emit(event="tap", n=self.taps, target=widget.text, screen=self.k.screen.name)
        x, y = widget.to_window(*widget.center)
        finger = UnitTestTouch(x, y)
        finger.touch_down()
        finger.touch_up()

    def wait_for(self, shown: Shown) -> None:
        from kivy.clock import Clock
        from kivy.core.window import Window

        if self.k.screen.name != shown.screen:
            if time.monotonic() - self._waiting_since > MAX_WAIT_S:
                self.fail(f"{shown.screen} never shown; on screen: {self.k.texts()}")
                return
            Clock.schedule_once(lambda _dt: self.wait_for(shown), 0)
            return

        def flipped(*_a: Any) -> None:
            Window.unbind(on_flip=flipped)
            shown.then()
            Clock.schedule_once(self.step, TAP_PAUSE_S)

        Window.bind(on_flip=flipped)

    def fail(self, message: str) -> None:
        fail(self.events, message)


def _inside(widget: Any, scroll: Any) -> bool:
    """Whether ``widget`` is wholly in the visible part of ``scroll``."""
    _, bottom = widget.to_window(widget.x, widget.y)
    _, scroll_bottom = scroll.to_window(scroll.x, scroll.y)
    return bool(bottom >= scroll_bottom and bottom + widget.height <= scroll_bottom + scroll.height)


def fail(events: Events, message: str) -> None:
    """Stop the run at once: the script can't go on, and the parent must hear why."""
    events.emit(event="error", message=message[-2000:])
    os._exit(3)


def main(data_dir: str, events_path: str, run: int, mode: str) -> int:
    sys.path.insert(0, str(ROOT))
    import main as kiosk_main

    events = Events(Path(events_path))
    drivers: list[Driver] = []
    configure = kiosk_main.configure_kivy

    def configure_then_hook(args: Any, path: Path) -> None:
        configure(args, path)
        from kivy.config import Config

        # No multisample anti-aliasing: software GL draws each frame several times faster, and
        # what is tested here is what gets stored, not how smooth the edges are.
        Config.set("graphics", "multisamples", "0")
        from kivy.app import App
        from kivy.clock import Clock
        from kivy.core.window import Window

        def first_frame(*_a: Any) -> None:
            Window.unbind(on_flip=first_frame)
            app = App.get_running_app()
            events.emit(event="home", screen=app.manager.current)
            if mode == "look":
                Clock.schedule_once(lambda _dt: app.stop(), 0)
                return
            # Kivy's clock holds its callbacks weakly: the driver must be kept alive here.
            drivers.append(Driver(app, events, run))
            drivers[0].start()
            Clock.schedule_once(
                lambda _dt: fail(events, "gave up: the run took too long"), GIVE_UP_S
            )

        Window.bind(on_flip=first_frame)

    kiosk_main.configure_kivy = configure_then_hook  # type: ignore[assignment]
    return kiosk_main.main(["--data-dir", data_dir, "--size", WINDOW])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
