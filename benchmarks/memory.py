"""Memory benchmark: resident memory (RSS) over many page changes, next to bare Kivy doing the same.

A kiosk runs all day in one process. This drives the real kiosk (``main.main``, through the same
touch script as ``benchmarks/ui.py``, with short pauses) for ``--rounds`` rounds and records RSS
after each. In the same run, a bare Kivy app builds, draws and drops a page of 30 buttons with
Chinese text as many times as the kiosk changed pages. Growth is reported per 100 page changes
over the second half of the run (the first half fills caches and the heap), for both, and as a
ratio. One JSON line at the end: ``kiosk_mb_per_100_pages``, ``bare_mb_per_100_pages``,
``kiosk_end_rss_mb``, ``bare_end_rss_mb``, ``page_changes``.

``--soak`` (issue 18: months unattended) is the long run: at least ``--pages`` (default 5,000)
page changes through ``main.main`` as fast as the kiosk draws them — buttons are pressed
directly (no finger timing, no sleeps), the next press waits only for the frame showing the
last. Each cycle files a real legal-aid application (pinyin, keypad, review, 提交申请, receipt
printed to the spool), queries its status on the keypad, visits every home tile and ends the
session; the sync agent (every 5 s) talks to the provincial simulator, which this script stops
and restarts every ``--drop-every`` seconds, so uploads keep meeting a dead network. After
the warm-up (the first ``--warmup`` page changes) it reports RSS growth per 1,000 page changes
(from the medians of the first and last tenth of the samples), open file descriptors and
threads (the most open at once in the last tenth against the first: a connection to the
simulator comes and goes with the network); bare Kivy churns as many pages in the same run.
Exit status 1 when a goal is missed. Goal: ≤ 0.5 MB per 1,000 page
changes, fds and threads constant. JSON line: ``growth_mb_per_1000_pages``, ``fd_growth``,
``thread_growth``, ``bare_growth_mb_per_1000_pages``, ….
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _measure import ROOT, child_result, kivy_child_env, rss_mb


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def native_threads() -> int:
    """Every thread of the process (Python's and the GL driver's)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


# -- soak: the kiosk -------------------------------------------------------------------------------
# One cycle of a busy day, as (what, argument): "tap" a button by its text ("=" prefix: exact),
# "pinyin" letters then a candidate, "digits" on the keypad, "end" 结束并清除, "code" the last
# receipt code on the status keypad.
MIGRANT_WORKER = [
    ("tap", "申请法律援助"), ("tap", "给自己申请"), ("no_exemption", ""), ("tap", "务工欠薪"),
    ("tap", "=是"), ("pinyin", "zhang:张"), ("pinyin", "gui:桂"), ("pinyin", "ying:英"),
    ("tap", "下一步"), ("digits", "320483195603150025"), ("tap", "下一步"),
    ("digits", "13912345678"), ("tap", "下一步"), ("tap", "武进区"), ("first", ""),
    ("first", ""), ("tap", "跳过"), ("tap", "公司或单位"), ("tap", "跳过"),
    ("pinyin", "laoban:老板"), ("pinyin", "gei:给"), ("tap", "下一步"), ("tap", "工资条"),
    ("tap", "下一步"), ("tap", "没问题"), ("tap", "=同意"), ("tap", "提交申请"), ("tap", "办完了"),
]  # fmt: skip
STATUS = [("tap", "查询办理进度"), ("code", ""), ("tap", "=查询"), ("end", "")]
TILES = [
    ("tap", "公证材料清单"), ("tap", "继承"), ("tap", "=是"), ("tap", "=不是"), ("end", ""),
    ("tap", "预约上门服务"), ("tap", "80岁以上老人"), ("end", ""),
    ("tap", "法律常识"), ("tap", "讨工钱"), ("tap", "上一步"), ("end", ""),
    ("tap", "12348"), ("end", ""), ("tap", "工作人员"), ("end", ""),
]  # fmt: skip
CYCLE = MIGRANT_WORKER + STATUS + TILES
SAMPLE_EVERY = 16  # presses (about ten page changes)
SOAK_SIZE = "1280x800"  # the smallest supported screen: the software renderer draws it fastest


