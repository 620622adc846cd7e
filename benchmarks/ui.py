"""UI benchmark: touch → the next screen's first frame, across all screens; idle CPU vs bare Kivy.

Runs the real kiosk (the composition root in main.py, SDL offscreen when there is no display)
in a child process and drives it with Kivy's own touch events: every home tile, every page of
the legal-aid and home-visit wizards, the notary questions, keypad screens and back again. For
each touch it records the time from dispatching the touch to the first frame flipped after the
screen changed. Then it measures the kiosk's CPU time while idle on the home screen and, in the
same run, a bare Kivy app showing one Label, and reports the ratio.

Prints the figures, then ONE JSON line: ``{"median_ms", "p95_ms", "idle_cpu_ratio", ...}``.
Goals (issue 5): median ≤ 50 ms, p95 ≤ 100 ms, idle CPU ≤ 1.5× bare Kivy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _measure import ROOT, child_result, kivy_child_env

HOLD_S = 0.15  # how long a finger rests on the screen in one tap (elderly taps are slower)
PAUSE_S = 0.3  # between a page's frame and the next touch
START_S = 3.0  # after the first frame, before the first touch (the other screens get built)
# Debugging aid: profile every touch, print where the time went for those slower than this.
PROFILE_SLOW_MS = float(os.environ.get("UI_BENCH_PROFILE_MS") or 0)


def _env(data_dir: Path) -> dict[str, str]:
    return kivy_child_env(data_dir / "kivy-home")


def run_child(which: str, data_dir: Path, idle_s: float) -> dict[str, Any]:
    (data_dir / "kivy-home").mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            which,
            "--data-dir",
            str(data_dir),
            "--idle",
            str(idle_s),
        ],
        cwd=ROOT,
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return child_result(which, done.returncode, done.stdout, done.stderr)


# -- child: bare Kivy --------------------------------------------------------------------------
def child_bare(idle_s: float) -> None:
    from kivy.config import Config

    Config.set("graphics", "width", "1920")
    Config.set("graphics", "height", "1080")
    from kivy.app import App
    from kivy.uix.label import Label

    class Bare(App):  # type: ignore[misc]
        def build(self) -> Label:
            return Label(text="Hello", font_size=48)

    app = Bare()
    measure_idle(app, idle_s, {})
    app.run()


def measure_idle(app: Any, idle_s: float, result: dict[str, Any]) -> None:
    from kivy.clock import Clock
    from kivy.graphics.opengl import glFinish

    def begin(_dt: float) -> None:
        glFinish()
        cpu0 = time.process_time()

        def end(_dt: float) -> None:
            result["idle_cpu_s"] = time.process_time() - cpu0
            result["idle_s"] = idle_s
            print(json.dumps(result), flush=True)
            app.stop()

        Clock.schedule_once(end, idle_s)

    app.bind(on_start=lambda *_: Clock.schedule_once(begin, 2.0))


# -- child: the kiosk ---------------------------------------------------------------------------
def run_kiosk(data_dir: Path, on_first_frame: Any, size: str = "1920x1080") -> None:
    """The kiosk exactly as ``main.py`` starts it (late services, garbage-collector set-up),
    with a provincial key so it can submit (a new one unless ``KIOSK_PROVINCIAL_PUBLIC_KEY_FILE``
    names one); ``on_first_frame(app)`` runs after its first frame."""
    sys.path.insert(0, str(ROOT))
    from kiosk.sealing import generate_private_key, public_key_pem

    data_dir.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("KIOSK_PROVINCIAL_PUBLIC_KEY_FILE"):
        key = data_dir / "provincial-public.pem"
        key.write_bytes(public_key_pem(generate_private_key().public_key()))
        os.environ["KIOSK_PROVINCIAL_PUBLIC_KEY_FILE"] = str(key)
    import main as kiosk_main

    configure = kiosk_main.configure_kivy

    def configure_then_hook(args: Any, path: Path) -> None:
        configure(args, path)
        from kivy.app import App
        from kivy.core.window import Window

        def first_frame(*_: Any) -> None:
            Window.unbind(on_flip=first_frame)
            on_first_frame(App.get_running_app())

        Window.bind(on_flip=first_frame)

    kiosk_main.configure_kivy = configure_then_hook  # type: ignore[assignment]
    kiosk_main.main(["--data-dir", str(data_dir), "--size", size])


def child_kiosk(data_dir: Path, idle_s: float) -> None:
    result: dict[str, Any] = {}

    def drive(app: Any) -> None:
        driver = Driver(app)

        def after_touches() -> None:
            result["samples_ms"] = driver.samples
            result["labels"] = driver.labels
            result["missed"] = driver.missed
            result["rendered_ms"] = driver.rendered
            app.end_session()
            measure_idle_now(app, idle_s, result)

        driver.start(after_touches)

    run_kiosk(data_dir, drive)


def measure_idle_now(app: Any, idle_s: float, result: dict[str, Any]) -> None:
    from kivy.clock import Clock
    from kivy.graphics.opengl import glFinish

    def begin(_dt: float) -> None:
        # Software GL renders on its own threads: let earlier frames finish first.
        glFinish()
        cpu0 = time.process_time()

        def end(_dt: float) -> None:
            result["idle_cpu_s"] = time.process_time() - cpu0
            result["idle_s"] = idle_s
            print(json.dumps(result), flush=True)
            app.stop()

        Clock.schedule_once(end, idle_s)

    Clock.schedule_once(begin, 2.0)


class Driver:
    """Taps through the kiosk like a resident, timing touch → first frame of what follows."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.samples: list[float] = []
        self.labels: list[str] = []
        self.missed: list[str] = []
        self.rendered: list[float] = []
        self.steps = self.script()
        self._pending: tuple[str, float] | None = None

    def script(self) -> list[tuple[str, Any]]:
        """(label, action) — an action returns the widget to tap, or None for untimed set-up."""
        a = self.app
        steps: list[tuple[str, Any]] = []
        tiles = [
            "申请法律援助",
            "公证材料清单",
            "预约上门服务",
            "查询办理进度",
            "法律常识",
            "12348",
        ]
        for label in tiles:
            steps.append((f"home→{label}", lambda t=label: self.find(t)))
            steps.append(("上一步/回首页", lambda: self.find("回首页") or self.find("上一步")))
            steps.append(("reset", lambda: a.end_session()))
        steps += [
            ("home→法律援助", lambda: self.find("申请法律援助")),
            ("给自己申请", lambda: self.find("给自己申请")),
            ("都不是", lambda: self.find("都不是", exact=True)),
            ("务工欠薪", lambda: self.find("务工欠薪")),
            ("农民工：不是", lambda: self.find("不是", exact=True)),
            ("都不是(事项)", lambda: self.find("都不是", exact=True)),
            ("上一步", lambda: self.find("上一步")),
            ("reset", lambda: a.end_session()),
            ("home→公证", lambda: self.find("公证材料清单")),
            ("继承", lambda: self.find("继承")),
            ("是", lambda: self.find("是", exact=True)),
            ("不是", lambda: self.find("不是", exact=True)),
            ("reset", lambda: a.end_session()),
            ("home→上门", lambda: self.find("预约上门服务")),
            ("80岁以上老人", lambda: self.find("80岁以上老人")),
            ("法律咨询", lambda: self.find("法律咨询")),
            ("reset", lambda: a.end_session()),
            ("home→法律常识", lambda: self.find("法律常识")),
            ("讨工钱", lambda: self.find("讨工钱")),
            ("上一步", lambda: self.find("上一步")),
            ("reset", lambda: a.end_session()),
            ("home→工作人员", lambda: self.find("工作人员")),
            ("reset", lambda: a.end_session()),
        ]
        return steps

    def find(self, text: str, exact: bool = False) -> Any:
        from kivy.core.window import Window
        from kivy.uix.behaviors import ButtonBehavior

        found = None

        def walk(w: Any) -> None:
            nonlocal found
            if getattr(w, "opacity", 1) <= 0:
                return
            label = getattr(w, "text", None)
            tappable = isinstance(w, ButtonBehavior) and isinstance(label, str) and not w.disabled
            if tappable and ((label == text) if exact else (text in label)):
                found = w
            for c in w.children:
                walk(c)

        for root in reversed(Window.children):
            walk(root)
        return found

    def start(self, done: Any) -> None:
        from kivy.clock import Clock
        from kivy.core.window import Window

        self._done = done
        Window.bind(on_flip=self._flipped)
        Clock.schedule_once(lambda _dt: self._next(0), START_S)

    def _next(self, index: int) -> None:
        from kivy.clock import Clock
        from kivy.tests.common import UnitTestTouch

        if index >= len(self.steps):
            from kivy.core.window import Window

            Window.unbind(on_flip=self._flipped)
            self._done()
            return
        label, action = self.steps[index]
        if os.environ.get("UI_BENCH_DEBUG"):
            print(f"step {index} {label} {self._state()}", file=sys.__stderr__, flush=True)
        widget = action()
        if widget is None or not hasattr(widget, "to_window"):
            Clock.schedule_once(lambda _dt: self._next(index + 1), PAUSE_S)
            return
        scroll = _scroller(widget)
        if scroll is not None and not getattr(self, "_scrolled", False):
            # Scroll it into view first (as a finger would), touch on the next frame.
            scroll.scroll_to(widget, padding=20, animate=False)
            self._scrolled = True
            Clock.schedule_once(lambda _dt: self._next(index), 0.1)
            return
        self._scrolled = False
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        self._index = index
        self._before = self._state()
        touch.touch_down()

        def lift(_dt: float) -> None:
            # Timed from the finger lifting: kiosk buttons act on release, like every button.
            if PROFILE_SLOW_MS:
                import cProfile

                self._profile = cProfile.Profile()
                self._profile.enable()
            self._pending = (label, time.perf_counter())
            touch.touch_up()
            Clock.schedule_once(lambda _dt, i=index: self._watchdog(i), 3.0)

        Clock.schedule_once(lambda _dt: lift(_dt), HOLD_S)

    def _watchdog(self, index: int) -> None:
        """A touch that changed nothing on screen is reported, not waited for forever."""
        from kivy.clock import Clock

        if self._pending is not None and self._index == index:
            label, _t0 = self._pending
            self._pending = None
            self.missed.append(label)
            Clock.schedule_once(lambda _dt: self._next(index + 1), 0.1)

    def _state(self) -> tuple[str, str]:
        screen = self.app.manager.current_screen
        detail = [getattr(screen, k, "") for k in ("step_id", "stage", "topic_id", "title")]
        return screen.name, "|".join(str(x) for x in detail)

    def _flipped(self, *_: Any) -> None:
        from kivy.clock import Clock

        if self._pending is None:
            return
        label, t0 = self._pending
        if self._state() == self._before:
            return  # the change hasn't reached the screen yet (a ScrollView still deciding)
        from kivy.graphics.opengl import glFinish

        self._pending = None
        self.samples.append((time.perf_counter() - t0) * 1000)
        if PROFILE_SLOW_MS:
            self._report_profile(label, self.samples[-1])
        # Also when the software renderer has really drawn it (on a GPU the two are close).
        glFinish()
        self.rendered.append((time.perf_counter() - t0) * 1000)
        self.labels.append(label)
        Clock.schedule_once(lambda _dt: self._next(self._index + 1), PAUSE_S)

    def _report_profile(self, label: str, ms: float) -> None:
        """With UI_BENCH_PROFILE_MS=N: where the time of each touch slower than N ms went."""
        import io
        import pstats

        profile, self._profile = self._profile, None
        profile.disable()
        if ms < PROFILE_SLOW_MS:
            return
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(
            os.environ.get("UI_BENCH_PROFILE_SORT", "tottime")
        ).print_stats(25)
        print(f"--- {label}: {ms:.0f} ms\n{out.getvalue()}", file=sys.__stderr__, flush=True)


