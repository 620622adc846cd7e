"""``main.py --tour DIR``: visit every screen (and wizard step) and write one PNG each."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.clock import Clock

if TYPE_CHECKING:
    from screens.app import KioskApp

Step = tuple[str, Callable[["KioskApp"], None]]


def tour_steps(app: KioskApp) -> Iterator[Step]:
    """(file stem, action that puts the app into that state). Screens add their own steps."""
    for name in app.screen_names():
        assert app.manager is not None
        screen = app.manager.get_screen(name)
        for stem, action in screen.tour_steps():
            yield f"{name}-{stem}", partial(_show, name, action)


def _show(name: str, action: Callable[[], None], app: KioskApp) -> None:
    assert app.manager is not None
    app.manager.current = name
    action()


def run_tour(app: KioskApp, out_dir: Path) -> None:
    """Schedule the tour on the running app; it stops the app when done."""
    from kivy.core.window import Window

    out_dir.mkdir(parents=True, exist_ok=True)
    steps = list(tour_steps(app))
    written: list[Path] = []

    def do_step(index: int) -> None:
        if index >= len(steps):
            print(f"tour: wrote {len(written)} screens to {out_dir}", file=sys.stderr)
            app.stop()
            return
        stem, action = steps[index]
        action(app)
        # Two frames: one to lay out, one to draw, then capture.
        Clock.schedule_once(lambda _dt: capture(index, stem), 0.15)

    def capture(index: int, stem: str) -> None:
        path = out_dir / f"{index:02d}-{stem}.png"
        app.root.export_to_png(str(path))
        written.append(path)
        Clock.schedule_once(lambda _dt: do_step(index + 1), 0)

    Window.bind(on_draw=lambda *_: None)
    Clock.schedule_once(lambda _dt: do_step(0), 0.3)
