"""Memory benchmark: resident memory (RSS) over many page changes, next to bare Kivy doing the same.

A kiosk runs all day in one process. This drives the real kiosk (``main.main``, through the same
touch script as ``benchmarks/ui.py``, with short pauses) for ``--rounds`` rounds and records RSS
after each. In the same run, a bare Kivy app builds, draws and drops a page of 30 buttons with
Chinese text as many times as the kiosk changed pages. Growth is reported per 100 page changes
over the second half of the run (the first half fills caches and the heap), for both, and as a
ratio. One JSON line at the end: ``kiosk_mb_per_100_pages``, ``bare_mb_per_100_pages``,
``kiosk_end_rss_mb``, ``bare_end_rss_mb``, ``page_changes``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _measure import ROOT, child_result, kivy_child_env, rss_mb

HERE = Path(__file__).resolve().parent


def child_kiosk(data_dir: Path, rounds: int) -> None:
    import gc

    import ui  # benchmarks/ui.py: the same kiosk start, touch script and Driver

    ui.HOLD_S, ui.PAUSE_S = 0.05, 0.05
    result: dict[str, Any] = {"rss_mb": [], "page_changes": 0}

    def drive(app: Any) -> None:
        def round_done(driver: Any) -> None:
            result["page_changes"] += len(driver.samples)
            app.end_session()
            gc.collect()
            result["rss_mb"].append(round(rss_mb(), 1))
            if len(result["rss_mb"]) > rounds:
                print(json.dumps(result), flush=True)
                app.stop()
                return
            start_round()

        def start_round() -> None:
            driver = ui.Driver(app)
            driver.start(lambda: round_done(driver))

        result["rss_mb"].append(round(rss_mb(), 1))  # before the first round
        ui.START_S = 2.0  # the other screens get built first
        start_round()
        ui.START_S = 0.1

    ui.run_kiosk(data_dir, drive)


def child_bare(pages: int, rounds: int) -> None:
    """Bare Kivy: build a page of 30 Chinese buttons, draw it, drop it; as often as the kiosk."""
    import gc

    from kivy.config import Config

    Config.set("graphics", "width", "1920")
    Config.set("graphics", "height", "1080")
    sys.path.insert(0, str(ROOT))
    from screens.fonts import register_default_font

    register_default_font()  # the same CJK font as the kiosk
    from kivy.base import EventLoop
    from kivy.core.window import Window
    from kivy.uix.button import Button
    from kivy.uix.gridlayout import GridLayout

    EventLoop.ensure_window()
    per_round = max(1, pages // rounds)
    samples = [round(rss_mb(), 1)]
    n = 0
    for _ in range(rounds):
        for _ in range(per_round):
            grid = GridLayout(cols=5)
            for i in range(30):
                grid.add_widget(Button(text=f"第{n}页 第{i}项 申请法律援助", font_size=36))
            Window.add_widget(grid)
            EventLoop.idle()
            Window.remove_widget(grid)
            EventLoop.idle()
            n += 1
        gc.collect()
        samples.append(round(rss_mb(), 1))
    print(json.dumps({"rss_mb": samples, "page_changes": n}), flush=True)


def run(*args: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="mem-bench-") as tmp:
        env = kivy_child_env(Path(tmp) / "kivy-home")
        done = subprocess.run(
            [sys.executable, __file__, *args, "--data-dir", str(Path(tmp) / "data")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600, check=False,
        )  # fmt: skip
    return child_result(done, str(args[:2]))


def growth_per_100(result: dict[str, Any]) -> float:
    rss = result["rss_mb"]
    half = len(rss) // 2
    pages_in_half = result["page_changes"] * (len(rss) - 1 - half) / max(1, len(rss) - 1)
    return (rss[-1] - rss[half]) / max(1.0, pages_in_half) * 100


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=20, help="rounds of the touch script (30 touches)")
    p.add_argument("--child", choices=["kiosk", "bare"], help=argparse.SUPPRESS)
    p.add_argument("--pages", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.rounds < 2:
        p.error("--rounds must be at least 2 (growth is measured over the second half)")
    if args.child == "kiosk":
        child_kiosk(args.data_dir, args.rounds)
        return 0
    if args.child == "bare":
        child_bare(args.pages, args.rounds)
        return 0
    kiosk = run("--child", "kiosk", "--rounds", str(args.rounds))
    bare = run(
        "--child", "bare", "--rounds", str(args.rounds), "--pages", str(kiosk["page_changes"])
    )
    k, b = growth_per_100(kiosk), growth_per_100(bare)
    print(f"page changes: kiosk {kiosk['page_changes']}, bare Kivy {bare['page_changes']}")
    print(f"RSS after each round, kiosk:     {kiosk['rss_mb']}")
    print(f"RSS after each round, bare Kivy: {bare['rss_mb']}")
    print(
        f"growth over the second half: kiosk {k:.1f} MB, bare Kivy {b:.1f} MB per 100 page changes"
    )
    print(
        json.dumps(
            {
                "kiosk_mb_per_100_pages": round(k, 2),
                "bare_mb_per_100_pages": round(b, 2),
                "kiosk_end_rss_mb": kiosk["rss_mb"][-1],
                "bare_end_rss_mb": bare["rss_mb"][-1],
                "page_changes": kiosk["page_changes"],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
