"""Start-up benchmark: process start → first frame of the home screen, peak RSS, idle CPU.

Measured for the kiosk and, in the same run and the same way, for a bare Kivy app showing one
Label. Prints the figures and the ratios (medians over --runs), then one JSON line:
``{"start_ratio": …, "idle_cpu_ratio": …, "peak_rss_mb": …}``. Goals: start ≤ 1.3×, idle ≤ 1.5×.
"""

from __future__ import annotations

import argparse
import compileall
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _measure import child_result

HERE = Path(__file__).resolve().parent
PACKAGES = ("kiosk", "offline_cache", "screens", "voice")  # as `make bytecode`


def compile_ours(root: Path = HERE.parent) -> None:
    """Our modules compiled to bytecode first, as `make setup` leaves them on a kiosk. Where
    PYTHONDONTWRITEBYTECODE is set (this build machine) a missing or stale .pyc is compiled from
    source at every start and never saved: session 6 measured 1.44–1.47 from a checkout with 14
    stale .pyc on the way to the home screen, 1.25 once they were compiled."""
    ok = compileall.compile_file(str(root / "main.py"), quiet=2)
    for package in PACKAGES:
        ok = compileall.compile_dir(str(root / package), quiet=2) and ok
    if not ok:
        sys.exit("benchmarks/startup.py: our modules don't compile")


def probe(
    which: str, mode: str, data_dir: Path, idle_s: float, tree: Path = HERE.parent
) -> dict[str, float]:
    """One fresh process of ``tree``'s probe (its own code first on the path)."""
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, str(tree / "benchmarks" / "_probe.py"), which, mode, str(data_dir),
         str(idle_s)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    figures: dict[str, float] = child_result(
        f"{which} {mode}", out.returncode, out.stdout, out.stderr
    )
    figures["start_s"] = figures["first_frame"] - t0
    return figures


def against(other: Path, runs: int) -> None:
    """A/B in the same minutes: only medians of probes taken in turn compare two trees on this
    shared machine (docs/performance.md, session 7)."""
    if not (other / "benchmarks" / "_probe.py").is_file():
        sys.exit(f"benchmarks/startup.py: {other} has no benchmarks/_probe.py")
    compile_ours()
    compile_ours(other)
    trees = {"this": HERE.parent, "other": other}
    start: dict[str, list[float]] = {"this": [], "other": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        data = {k: Path(tmp) / k for k in trees}  # a store each: the two may differ in schema
        for name, tree in trees.items():  # warm the file cache, create the stores
            probe("kiosk", "start", data[name], 0, tree)
        probe("bare", "start", data["this"], 0)
        for i in range(runs):
            order = ("this", "other") if i % 2 == 0 else ("other", "this")
            for name in order:
                start[name].append(probe("kiosk", "start", data[name], 0, trees[name])["start_s"])
            start["bare"].append(probe("bare", "start", data["this"], 0)["start_s"])
    med = {k: statistics.median(v) for k, v in start.items()}
    for name, label in (("this", str(HERE.parent)), ("other", str(other))):
        print(f"{label}: start {med[name]:.3f} s, ratio {med[name] / med['bare']:.2f}")
    print(f"bare Kivy: start {med['bare']:.3f} s (medians of {runs} runs each, in turn)")
    print(json.dumps({
        "start_ratio": round(med["this"] / med["bare"], 3),
        "against_start_ratio": round(med["other"] / med["bare"], 3),
        "start_s": round(med["this"], 3),
        "against_start_s": round(med["other"], 3),
        "bare_start_s": round(med["bare"], 3),
    }))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5, help="start-up runs per app (median)")
    ap.add_argument("--idle-runs", type=int, default=2)
    ap.add_argument("--idle-seconds", type=float, default=10.0)
    ap.add_argument(
        "--against",
        type=Path,
        metavar="TREE",
        help="another checkout (e.g. `git worktree add --detach /tmp/ab main`): its kiosk, this one's "
        "and bare Kivy are started in turn, probe by probe, and only the start-up is compared",
    )
    args = ap.parse_args()
    if args.runs < 1 or args.idle_runs < 1:
        ap.error("--runs and --idle-runs must be at least 1 (the figures are medians)")
    if args.against is not None:
        against(args.against.resolve(), args.runs)
        return

    compile_ours()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        data = Path(tmp)
        # Warm the OS file cache and create the store once, so run 1 isn't an outlier.
        probe("kiosk", "start", data, 0)
        probe("bare", "start", data, 0)
        start: dict[str, list[float]] = {"kiosk": [], "bare": []}
        rss: dict[str, list[float]] = {"kiosk": [], "bare": []}
        idle: dict[str, list[float]] = {"kiosk": [], "bare": []}
        for _ in range(args.runs):  # interleaved, so machine noise hits both alike
            for which in ("kiosk", "bare"):
                f = probe(which, "start", data, 0)
                start[which].append(f["start_s"])
                rss[which].append(f["peak_rss_mb"])
        for _ in range(args.idle_runs):
            for which in ("kiosk", "bare"):
                f = probe(which, "idle", data, args.idle_seconds)
                idle[which].append(f["idle_cpu_s"] / args.idle_seconds * 100)

    med = {k: {n: statistics.median(v[k]) for n, v in (("start", start), ("rss", rss), ("idle", idle))}
           for k in ("kiosk", "bare")}  # fmt: skip
    start_ratio = med["kiosk"]["start"] / med["bare"]["start"]
    idle_ratio = med["kiosk"]["idle"] / max(med["bare"]["idle"], 1e-6)
    print(f"{'':10}{'kiosk':>12}{'bare Kivy':>12}{'ratio':>8}")
    print(
        f"{'start s':10}{med['kiosk']['start']:12.3f}{med['bare']['start']:12.3f}{start_ratio:8.2f}"
    )
    print(
        f"{'idle CPU%':10}{med['kiosk']['idle']:12.2f}{med['bare']['idle']:12.2f}{idle_ratio:8.2f}"
    )
    print(f"{'peak MB':10}{med['kiosk']['rss']:12.1f}{med['bare']['rss']:12.1f}"
          f"{med['kiosk']['rss'] / med['bare']['rss']:8.2f}")  # fmt: skip
    print(
        f"(medians of {args.runs} start-up runs and {args.idle_runs} idle runs of {args.idle_seconds:.0f} s)"
    )
    print(json.dumps({
        "start_ratio": round(start_ratio, 3),
        "idle_cpu_ratio": round(idle_ratio, 3),
        "peak_rss_mb": round(med["kiosk"]["rss"], 1),
        "start_s": round(med["kiosk"]["start"], 3),
        "bare_start_s": round(med["bare"]["start"], 3),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