def child_soak(data_dir: Path, pages: int) -> None:
    import gc
    import time

    import ui  # benchmarks/ui.py: the kiosk started exactly as main.py does

    samples: dict[str, list[Any]] = {"pages": [], "rss_mb": [], "fds": [], "threads": []}
    state: dict[str, Any] = {"pages": 0, "step": 0, "last": None, "submitted": 0, "code": ""}
    state["t0"] = time.monotonic()

    def drive(app: Any) -> None:
        from kivy.clock import Clock  # after main.py has configured Kivy
        from kivy.core.window import Window

        def where() -> tuple[str, str]:
            screen = app.manager.current_screen
            return screen.name, str(getattr(screen, "step_id", ""))

        def sample() -> None:
            app.collector.collect()  # the quiet full collection (+ malloc_trim) the kiosk runs
            samples["pages"].append(state["pages"])
            samples["rss_mb"].append(round(rss_mb(), 2))
            samples["fds"].append(open_fds())
            samples["threads"].append(native_threads())

        def act(what: str, arg: str) -> None:
            if what == "end":
                app.end_session()
            elif what == "tap":
                press(arg[1:], exact=True) if arg.startswith("=") else press(arg)
            elif what == "no_exemption":  # 不是 to each 家是低保户…吗？ question
                from kiosk.wizards.legal_aid import EXEMPTION_QUESTIONS, exemption_step

                asked = {exemption_step(q) for q in EXEMPTION_QUESTIONS}
                for _ in EXEMPTION_QUESTIONS:
                    if where()[1] not in asked:
                        break
                    press("不是", exact=True)
            elif what == "first":
                press(app.manager.current_screen.choices[0][1], exact=True)
            elif what == "digits":
                for d in arg:
                    press(d, exact=True)
            elif what == "code":
                screen = app.manager.current_screen
                if screen.name == "receipt" and screen.code:
                    state["code"] = screen.code
                for d in state["code"] or "2345678":
                    press(d, exact=True)
            elif what == "pinyin":
                letters, pick = arg.split(":")
                if getattr(app.manager.current_screen, "keyboard", True) is None:
                    press("拼音", exact=True)  # 手写 is the default where handwriting works
                for letter in letters:
                    press(letter, exact=True)
                for _ in range(10):
                    button = ui.Driver.find(driver, pick, exact=True)
                    if button is not None:
                        button.dispatch("on_release")
                        break
                    press("更多", exact=True)

        def press(text: str, exact: bool = False) -> None:
            button = ui.Driver.find(driver, text, exact=exact)
            if button is None:
                raise SystemExit(f"soak: nothing shows {text!r} on {where()}")
            if text == "提交申请":
                state["submitted"] += 1
            if text == "办完了":
                state["code"] = app.manager.current_screen.code
            button.dispatch("on_release")

        def step(_dt: float) -> None:
            if state["pages"] >= pages:
                Window.unbind(on_flip=flipped)
                sample()
                samples["submitted"] = [state["submitted"]]
                samples["seconds"] = [round(time.monotonic() - state["t0"], 1)]
                print(json.dumps(samples), flush=True)
                app.stop()
                return
            what, arg = CYCLE[state["step"] % len(CYCLE)]
            if state["step"] % SAMPLE_EVERY == 0:
                sample()
            state["step"] += 1
            state["last"] = where()
            act(what, arg)
            state["waiting"] = state["step"]
            # A press that changed nothing on screen gets no frame: go on after a moment.
            Clock.schedule_once(lambda _dt, n=state["step"]: on_frame(n, late=True), 1.0)

        def flipped(*_: Any) -> None:
            on_frame(state.get("waiting"))

        def on_frame(waiting_for: Any, late: bool = False) -> None:
            # The frame showing the last press is out: count it, press the next on the next tick.
            if not waiting_for or state.get("waiting") != waiting_for:
                return
            state["waiting"] = None
            if late:
                samples.setdefault("no_frame", []).append(
                    str(CYCLE[(waiting_for - 1) % len(CYCLE)])
                )
            if where() != state["last"]:
                state["pages"] += 1
            Clock.schedule_once(step, 0)

        driver = ui.Driver(app)
        gc.collect()
        Window.bind(on_flip=flipped)
        Clock.schedule_once(step, 2.0)  # the other screens get built first

    ui.run_kiosk(data_dir, drive, size=SOAK_SIZE)


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


def child_bare(pages: int, rounds: int, size: str = "1920x1080") -> None:
    """Bare Kivy: build a page of 30 Chinese buttons, draw it, drop it; as often as the kiosk."""
    import gc

    from kivy.config import Config

    width, height = size.split("x")
    Config.set("graphics", "width", width)
    Config.set("graphics", "height", height)
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
    fds, threads = [open_fds()], [native_threads()]
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
        fds.append(open_fds())
        threads.append(native_threads())
    print(
        json.dumps({"rss_mb": samples, "page_changes": n, "fds": fds, "threads": threads}),
        flush=True,
    )