def _scroller(widget: Any) -> Any:
    from kivy.uix.scrollview import ScrollView

    w = widget.parent
    while w is not None and w is not w.parent:
        if isinstance(w, ScrollView) and w.do_scroll_y:
            return w
        w = w.parent
    return None


# -- parent ----------------------------------------------------------------------------------------
def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--idle", type=float, default=10.0, help="idle seconds to measure (default 10)")
    p.add_argument("--child", choices=["kiosk", "bare"], help=argparse.SUPPRESS)
    p.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child == "bare":
        child_bare(args.idle)
        return 0
    if args.child == "kiosk":
        child_kiosk(args.data_dir, args.idle)
        return 0

    with tempfile.TemporaryDirectory(prefix="ui-bench-") as tmp:
        kiosk = run_child("kiosk", Path(tmp) / "kiosk", args.idle)
        bare = run_child("bare", Path(tmp) / "bare", args.idle)
    samples = sorted(kiosk["samples_ms"])
    median = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    ratio = kiosk["idle_cpu_s"] / max(bare["idle_cpu_s"], 1e-6)
    rendered = sorted(kiosk["rendered_ms"])
    r_median = statistics.median(rendered)
    r_p95 = rendered[min(len(rendered) - 1, round(0.95 * (len(rendered) - 1)))]
    worst = sorted(zip(kiosk["samples_ms"], kiosk["labels"], strict=True), reverse=True)[:5]
    print(f"touch → next screen's first frame over {len(samples)} touches:")
    if kiosk.get("missed"):
        print(f"  touches that changed nothing (not counted): {kiosk['missed']}")
    print(f"  median {median:.1f} ms, p95 {p95:.1f} ms (goal: p95 ≤ 50)")
    print("  slowest: " + ", ".join(f"{label} {ms:.0f} ms" for ms, label in worst))
    print(
        f"  until the software renderer finished drawing it (glFinish): median {r_median:.1f} ms,"
        f" p95 {r_p95:.1f} ms — llvmpipe on a shared CPU; a GPU draws a frame in a few ms"
    )
    print(
        f"idle CPU over {args.idle:.0f} s on the home screen: kiosk {kiosk['idle_cpu_s']:.3f} s, "
        f"bare Kivy {bare['idle_cpu_s']:.3f} s → ratio {ratio:.2f} (goal ≤ 1.5)"
    )
    print(
        json.dumps(
            {
                "median_ms": round(median, 1),
                "p95_ms": round(p95, 1),
                "idle_cpu_ratio": round(ratio, 2),
                "touches": len(samples),
                "rendered_median_ms": round(r_median, 1),
                "rendered_p95_ms": round(r_p95, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
