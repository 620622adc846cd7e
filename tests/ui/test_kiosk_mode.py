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

def attempt(_dt):
    from kivy.app import App
    from kivy.base import EventLoop
    from kivy.core.window import Window
    from kivy.config import Config
    app = App.get_running_app()
    Window.dispatch("on_request_close")
    Window.dispatch("on_keyboard", 27, 0, "", [])
    from kivy.clock import Clock
    Clock.schedule_once(lambda _dt: report(app), 0.5)

def report(app):
    from kivy.core.window import Window
    from kivy.config import Config
    print("STILL-RUNNING", Config.get("graphics", "borderless"), Config.get("graphics", "show_cursor"),
          Config.get("kivy", "exit_on_escape"), Config.get("input", "mouse"), flush=True)
    app.stop()

orig = main.configure_kivy
def configure(args, path):
    orig(args, path)
    # Kivy only after main has set up the log (kiosk/logs.py): imported earlier, Kivy installs
    # its own stderr logger, and the plain handler writing to it recurses.
    from kivy.clock import Clock
    Clock.schedule_once(attempt, 2.0)
main.configure_kivy = configure
sys.exit(main.main(sys.argv[1:]))
"""


def test_kiosk_mode_ignores_window_close_and_escape(tmp_path: Path) -> None:
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
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("STILL-RUNNING"))
    _, borderless, cursor, escape, mouse = line.split()
    assert (borderless, cursor, escape) == ("1", "0", "0")
    assert "disable_multitouch" in mouse