def run(*args: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="mem-bench-") as tmp:
        env = kivy_child_env(Path(tmp) / "kivy-home")
        done = subprocess.run(
            [sys.executable, __file__, *args, "--data-dir", str(Path(tmp) / "data")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600, check=False,
        )  # fmt: skip
    return child_result(str(list(args)[:2]), done.returncode, done.stdout, done.stderr)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def run_soak(pages: int, drop_every_s: float, drop_for_s: float) -> dict[str, Any]:
    """The kiosk soak child, with the provincial simulator on loopback going down and up."""
    import time

    sys.path.insert(0, str(ROOT))
    from tools.provincial_sim.keys import init_keys

    terminal = "CZ-SOAK-0001"
    with tempfile.TemporaryDirectory(prefix="mem-soak-") as tmp_name:
        tmp = Path(tmp_name)
        keys = init_keys(tmp / "keys", terminal)
        port = free_port()
        sim_cmd = [
            sys.executable, "-m", "tools.provincial_sim", "--port", str(port),
            "--db", str(tmp / "sim.sqlite3"), "--private-key", str(keys.private_key),
            "--terminals", str(keys.terminals),
        ]  # fmt: skip
        env = kivy_child_env(tmp / "kivy-home")
        env.update(
            KIOSK_TERMINAL_ID=terminal,
            KIOSK_PROVINCIAL_ENDPOINT=f"http://127.0.0.1:{port}/api/v1",
            KIOSK_PROVINCIAL_CREDENTIALS_FILE=str(keys.credentials),
            KIOSK_PROVINCIAL_PUBLIC_KEY_FILE=str(keys.public_key),
            KIOSK_SYNC_INTERVAL_S="5",
        )
        args = ("--child", "soak", "--pages", str(pages), "--data-dir", str(tmp / "data"))
        out, err = open(tmp / "out", "w+"), open(tmp / "err", "w+")  # noqa: SIM115
        kiosk = subprocess.Popen([sys.executable, __file__, *args], cwd=ROOT, env=env,
                                 stdout=out, stderr=err)  # fmt: skip
        drops = 0
        sim: subprocess.Popen[bytes] | None = None
        try:
            deadline = time.monotonic() + 4 * 3600
            while kiosk.poll() is None and time.monotonic() < deadline:
                sim = subprocess.Popen(sim_cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
                if _wait(kiosk, drop_every_s):
                    break
                sim.terminate()  # the network drops: uploads fail until it is back
                sim.wait(10)
                sim = None
                drops += 1
                if _wait(kiosk, drop_for_s):
                    break
        finally:
            if sim is not None:
                sim.terminate()
                sim.wait(10)
            if kiosk.poll() is None:
                kiosk.kill()
            code = kiosk.wait()
            out.seek(0)
            err.seek(0)
            result = child_result(str(list(args)[:2]), code, out.read(), err.read())
            out.close()
            err.close()
    result["network_drops"] = drops
    return result


def _wait(process: subprocess.Popen[bytes], seconds: float) -> bool:
    """Whether ``process`` ended within ``seconds``."""
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def soak_growth(pages: list[int], values: list[float], warmup: int) -> tuple[float, float, int]:
    """(growth per 1,000 page changes, growth, page changes measured) after the warm-up, from
    the medians of the first and the last tenth of the samples (a single sample is noisy: the
    heap breathes with what is on screen)."""
    import statistics

    kept = [(p, v) for p, v in zip(pages, values, strict=True) if p >= warmup]
    if len(kept) < 4:
        raise SystemExit(f"too few samples after the warm-up ({len(kept)}): more --pages")
    tenth = max(2, len(kept) // 10)
    head, tail = kept[:tenth], kept[-tenth:]
    growth = statistics.median(v for _, v in tail) - statistics.median(v for _, v in head)
    span = statistics.median(p for p, _ in tail) - statistics.median(p for p, _ in head)
    return growth / max(1, span) * 1000, growth, int(span)


def soak_main(pages: int, warmup: int, drop_every_s: float, drop_for_s: float) -> int:
    kiosk = run_soak(pages, drop_every_s, drop_for_s)
    done = kiosk["pages"][-1]
    rounds = max(4, len(kiosk["pages"]) - 1)
    bare = run(
        "--child", "bare", "--rounds", str(rounds), "--pages", str(done), "--size", SOAK_SIZE
    )
    bare_pages = [i * (bare["page_changes"] // rounds) for i in range(len(bare["rss_mb"]))]
    k_rate, k_growth, k_span = soak_growth(kiosk["pages"], kiosk["rss_mb"], warmup)
    b_rate, _, _ = soak_growth(bare_pages, bare["rss_mb"], warmup)
    after = [i for i, p in enumerate(kiosk["pages"]) if p >= warmup]
    fds = [kiosk["fds"][i] for i in after]
    threads = [kiosk["threads"][i] for i in after]
    print(f"soak: {done} page changes, {kiosk['submitted'][0]} submissions, "
          f"{kiosk['network_drops']} network drops; bare Kivy {bare['page_changes']} pages")  # fmt: skip
    print(f"kiosk RSS: start {kiosk['rss_mb'][0]} MB, at warm-up end {kiosk['rss_mb'][after[0]]} MB,"
          f" end {kiosk['rss_mb'][-1]} MB; bare Kivy end {bare['rss_mb'][-1]} MB")  # fmt: skip
    print(f"after {warmup} warm-up page changes: kiosk {k_rate:.2f} MB per 1,000 page changes "
          f"({k_growth:+.1f} MB over {k_span}); bare Kivy {b_rate:.2f} (goal ≤ 0.5)")  # fmt: skip
    # The most open at once in the last tenth against the first: a connection to the simulator
    # comes and goes with the network; a leak only grows.
    tenth = max(2, len(fds) // 10)
    fd_growth = max(fds[-tenth:]) - max(fds[:tenth])
    thread_growth = max(threads[-tenth:]) - max(threads[:tenth])
    print(f"open fds {min(fds)}–{max(fds)}, threads {min(threads)}–{max(threads)}")
    seconds = kiosk["seconds"][0]
    print(f"{seconds:.0f} s, {seconds / max(1, done) * 1000:.0f} ms per page change; presses that "
          f"drew nothing: {sorted(set(kiosk.get('no_frame', [])))}")  # fmt: skip
    print(
        json.dumps(
            {
                "growth_mb_per_1000_pages": round(k_rate, 3),
                "fd_growth": fd_growth,
                "thread_growth": thread_growth,
                "bare_growth_mb_per_1000_pages": round(b_rate, 3),
                "page_changes": done,
                "submissions": kiosk["submitted"][0],
                "network_drops": kiosk["network_drops"],
                "kiosk_end_rss_mb": kiosk["rss_mb"][-1],
                "bare_end_rss_mb": bare["rss_mb"][-1],
                "warmup_pages": warmup,
            }
        )
    )
    ok = k_rate <= 0.5 and fd_growth <= 0 and thread_growth <= 0
    return 0 if ok else 1


def growth_per_100(result: dict[str, Any]) -> float:
    rss = result["rss_mb"]
    half = len(rss) // 2
    pages_in_half = result["page_changes"] * (len(rss) - 1 - half) / max(1, len(rss) - 1)
    return (rss[-1] - rss[half]) / max(1.0, pages_in_half) * 100


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=20, help="rounds of the touch script (30 touches)")
    p.add_argument("--soak", action="store_true", help="the long run (see above)")
    p.add_argument("--pages", type=int, default=5000, help="--soak: page changes (default 5000)")
    p.add_argument("--warmup", type=int, default=1000, help="--soak: page changes of warm-up")
    p.add_argument("--drop-every", type=float, default=20.0, help="--soak: network up (s)")
    p.add_argument("--drop-for", type=float, default=10.0, help="--soak: network down (s)")
    p.add_argument("--child", choices=["kiosk", "bare", "soak"], help=argparse.SUPPRESS)
    p.add_argument("--size", default="1920x1080", help=argparse.SUPPRESS)
    p.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child == "soak":
        child_soak(args.data_dir, args.pages)
        return 0
    if args.soak:
        return soak_main(args.pages, args.warmup, args.drop_every, args.drop_for)
    if args.rounds < 2:
        p.error("--rounds must be at least 2 (growth is measured over the second half)")
    if args.child == "kiosk":
        child_kiosk(args.data_dir, args.rounds)
        return 0
    if args.child == "bare":
        child_bare(args.pages, args.rounds, args.size)
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
