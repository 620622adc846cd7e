"""Child process for the start-up benchmarks: run the kiosk or a bare Kivy Label app, then report.

Usage: _probe.py kiosk|bare start|idle DATA_DIR [IDLE_SECONDS]
Prints one JSON line: first-frame wall time (epoch seconds), peak RSS (MB), CPU seconds used while
idle on the first screen. The parent measures from just before it spawns this process, so
interpreter start-up and imports are included, as a resident would experience them.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def report(first_frame: float, idle_cpu: float | None) -> None:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"first_frame": first_frame, "peak_rss_mb": peak_mb, "idle_cpu_s": idle_cpu}))
    sys.stdout.flush()


def arm(mode: str, idle_s: float) -> None:
    """Hook the first frame: either stop at once, or measure CPU while idle, then stop."""
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    state: dict[str, float] = {}

    def on_flip(*_args: object) -> None:
        if "first" in state:
            return
        state["first"] = time.time()
        if mode == "start":
            report(state["first"], None)
            App.get_running_app().stop()
            return
        # Let the first screen settle, then measure idle CPU over the window.
        Clock.schedule_once(begin_idle, 1.0)

    def begin_idle(_dt: float) -> None:
        state["cpu0"] = time.process_time()
        Clock.schedule_once(end_idle, idle_s)

    def end_idle(_dt: float) -> None:
        report(state["first"], time.process_time() - state["cpu0"])
        App.get_running_app().stop()

    Window.bind(on_flip=on_flip)


def run_bare(mode: str, idle_s: float) -> None:
    from kivy.config import Config

    Config.set("graphics", "width", "1920")
    Config.set("graphics", "height", "1080")
    from kivy.app import App
    from kivy.uix.label import Label

    class Bare(App):  # type: ignore[misc]
        def build(self) -> Label:
            return Label(text="Hello", font_size=48)

    arm(mode, idle_s)
    Bare().run()


def run_kiosk(mode: str, data_dir: str, idle_s: float) -> None:
    import main as kiosk_main

    original = kiosk_main.configure_kivy

    def configure(args: object, path: Path) -> None:
        original(args, path)  # type: ignore[arg-type]
        arm(mode, idle_s)

    kiosk_main.configure_kivy = configure  # type: ignore[assignment]
    kiosk_main.main(["--data-dir", data_dir, "--size", "1920x1080"])


if __name__ == "__main__":
    which, mode, data_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    idle = float(sys.argv[4]) if len(sys.argv) > 4 else 10.0
    os.environ["KIVY_HOME"] = str(Path(data_dir) / "kivy-home-bench")
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ["KIVY_NO_CONSOLELOG"] = "1"
    os.environ["KIVY_NO_FILELOG"] = "1"
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    if which == "bare":
        run_bare(mode, idle)
    else:
        run_kiosk(mode, data_dir, idle)
