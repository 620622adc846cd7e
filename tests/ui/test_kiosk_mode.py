"""``--kiosk``: the window can't be closed and Escape does nothing; only staff can leave."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.ui

SCRIPT = r"""
import sys
sys.argv = ["main.py", "--kiosk", "--data-dir", sys.argv[1]]
import main

# Kivy is imported only once main.py has configured it (its log mode): importing it earlier
# would let Kivy take over stderr, which main's log handler then writes into, forever.

def attempt(_dt):
    from kivy.clock import Clock
    from kivy.app import App
    from kivy.base import EventLoop
    from kivy.core.window import Window
    from kivy.config import Config
    app = App.get_running_app()
    Window.dispatch("on_request_close")
    # Escape, F1 (Kivy's settings panel), the menu/settings key, F11, F12, Alt+F4, Ctrl+E
    # (the inspector's key), and a stray letter.
    for key, mods in ((27, []), (282, []), (319, []), (292, []), (293, []), (285, ["alt"]),
                      (101, ["ctrl"]), (97, [])):
        handled = Window.dispatch("on_keyboard", key, 0, "", mods)
        print("KEY", key, bool(handled), flush=True)
    app.open_settings()
    Clock.schedule_once(lambda _dt: report(app), 0.5)

def report(app):
    from kivy.core.window import Window
    from kivy.config import Config
    from kivy.clock import Clock
    from kivy.uix.modalview import ModalView
    print("OVERLAYS", len([w for w in Window.children if w is not app.root]), flush=True)
    print("MODULES", len(Config.options("modules")), flush=True)
    # Something opened anyway (a pop-up left for the next resident) goes with the idle wipe.
    ModalView().open(animation=False)
    app.ask(question="还要继续吗？", on_answer=lambda _yes: None)
    app.end_session()
    print("AFTER-WIPE", len([w for w in Window.children if w is not app.root]), flush=True)
    print("STILL-RUNNING", Config.get("graphics", "borderless"), Config.get("graphics", "show_cursor"),
          Config.get("kivy", "exit_on_escape"), Config.get("input", "mouse"), flush=True)
    app.stop()

orig = main.configure_kivy
def configure(args, path):
    orig(args, path)
    from kivy.clock import Clock
    Clock.schedule_once(attempt, 2.0)
main.configure_kivy = configure
sys.exit(main.main(sys.argv[1:]))
"""


def test_kiosk_mode_swallows_every_key_opens_no_kivy_overlay_and_the_wipe_closes_pop_ups(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(SDL_VIDEODRIVER="offscreen", KIVY_NO_CONSOLELOG="1")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    keys = [ln.split() for ln in lines if ln.startswith("KEY ")]
    assert len(keys) == 8 and all(handled == "True" for _, _, handled in keys), keys
    assert "OVERLAYS 0" in lines  # no settings panel, inspector or other Kivy overlay
    assert "MODULES 0" in lines
    assert "AFTER-WIPE 0" in lines
    line = next(ln for ln in lines if ln.startswith("STILL-RUNNING"))
    _, borderless, cursor, escape, mouse = line.split()
    assert (borderless, cursor, escape) == ("1", "0", "0")
    assert "disable_multitouch" in mouse
