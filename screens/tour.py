"""``main.py --tour DIR [--audit]``: visit every screen state, write one PNG each, and (with
``--audit``) check each against the elder-friendly numbers (screens/audit.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.clock import Clock

if TYPE_CHECKING:
    from screens.app import KioskApp

Step = tuple[str, Callable[["KioskApp"], None]]


def tour_steps(app: KioskApp) -> Iterator[Step]:
    """(file stem, action that puts the app into that state). Screens add their own steps;
    the app's own states (the idle warning, 结束并清除's confirmation) come last."""
    for name in app.screen_names():
        assert app.manager is not None
        screen = app.manager.get_screen(name)
        for stem, action in screen.tour_steps():
            yield f"{name}-{stem}", partial(_show, name, action)
    yield "app-voice_ready", _voice_ready
    yield "app-voice_confirm", _voice_confirm
    yield "app-idle_warning", _idle_warning
    yield "app-confirm_end", _confirm_end


def close_popups(app: KioskApp) -> None:
    for view in (app.idle_warning, app.confirm_view):
        if view is not None and view.parent is not None:
            view.dismiss(animation=False)


def _show(name: str, action: Callable[[], None], app: KioskApp) -> None:
    assert app.manager is not None
    close_popups(app)
    app.manager.current = name
    action()


def _voice_ready(app: KioskApp, voice: bool = True) -> None:
    """The voice model ready: 说话 in the top bar (a stand-in: no recognizer in a tour)."""
    assert app.manager is not None
    close_popups(app)
    app.manager.current = "legal_aid"
    screen = app.manager.get_screen("legal_aid")
    screen.show("matter")
    screen.top_bar.voice_ready = voice


def _voice_confirm(app: KioskApp) -> None:
    """What was heard is asked back before it counts (voice.conversation's Confirm)."""
    _voice_ready(app)
    app.ask(question="您是说“讨要工钱”吗？", on_answer=lambda _yes: None)


def _idle_warning(app: KioskApp) -> None:
    assert app.manager is not None
    if app.manager.has_screen("legal_aid"):
        app.manager.get_screen("legal_aid").top_bar.voice_ready = app.voice.ready
    assert app.manager is not None
    close_popups(app)
    app.manager.current = "home"
    app._show_idle_warning(25)


def _confirm_end(app: KioskApp) -> None:
    assert app.manager is not None
    close_popups(app)
    app.manager.current = "legal_aid"
    app.session.draft("legal_aid").set("name", "某")
    app.confirm_end_session()


def step_name(stem: str) -> str:
    """``legal_aid-name`` → ``legal_aid/name`` (how a violation line names the state)."""
    screen, _, step = stem.partition("-")
    return f"{screen}/{step}"


def window_roots() -> list[object]:
    from kivy.core.window import Window

    return list(reversed(Window.children))  # the app root first, then open pop-ups


def audit_now(app: KioskApp) -> list[str]:
    """The violations on screen now, at the window's size (screens/audit.py)."""
    from kivy.core.window import Window

    from screens.audit import audit
    from screens.displays import display_for

    size = (int(Window.width), int(Window.height))
    return audit(window_roots(), app.style, size, display_for(*size).target_min)


def settled() -> bool:
    """Every label on screen has been laid out and rendered (not at Kivy's default 100×100)."""
    from kivy.uix.label import Label

    from screens.audit import visible

    for root in window_roots():
        for w in visible(root):
            if isinstance(w, Label) and w.text.strip() and w.texture_size[0] < 1:
                return False
    return True


@dataclass
class TourResult:
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def run_tour(app: KioskApp, out_dir: Path, *, check: bool = False) -> TourResult:
    """Schedule the tour on the running app; it stops the app when done. With ``check`` each
    state is audited and every violation printed as ``screen/step: what``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    steps = list(tour_steps(app))
    result = TourResult()

    def do_step(index: int) -> None:
        if index >= len(steps):
            close_popups(app)
            print(f"tour: wrote {len(result.written)} screens to {out_dir}", file=sys.stderr)
            if check:
                for line in result.problems:
                    print(line)
                print(f"audit: {len(result.problems)} problems", file=sys.stderr)
            app.stop()
            return
        stem, action = steps[index]
        action(app)
        # Two frames: one to lay out, one to draw, then capture.
        Clock.schedule_once(lambda _dt: capture(index, stem), 0.15)

    def capture(index: int, stem: str, tries: int = 0) -> None:
        if not settled() and tries < 10:  # a page rebuilt by a background result just now
            Clock.schedule_once(lambda _dt: capture(index, stem, tries + 1), 0.05)
            return
        path = out_dir / f"{index:02d}-{stem}.png"
        top = window_roots()[-1]
        top.export_to_png(str(path))  # type: ignore[attr-defined]
        result.written.append(path)
        if check:
            result.problems += [f"{step_name(stem)}: {p}" for p in audit_now(app)]
        Clock.schedule_once(lambda _dt: do_step(index + 1), 0)

    Clock.schedule_once(lambda _dt: do_step(0), 0.3)
    return result
