"""Power-on order: the home screen is drawn before the slower services are built (issue 2).

Runs the real ``main.main`` in a child process (one Kivy window per process) and looks at the
App at its first frame and a moment later.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import main as kiosk_main

original = kiosk_main.configure_kivy
seen = {}

def configure(args, path):
    original(args, path)
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    def later(_dt):
        app = App.get_running_app()
        seen["later"] = {"outbox": app.services is not None and app.services.outbox is not None,
                         "staff": app.services is not None and app.services.staff is not None,
                         "pending": app.manager.pending, "screen": app.manager.current}
        print(json.dumps(seen), flush=True)
        app.stop()

    def first_flip(*_a):
        if "first" in seen:
            return
        app = App.get_running_app()
        seen["first"] = {"outbox": app.services is not None and app.services.outbox is not None,
                         "staff": app.services is not None and app.services.staff is not None,
                         "pending": app.manager.pending, "screen": app.manager.current,
                         "tiles": len(app.manager.get_screen("home").tiles)}
        Clock.schedule_once(later, 1.5)

    Window.bind(on_flip=first_flip)

kiosk_main.configure_kivy = configure
sys.exit(kiosk_main.main(["--data-dir", sys.argv[2], "--size", "1280x800"]))
"""


def test_home_is_drawn_first_and_the_other_services_follow(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(SDL_VIDEODRIVER="offscreen", KIVY_NO_CONSOLELOG="1", KIVY_NO_ARGS="1")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), str(tmp_path / "data")],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    assert out.returncode == 0 and lines, out.stderr[-3000:]
    seen = json.loads(lines[-1])
    first, later = seen["first"], seen["later"]
    # First frame: home with its six tiles; nothing else built yet.
    assert first["screen"] == "home" and first["tiles"] == 6
    assert not first["outbox"] and not first["staff"]
    assert "legal_aid" in first["pending"] and "admin" in first["pending"]
    # A moment later: every service attached and every screen built, still on home.
    assert later["outbox"] and later["staff"]
    assert later["pending"] == [] and later["screen"] == "home"
